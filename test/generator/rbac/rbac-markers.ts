import { MarkerRegistry, parseMarker, type Marker } from "../../../src/markers/index.js";
import { RBAC_MARKERS } from "../../../src/markers/definitions/rbac.js";

const registry = new MarkerRegistry(RBAC_MARKERS);

/**
 * Parses `// +kubebuilder:rbac:...` comment lines of a made-up controller file into markers,
 * each located at its line (column 4, the `+`). Lines that are not markers are skipped, so a
 * test can paste a whole comment block. Throws on a marker that does not parse.
 */
export function rbacMarkers(lines: readonly string[], file = "src/controllers/backup-controller.ts"): Marker[] {
  const out: Marker[] = [];
  lines.forEach((line, i) => {
    const match = /^\/\/ \+(.*)$/.exec(line.trim());
    if (!match) return;
    const outcome = parseMarker(match[1]!, { file, line: i + 1, column: 4 }, "file", registry);
    if (outcome.kind !== "marker") throw new Error(`test marker did not parse: ${line} ${JSON.stringify(outcome)}`);
    out.push(outcome.marker);
  });
  return out;
}

/** Shorthand: one marker line per argument string, `// +kubebuilder:rbac:` prepended. */
export function rules(...args: readonly string[]): Marker[] {
  return rbacMarkers(args.map((a) => `// +kubebuilder:rbac:${a}`));
}
