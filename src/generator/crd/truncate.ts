import type { JSONSchemaProps } from "../../model/index.js";
import { visitSchema } from "./visit-schema.js";

/**
 * Shortens every description to at most `maxLen` characters as controller-gen's
 * `maxDescLen` does: cut at the last sentence end within the limit, else at the last
 * space with "...", else hard with "...". `0` removes descriptions.
 */
export function truncateDescriptions(schema: JSONSchemaProps, maxLen: number): void {
  if (maxLen < 0) return;
  visitSchema(schema, (node) => {
    if (node.description === undefined) return;
    if (maxLen === 0) delete node.description;
    else node.description = truncateString(node.description, maxLen);
  });
}

export function truncateString(text: string, maxLen: number): string {
  if (text.length <= maxLen) return text;
  const cut = text.slice(0, maxLen);
  const sentence = lastIndexMatching(cut, /[.!?\u0964\u3002\uff01\uff1f]/u);
  if (sentence > 0) return cut.slice(0, sentence + 1);
  const space = lastIndexMatching(cut, /\s/u);
  if (space > 0) return `${cut.slice(0, space)}...`;
  return `${cut}...`;
}

function lastIndexMatching(text: string, re: RegExp): number {
  for (let i = text.length - 1; i >= 0; i--) if (re.test(text[i]!)) return i;
  return -1;
}
