import type { DiagnosticList } from "../diagnostics/index.js";
import type { Marker, MarkerRegistry, MarkerTarget } from "../markers/index.js";
import { markerLines, parseMarker, type CommentBlock } from "../markers/index.js";

/**
 * Parses the marker lines of `blocks` as markers on a `target`. Markers that count
 * anywhere in a file (RBAC, webhooks) are skipped here: the file scan collects them.
 * Errors go to `diagnostics`; the markers that parsed are returned.
 */
export function collectMarkers(
  blocks: readonly CommentBlock[],
  target: MarkerTarget,
  file: string,
  registry: MarkerRegistry,
  diagnostics: DiagnosticList,
): Marker[] {
  const out: Marker[] = [];
  for (const line of markerLines(blocks)) {
    const name = markerName(line.text);
    if (isFileMarker(name, registry)) continue;
    const outcome = parseMarker(line.text, { file, line: line.line, column: line.column }, target, registry);
    if (outcome.kind === "marker") {
      if (!outcome.marker.definition.ignored) out.push(outcome.marker);
    } else if (outcome.kind === "error") {
      diagnostics.add(outcome.diagnostic);
    }
  }
  return out;
}

/** The name part of marker text: up to the first `=`. */
export function markerName(text: string): string {
  const eq = text.indexOf("=");
  return (eq < 0 ? text : text.slice(0, eq)).trim();
}

/** Whether `name` (or its prefix less the last segment) is a file-level marker. */
export function isFileMarker(name: string, registry: MarkerRegistry): boolean {
  const colon = name.lastIndexOf(":");
  const candidates = colon > 0 ? [name, name.slice(0, colon)] : [name];
  return candidates.some((n) => registry.definitionsOf(n).some((d) => d.targets.includes("file")));
}
