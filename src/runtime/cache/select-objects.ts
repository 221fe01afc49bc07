import type { ListOptions } from "../client/types.js";
import type { KubernetesObject } from "../resource.js";
import { parseFieldSelector, readField } from "./field-selector.js";
import { parseLabelSelector } from "./label-selector.js";
import type { StoreReader } from "./object-store.js";

/** Fields every object has, which a field selector may name without an index. */
const ALWAYS_SELECTABLE = new Set(["metadata.name", "metadata.namespace"]);

/**
 * The stored objects of `sources` matching a list's namespace, label selector and field
 * selector. A field selector term is answered by the custom index of that name
 * (controller-runtime's `MatchingFields` on an `IndexField`), or, for `metadata.name` and
 * `metadata.namespace`, from the object. Any other field is an error naming the index to
 * register, as controller-runtime's cache refuses it: read by path, an index name that was
 * never registered would select nothing, silently. Returns the stored (frozen) objects.
 */
export function selectObjects<T extends KubernetesObject>(
  sources: readonly { readonly store: StoreReader<T> }[],
  options: ListOptions,
  kind = "this kind",
): T[] {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector);
  for (const r of fields.requirements) {
    const field = r.field.replace(/^\./, "");
    if (ALWAYS_SELECTABLE.has(field) || sources.every((s) => s.store.hasIndex(r.field))) continue;
    throw new Error(
      `field selector "${options.fieldSelector ?? ""}": the cache has no index "${r.field}" on ${kind}; register it with cache.indexField(${kind}, "${r.field}", fn) before the cache starts ` +
        "(the cache answers field selectors from its indexes, and metadata.name and metadata.namespace)",
    );
  }
  const namespace = options.namespace;
  const out: T[] = [];
  for (const { store } of sources) {
    const indexed = fields.requirements.filter((r) => store.hasIndex(r.field));
    const byPath = fields.requirements.filter((r) => !store.hasIndex(r.field));
    const memberships = indexed.map((r) => ({ equal: r.op === "=", members: new Set(store.byIndex(r.field, r.value)) }));
    const narrowest = memberships.filter((m) => m.equal).sort((a, b) => a.members.size - b.members.size)[0];
    const candidates = narrowest ? [...narrowest.members] : store.list(namespace);
    for (const object of candidates) {
      if (namespace !== undefined && object.metadata?.namespace !== namespace) continue;
      if (!memberships.every((m) => m.members.has(object) === m.equal)) continue;
      if (!labels.matches(object.metadata?.labels)) continue;
      if (!byPath.every((r) => (readField(object, r.field) === r.value) === (r.op === "="))) continue;
      out.push(object);
    }
  }
  return out;
}
