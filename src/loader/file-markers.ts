import type { DiagnosticList } from "../diagnostics/index.js";
import type { Marker, MarkerRegistry } from "../markers/index.js";
import { parseMarker } from "../markers/index.js";
import { isFileMarker, markerName } from "./collect-markers.js";

/** A comment line that holds a marker: `// +x`, ` * +x`, `/** +x`. */
const MARKER_LINE = /^(\s*(?:\/\/|\/\*\*?|\*)\s*)\+([A-Za-z].*?)\s*(?:\*\/\s*)?$/;

/**
 * Finds the markers that count wherever they stand in a file (`+kubebuilder:rbac`,
 * `+kubebuilder:webhook`, ...) by scanning its comment lines; no parse of the TypeScript is
 * needed, so controllers are read without loading their imports.
 */
export function scanFileMarkers(
  file: string,
  text: string,
  registry: MarkerRegistry,
  diagnostics: DiagnosticList,
): Marker[] {
  const out: Marker[] = [];
  if (!text.includes("+")) return out;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes("+")) continue;
    const m = MARKER_LINE.exec(line);
    if (!m) continue;
    const body = m[2]!;
    if (!isFileMarker(markerName(body), registry)) continue;
    const location = { file, line: i + 1, column: m[1]!.length + 1 };
    const outcome = parseMarker(body, location, "file", registry);
    if (outcome.kind === "marker") out.push(outcome.marker);
    else if (outcome.kind === "error") diagnostics.add(outcome.diagnostic);
  }
  return out;
}
