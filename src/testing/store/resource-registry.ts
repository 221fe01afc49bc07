import { builtinKinds } from "./builtin-kinds.js";
import { parseApiVersion, resolveVersion, type KindInfo, type ResolvedResource } from "./kind-info.js";

/**
 * The kinds the server serves, by `group/plural`: the built-ins, plus one per established
 * CustomResourceDefinition. Discovery, routing and the store all resolve through it.
 */
export class ResourceRegistry {
  readonly #kinds = new Map<string, KindInfo>();

  constructor() {
    for (const k of builtinKinds()) this.register(k);
  }

  /** Adds or replaces a kind. */
  register(info: KindInfo): void {
    this.#kinds.set(`${info.group}/${info.plural}`, info);
  }

  /** Removes a kind (its CRD was deleted). */
  unregister(group: string, plural: string): void {
    this.#kinds.delete(`${group}/${plural}`);
  }

  /** The kind stored under `group/plural`. */
  kind(storageKey: string): KindInfo | undefined {
    return this.#kinds.get(storageKey);
  }

  /** A served version of `group/plural`, or undefined. */
  resolve(group: string, version: string, plural: string): ResolvedResource | undefined {
    const info = this.#kinds.get(`${group}/${plural}`);
    const v = info?.versions.find((x) => x.name === version);
    return info && v ? resolveVersion(info, v) : undefined;
  }

  /** The resource serving `kind` at `apiVersion`, or undefined. */
  resolveKind(apiVersion: string, kind: string): ResolvedResource | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    for (const info of this.#kinds.values()) {
      if (info.group !== group || info.kind !== kind) continue;
      const v = info.versions.find((x) => x.name === version);
      if (v) return resolveVersion(info, v);
    }
    return undefined;
  }

  /** Every kind, in registration order. */
  all(): KindInfo[] {
    return [...this.#kinds.values()];
  }

  /**
   * The served group versions, core (`v1`) first, then groups in name order; each group's
   * versions by Kubernetes version priority (v2 before v1 before v1beta1 ...), the first
   * preferred, as the API server orders them.
   */
  groupVersions(): { group: string; versions: string[]; preferred: string }[] {
    const byGroup = new Map<string, string[]>();
    for (const info of this.#kinds.values()) {
      const versions = byGroup.get(info.group) ?? [];
      for (const v of info.versions) if (!versions.includes(v.name)) versions.push(v.name);
      byGroup.set(info.group, versions);
    }
    return [...byGroup.entries()]
      .sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))
      .map(([group, versions]) => {
        const sorted = [...versions].sort(compareKubeVersions);
        return { group, versions: sorted, preferred: sorted[0]! };
      });
  }

  /** The kinds served at one group version. */
  kindsAt(group: string, version: string): ResolvedResource[] {
    const out: ResolvedResource[] = [];
    for (const info of this.#kinds.values()) {
      if (info.group !== group) continue;
      const v = info.versions.find((x) => x.name === version);
      if (v) out.push(resolveVersion(info, v));
    }
    return out;
  }
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes version priority (`version.CompareKubeAwareVersionStrings`), highest first: GA
 * before beta before alpha, higher numbers first; other names after them, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  const stability = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  return stability(mb) - stability(ma) || Number(mb[1]) - Number(ma[1]) || Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
