export { formatLocation, compareLocations, escapeControls, type SourceLocation } from "./location.js";
export {
  KbError,
  DiagnosticsError,
  ExitCode,
  formatDiagnostic,
  type Diagnostic,
  type Severity,
} from "./kb-error.js";
export { DiagnosticList } from "./diagnostic-list.js";
export { closest, didYouMean, editDistance } from "./did-you-mean.js";
