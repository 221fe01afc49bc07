import type { PatchType } from "./types.js";

/**
 * Formats a label selector for a query: a string is passed through, an object becomes
 * `key=value` pairs joined by commas, sorted by key so equal selectors give equal strings.
 * @example
 * ```ts
 * formatLabelSelector({ tier: "web", app: "shop" }); // "app=shop,tier=web"
 * ```
 */
export function formatLabelSelector(selector: string | Readonly<Record<string, string>> | undefined): string | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector === "string") return selector.trim() === "" ? undefined : selector;
  const keys = Object.keys(selector).sort();
  if (keys.length === 0) return undefined;
  return keys.map((k) => `${k}=${selector[k]}`).join(",");
}

/** The `Content-Type` of each patch format. */
export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = Object.freeze({
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
  strategic: "application/strategic-merge-patch+json",
});

/** The content type for a patch format; throws, naming the formats, on an unknown one. */
export function patchContentType(type: PatchType): string {
  switch (type) {
    case "merge":
    case "json":
    case "apply":
    case "strategic":
      return PATCH_CONTENT_TYPES[type];
    default: {
      const never: never = type;
      throw new TypeError(`unknown patch type "${String(never)}": expected "merge", "json", "apply" or "strategic"`);
    }
  }
}
