import type { KubernetesObject, Resource } from "../resource.js";

/**
 * How one spoke version converts to and from the hub. Both may be async. Each gets its own
 * deep copy, so it may change its argument and return it. Whatever they do to `metadata`,
 * only labels and annotations are kept (the API server allows no other change), so lossy
 * fields can travel in annotations.
 */
export interface SpokeConversion<Hub extends KubernetesObject, Spoke extends KubernetesObject = KubernetesObject> {
  toHub(spoke: Spoke): Hub | Promise<Hub>;
  fromHub(hub: Hub): Spoke | Promise<Spoke>;
}

/** Spoke conversions by version ("v1beta1"), the hub excluded. */
export type SpokeConversions<Hub extends KubernetesObject> = Readonly<Record<string, SpokeConversion<Hub>>>;

/**
 * What {@link conversion} takes: the hub as a resource handle (its group, kind and version),
 * or as a version with the group and kind spelled out.
 */
export type ConversionOptions<Hub extends KubernetesObject> =
  | { readonly hub: Resource<Hub>; readonly spokes: SpokeConversions<Hub> }
  | { readonly group: string; readonly kind: string; readonly hub: string; readonly spokes: SpokeConversions<Hub> };

/** Hub-and-spoke conversion of one group-kind; register it with `server.registerConversion`. */
export interface Conversion {
  readonly group: string;
  readonly kind: string;
  /** The hub version, e.g. "v1". */
  readonly hub: string;
  /** Every version it converts: the hub first, then the spokes. */
  readonly versions: readonly string[];
  /**
   * Converts `obj` (of this group-kind, at any known version) to `version`. The result has
   * `apiVersion` "group/version", the object's kind and its metadata (labels and annotations
   * as the conversion left them). Throws a {@link ConversionError} for an unknown version.
   */
  convert(obj: KubernetesObject, version: string): Promise<KubernetesObject>;
}

/** A conversion that cannot be done; the conversion webhook answers it as a failure result. */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConversionError";
  }
}

