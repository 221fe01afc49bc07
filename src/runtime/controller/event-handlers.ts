import type { Request } from "../reconcile.js";
import type { KubernetesObject, Resource } from "../resource.js";
import { allow, type Predicate } from "./predicates.js";

/** What an informer tells its handlers. */
export interface ObjectEventHandler<T extends KubernetesObject = KubernetesObject> {
  onAdd(object: T): void;
  onUpdate(oldObject: T, newObject: T): void;
  onDelete(object: T): void;
}

/** Something that delivers object events (the manager adapts informers to this). */
export interface EventSource<T extends KubernetesObject = KubernetesObject> {
  addHandler(handler: ObjectEventHandler<T>): void;
}

/** Maps an object to the requests it should trigger. */
export type MapFunction<T extends KubernetesObject = KubernetesObject> = (object: T) => readonly Request[];

/** The object itself: controller-runtime's EnqueueRequestForObject. */
export function requestForObject(object: KubernetesObject): Request[] {
  const name = object.metadata?.name;
  if (!name) return [];
  const namespace = object.metadata?.namespace;
  return [namespace ? { namespace, name } : { name }];
}

/** What {@link requestForOwner} takes. */
export interface OwnerRequestOptions {
  /**
   * Every owner reference of the owner's kind, not only the controlling one: controller-runtime's
   * `Owns(obj, builder.MatchEveryOwner)` (EnqueueRequestForOwner without OnlyControllerOwner).
   * Default false: the controller reference alone.
   */
  readonly matchEveryOwner?: boolean | undefined;
}

/**
 * The owners of `object` of `owner`'s kind (group and kind match; the version does not), as
 * controller-runtime's EnqueueRequestForOwner: by default only the controlling owner
 * (`controller: true`, OnlyControllerOwner), with `matchEveryOwner` every owner reference of
 * the kind, each distinct owner once. A namespaced owner is looked up in the object's
 * namespace; a cluster-scoped one has none.
 */
export function requestForOwner(owner: Resource, options: OwnerRequestOptions = {}): MapFunction {
  const every = options.matchEveryOwner === true;
  return (object) => {
    const out: Request[] = [];
    const seen = new Set<string>();
    const refs = object.metadata?.ownerReferences ?? [];
    // Only the controller reference (at most one is allowed), else all of them.
    const candidates = every ? refs : refs.filter((r) => r.controller === true).slice(0, 1);
    for (const ref of candidates) {
      if (ref.kind !== owner.kind) continue;
      const group = ref.apiVersion.includes("/") ? ref.apiVersion.slice(0, ref.apiVersion.lastIndexOf("/")) : "";
      if (group !== owner.group) continue;
      const namespace = owner.namespaced ? object.metadata?.namespace : undefined;
      const key = `${namespace ?? ""}/${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(namespace ? { namespace, name: ref.name } : { name: ref.name });
    }
    return out;
  };
}

/**
 * A handler that maps events through `map`, filtered by `predicates`, into `enqueue`. For
 * an update it enqueues the requests of both the old and the new object (an owner or a
 * mapping may have changed), each distinct request once, as controller-runtime's handlers
 * do: leaving it to the queue is not enough, because an idle worker takes the first add at
 * once and the second then queues the same key again, for a second reconcile.
 */
export function mappingHandler<T extends KubernetesObject>(
  map: MapFunction<T>,
  predicates: readonly Predicate<T>[],
  enqueue: (req: Request) => void,
): ObjectEventHandler<T> {
  const each = (objects: T[]) => {
    const seen = new Set<string>();
    for (const o of objects) {
      for (const r of map(o)) {
        const key = `${r.namespace ?? ""}/${r.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        enqueue(r);
      }
    }
  };
  return {
    onAdd: (o) => {
      if (allow(predicates, "create", o)) each([o]);
    },
    onUpdate: (a, b) => {
      if (a.metadata?.resourceVersion === b.metadata?.resourceVersion) {
        if (allow(predicates, "generic", b)) each([b]);
        return;
      }
      if (allow(predicates, "update", a, b)) each([a, b]);
    },
    onDelete: (o) => {
      if (allow(predicates, "delete", o)) each([o]);
    },
  };
}
