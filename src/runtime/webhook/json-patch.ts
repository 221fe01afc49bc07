import jsonPatch from "fast-json-patch";

/** One RFC 6902 operation. Paths are JSON pointers (`~` as `~0`, `/` as `~1`). */
export type JsonPatchOperation =
  | { readonly op: "add"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "replace"; readonly path: string; readonly value: unknown }
  | { readonly op: "move"; readonly from: string; readonly path: string }
  | { readonly op: "copy"; readonly from: string; readonly path: string }
  | { readonly op: "test"; readonly path: string; readonly value: unknown };

/** What JSON.stringify would send: drops `undefined` members and functions, turns Dates to strings. */
const asJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * The RFC 6902 patch that turns `original` into `mutated` (both JSON documents; `mutated` is
 * first normalised as JSON.stringify would serialise it, so a member set to `undefined` is a
 * removal). Built on fast-json-patch's `compare`: object members are diffed recursively,
 * arrays index by index, removals from the end of an array come highest index first.
 * @example
 * ```ts
 * jsonPatchDiff({ spec: { a: 1 } }, { spec: { a: 1, b: 2 } }); // [{ op: "add", path: "/spec/b", value: 2 }]
 * ```
 */
export function jsonPatchDiff(original: object, mutated: object): JsonPatchOperation[] {
  const before = asJson(original) as object;
  const after = asJson(mutated) as object;
  return jsonPatch.compare(before, after) as JsonPatchOperation[];
}

