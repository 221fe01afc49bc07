import type { ListOptions } from "../client/types.js";
import type { KubernetesObject } from "../resource.js";
import { parseFieldSelector, readField } from "./field-selector.js";
import { parseLabelSelector } from "./label-selector.js";
import type { StoreReader } from "./object-store.js";

/**
 * The stored objects of `sources` matching a list's namespace, label selector and field
 * selector. A field selector term whose field names a custom index of the store is answered
 * by the index (controller-runtime's `MatchingFields` on an `IndexField`); other terms read
 * the field by its dotted path. Returns the stored (frozen) objects.
 */
export function selectObjects<T extends KubernetesObject>(
  sources: readonly { readonly store: StoreReader<T> }[],
  options: ListOptions,
): T[] {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector);
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
