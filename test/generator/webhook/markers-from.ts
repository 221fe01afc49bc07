import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { MarkerRegistry, parseMarker, type Marker } from "../../../src/markers/index.js";
import { WEBHOOK_MARKERS } from "../../../src/markers/definitions/webhook.js";

const registry = new MarkerRegistry(WEBHOOK_MARKERS);

/**
 * Parses the `// +marker` lines of a TypeScript source text as file markers, the way the
 * loader's file scan does, with each marker located at its `+` (1-based line and column).
 */
export function markersFrom(
  source: string,
  file = "/project/internal/webhook/v1/cronjob-webhook.ts",
  diagnostics = new DiagnosticList(),
): { markers: Marker[]; diagnostics: DiagnosticList } {
  const markers: Marker[] = [];
  source.split("\n").forEach((line, i) => {
    const m = /^(\s*\/\/\s*)\+(.*)$/.exec(line);
    if (!m) return;
    const outcome = parseMarker(m[2]!, { file, line: i + 1, column: m[1]!.length + 1 }, "file", registry);
    if (outcome.kind === "marker") markers.push(outcome.marker);
    else if (outcome.kind === "error") diagnostics.add(outcome.diagnostic);
  });
  return { markers, diagnostics };
}
