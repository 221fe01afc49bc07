import type { KubernetesObject } from "../resource.js";

/**
 * Filters events before they reach the work queue. Each method is optional and defaults to
 * letting the event through, as controller-runtime's predicate.Funcs.
 */
export interface Predicate<T extends KubernetesObject = KubernetesObject> {
  create?(object: T): boolean;
  update?(oldObject: T, newObject: T): boolean;
  delete?(object: T): boolean;
  /** Resync deliveries (the same object again). */
  generic?(object: T): boolean;
}

const json = (v: unknown) => JSON.stringify(v ?? null);

/** Passes updates that change `metadata.generation` (spec changes), and every create/delete. */
export function generationChanged(): Predicate {
  return { update: (a, b) => a.metadata?.generation !== b.metadata?.generation };
}

/** Passes updates that change the labels. */
export function labelChanged(): Predicate {
  return { update: (a, b) => json(a.metadata?.labels) !== json(b.metadata?.labels) };
}

/** Passes updates that change the annotations. */
export function annotationChanged(): Predicate {
  return { update: (a, b) => json(a.metadata?.annotations) !== json(b.metadata?.annotations) };
}

/** Passes updates whose resourceVersion changed (drops resync deliveries of unchanged objects). */
export function resourceVersionChanged(): Predicate {
  return { update: (a, b) => a.metadata?.resourceVersion !== b.metadata?.resourceVersion };
}

/** Passes events of objects whose labels match all of `labels`. */
export function hasLabels(labels: Readonly<Record<string, string>>): Predicate {
  const match = (o: KubernetesObject) => Object.entries(labels).every(([k, v]) => o.metadata?.labels?.[k] === v);
  return { create: match, update: (_a, b) => match(b), delete: match, generic: match };
}

type EventKind = keyof Predicate;

function passes<T extends KubernetesObject>(p: Predicate<T>, kind: EventKind, args: [T] | [T, T]): boolean {
  const fn = p[kind] as ((...a: T[]) => boolean) | undefined;
  return fn === undefined ? true : fn.apply(p, args);
}

/** Passes an event when every predicate passes it. */
export function and<T extends KubernetesObject>(...predicates: Predicate<T>[]): Predicate<T> {
  const all = (kind: EventKind) => (...args: T[]) => predicates.every((p) => passes(p, kind, args as [T]));
  return { create: all("create"), update: all("update"), delete: all("delete"), generic: all("generic") };
}

/** Passes an event when any predicate passes it. */
export function or<T extends KubernetesObject>(...predicates: Predicate<T>[]): Predicate<T> {
  const any = (kind: EventKind) => (...args: T[]) => predicates.some((p) => passes(p, kind, args as [T]));
  return { create: any("create"), update: any("update"), delete: any("delete"), generic: any("generic") };
}

/** Inverts a predicate. */
export function not<T extends KubernetesObject>(predicate: Predicate<T>): Predicate<T> {
  const inv = (kind: EventKind) => (...args: T[]) => !passes(predicate, kind, args as [T]);
  return { create: inv("create"), update: inv("update"), delete: inv("delete"), generic: inv("generic") };
}

/** Whether all `predicates` let an event through. */
export function allow<T extends KubernetesObject>(predicates: readonly Predicate<T>[], kind: EventKind, ...args: [T] | [T, T]): boolean {
  return predicates.every((p) => passes(p, kind, args));
}
