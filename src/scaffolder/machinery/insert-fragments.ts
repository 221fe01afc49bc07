import { KbError } from "../../diagnostics/index.js";
import type { Insertion } from "./scaffold-plan.js";

/**
 * Adds an insertion's fragments to `content` above its marker line, skipping fragments the
 * file already holds (compared line by line, ignoring indentation). Returns the new content,
 * or throws naming the file when the marker is gone.
 */
export function insertFragments(content: string, insertion: Insertion): string {
  const lines = content.split("\n");
  const at = lines.findIndex((l) => isMarkerLine(l, insertion.marker));
  if (at < 0) {
    throw new KbError("missing-marker", `${insertion.path}: the marker comment "${insertion.marker}" is missing`, {
      hint: `put the line back where kb should add new entries, e.g. "${commentFor(insertion.path)}${insertion.marker}"`,
    });
  }
  const indent = /^\s*/.exec(lines[at]!)![0];
  const present = new Set(lines.map((l) => l.trim()));
  const added: string[] = [];
  for (const fragment of insertion.fragments) {
    const fragmentLines = fragment.replace(/\n$/, "").split("\n");
    if (containsBlock(lines, fragmentLines)) continue;
    if (fragmentLines.length === 1 && present.has(fragmentLines[0]!.trim())) continue;
    for (const l of fragmentLines) added.push(l === "" ? "" : indent + l);
  }
  if (added.length === 0) return content;
  return [...lines.slice(0, at), ...added, ...lines.slice(at)].join("\n");
}

function isMarkerLine(line: string, marker: string): boolean {
  const t = line.trim();
  const body = t.startsWith("//") ? t.slice(2) : t.startsWith("#") ? t.slice(1) : undefined;
  return body !== undefined && body.trim() === marker;
}

function containsBlock(lines: readonly string[], block: readonly string[]): boolean {
  const first = block[0]!.trim();
  for (let i = 0; i + block.length <= lines.length; i++) {
    if (lines[i]!.trim() !== first) continue;
    if (block.every((b, j) => lines[i + j]!.trim() === b.trim())) return true;
  }
  return false;
}

function commentFor(path: string): string {
  return /\.(ya?ml)$|Dockerfile$|\.sh$/.test(path) ? "# " : "// ";
}