/** Splits "group/version" ("v1" for the core group). */
export function splitApiVersion(apiVersion: string): { readonly group: string; readonly version: string } {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const joinApiVersion = (group: string, version: string): string => (group ? `${group}/${version}` : version);

/** Keeps the source's metadata, taking labels and annotations from the converted object. */
function restoreMetadata(source: KubernetesObject, converted: KubernetesObject): KubernetesObject["metadata"] {
  if (!source.metadata) return converted.metadata;
  if (!converted.metadata) return structuredClone(source.metadata);
  const metadata = { ...structuredClone(source.metadata) };
  delete metadata.labels;
  delete metadata.annotations;
  if (converted.metadata.labels !== undefined) metadata.labels = converted.metadata.labels;
  if (converted.metadata.annotations !== undefined) metadata.annotations = converted.metadata.annotations;
  return metadata;
}

/**
 * Declares the conversions of one group-kind, hub and spokes, as controller-runtime's
 * `Hub`/`Convertible`: every spoke converts to and from the hub, and spoke to spoke goes
 * through the hub. Spokes are keyed by version here, so their functions' types are not
 * checked against the versions: {@link conversionFor} builds the same from resource handles,
 * typed end to end.
 * @example
 * ```ts
 * server.registerConversion(
 *   conversion<CronJob>({
 *     hub: CronJobResource, // v1
 *     spokes: {
 *       v1beta1: {
 *         toHub: (old: CronJobV1Beta1) => ({ ...old, spec: { schedule: old.spec.cron } }) as CronJob,
 *         fromHub: (job) => ({ ...job, spec: { cron: job.spec.schedule } }),
 *       },
 *     },
 *   }),
 * );
 * ```
 */
export function conversion<Hub extends KubernetesObject>(options: ConversionOptions<Hub>): Conversion {
  const { group, kind, hub } =
    typeof options.hub === "string"
      ? { group: (options as { group: string }).group, kind: (options as { kind: string }).kind, hub: options.hub }
      : { group: options.hub.group, kind: options.hub.kind, hub: options.hub.version };
  const spokes = new Map(Object.entries(options.spokes));
  if (spokes.has(hub)) throw new TypeError(`conversion of ${kind}.${group}: version ${hub} is the hub and cannot also be a spoke`);
  const versions = [hub, ...spokes.keys()];
  const named = group ? `${kind}.${group}` : kind;

  const spokeOf = (version: string): SpokeConversion<Hub> => {
    const spoke = spokes.get(version);
    if (!spoke) {
      throw new ConversionError(`unknown version "${version}" of ${named}: expected one of ${versions.join(", ")} (hub ${hub})`);
    }
    return spoke;
  };

  const stamp = (obj: KubernetesObject, version: string): KubernetesObject => ({
    ...obj,
    apiVersion: joinApiVersion(group, version),
    kind,
  });

  return {
    group,
    kind,
    hub,
    versions,
    async convert(obj, version) {
      const from = splitApiVersion(obj.apiVersion ?? "");
      if (from.group !== group || obj.kind !== kind) {
        throw new ConversionError(`expected a ${named}, got ${obj.kind ?? "an object without kind"} of ${obj.apiVersion ?? "no apiVersion"}`);
      }
      if (from.version === version) return structuredClone(obj);
      // Look both versions up before converting, so an unknown target fails without side effects.
      const toHub = from.version === hub ? undefined : spokeOf(from.version);
      const fromHub = version === hub ? undefined : spokeOf(version);
      const asHub = toHub ? stamp(await toHub.toHub(structuredClone(obj)), hub) : structuredClone(obj);
      const converted = fromHub ? await fromHub.fromHub(asHub as Hub) : asHub;
      const result = stamp(converted, version);
      const metadata = restoreMetadata(obj, result);
      if (metadata === undefined) delete result.metadata;
      else result.metadata = metadata;
      return result;
    },
  };
}

/**
 * The conversions of one spoke version, typed: `toHub` takes exactly the spoke's type and
 * returns the hub's, `fromHub` the reverse. Function properties (not methods), so that
 * TypeScript checks their parameters strictly: a function written for another version's type
 * is a compile error.
 */
export interface TypedSpokeConversion<Hub extends KubernetesObject, Spoke extends KubernetesObject> {
  readonly toHub: (spoke: Spoke) => Hub | Promise<Hub>;
  readonly fromHub: (hub: Hub) => Spoke | Promise<Spoke>;
}

/**
 * A hub-and-spoke {@link Conversion} built version by version from resource handles, so each
 * spoke's functions are checked against that version's type, and a conversion is asked for by
 * resource and answers that resource's type. Immutable: {@link spoke} returns a new one.
 */
export interface TypedConversion<Hub extends KubernetesObject> extends Conversion {
  /** The hub's resource handle. */
  readonly hubResource: Resource<Hub>;
  /**
   * Adds the spoke `resource` (same group and kind, another version) with its conversions to
   * and from the hub. Throws a TypeError for another group or kind, the hub's version, or a
   * version already added.
   */
  spoke<Spoke extends KubernetesObject>(resource: Resource<Spoke>, conversions: TypedSpokeConversion<Hub, Spoke>): TypedConversion<Hub>;
  /**
   * Converts `obj` (any version this conversion knows) to `target`'s version, typed as
   * `target`'s objects. A ConversionError for a version it does not know.
   */
  convertTo<T extends KubernetesObject>(obj: KubernetesObject, target: Resource<T>): Promise<T>;
}

/**
 * Starts a typed hub-and-spoke conversion from the hub's resource handle; add each spoke with
 * `.spoke(resource, { toHub, fromHub })`. Register the result with `server.registerConversion`.
 * @example
 * ```ts
 * const CronJobV1 = defineResource<CronJob>({ group: "batch.example.com", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });
 * const CronJobV1beta1 = defineResource<CronJobV1beta1>({ ...same, version: "v1beta1" });
 * server.registerConversion(
 *   conversionFor(CronJobV1).spoke(CronJobV1beta1, {
 *     toHub: (old) => ({ ...old, spec: { schedule: old.spec.cron } }), // old: CronJobV1beta1, returns a CronJob
 *     fromHub: (job) => ({ ...job, spec: { cron: job.spec.schedule } }), // job: CronJob, returns a CronJobV1beta1
 *   }),
 * );
 * ```
 */
export function conversionFor<Hub extends KubernetesObject>(hub: Resource<Hub>): TypedConversion<Hub> {
  return typedConversion(hub, new Map());
}

function typedConversion<Hub extends KubernetesObject>(hub: Resource<Hub>, spokes: ReadonlyMap<string, SpokeConversion<Hub>>): TypedConversion<Hub> {
  const base = conversion<Hub>({ hub, spokes: Object.fromEntries(spokes) });
  const named = hub.group ? `${hub.kind}.${hub.group}` : hub.kind;
  const sameKind = (r: Resource): boolean => r.group === hub.group && r.kind === hub.kind;
  return {
    group: base.group,
    kind: base.kind,
    hub: base.hub,
    versions: base.versions,
    hubResource: hub,
    convert: (obj, version) => base.convert(obj, version),
    spoke<Spoke extends KubernetesObject>(resource: Resource<Spoke>, conversions: TypedSpokeConversion<Hub, Spoke>): TypedConversion<Hub> {
      if (!sameKind(resource)) {
        throw new TypeError(`conversion of ${named}: a spoke is another version of the same kind, got ${resource.kind} of ${resource.apiVersion}`);
      }
      if (resource.version === hub.version) throw new TypeError(`conversion of ${named}: version ${hub.version} is the hub and cannot also be a spoke`);
      if (spokes.has(resource.version)) throw new TypeError(`conversion of ${named}: version ${resource.version} already has its conversions`);
      const next = new Map(spokes);
      next.set(resource.version, conversions as unknown as SpokeConversion<Hub>);
      return typedConversion(hub, next);
    },
    async convertTo<T extends KubernetesObject>(obj: KubernetesObject, target: Resource<T>): Promise<T> {
      if (!sameKind(target)) throw new ConversionError(`conversion of ${named} cannot convert to ${target.kind} of ${target.apiVersion}`);
      return (await base.convert(obj, target.version)) as T;
    },
  };
}
