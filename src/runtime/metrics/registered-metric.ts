import type { Registry } from "prom-client";

/**
 * The metric called `name` in `registry`, made with `create` the first time: several
 * managers (or servers) given one registry share their metrics instead of failing on a
 * duplicate registration. Throws when `registry` holds another kind of metric by that name.
 */
export function registeredMetric<M>(registry: Registry, name: string, type: abstract new (...args: never[]) => M, create: () => M): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (existing instanceof type) return existing;
  throw new TypeError(`metric "${name}" is already registered as another kind of metric than a ${type.name}`);
}
