import type { JSONSchemaProps } from "../../model/index.js";
import type { GroupKind, GroupResource } from "./status-error.js";

/** One served version of a kind. */
export interface VersionInfo {
  readonly name: string;
  /** The version objects are stored in (exactly one per kind). */
  readonly storage: boolean;
  /** Whether `/status` is a subresource: then updates of the main resource ignore status. */
  readonly statusSubresource: boolean;
  /** The `openAPIV3Schema` custom resources are admitted against; none for built-ins. */
  readonly schema?: JSONSchemaProps | undefined;
  /** Dotted paths usable in field selectors besides `metadata.name`/`metadata.namespace` (CRD `selectableFields`). */
  readonly selectableFields: readonly string[];
}

/** What the store knows of a kind: its names, scope, versions and server-side behaviour. */
export interface KindInfo {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
  readonly listKind: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  readonly versions: readonly VersionInfo[];
  readonly storageVersion: string;
  /** Built into the server (no schema validation) rather than defined by a CRD. */
  readonly builtin: boolean;
  /** Whether the server keeps `metadata.generation` (bumped on changes outside metadata and status). */
  readonly generation: boolean;
  /** Whether an update without `metadata.resourceVersion` is allowed (false for custom resources). */
  readonly allowUnconditionalUpdate: boolean;
  /**
   * Whether the OpenAPI document describes a delete's answer as the object (custom resources)
   * rather than a Status. (Over HTTP every kind answers a Success Status once the object is
   * gone, and the object while finalizers hold it.)
   */
  readonly deleteReturnsObject: boolean;
  /** The CRD that defines this kind, for custom resources. */
  readonly crdName?: string | undefined;
  /** How objects are converted between versions (custom resources; absent: strategy None). */
  readonly conversion?: ConversionConfig | undefined;
  /** Whether collections cannot be deleted at once (Namespaces: 405). */
  readonly noDeleteCollection?: boolean | undefined;
}

/** A CRD's `spec.conversion` when its strategy is `Webhook`. */
export interface ConversionConfig {
  readonly strategy: "Webhook";
  /** `webhook.clientConfig.url` (absent when the CRD names a Service). */
  readonly url?: string | undefined;
  /** `webhook.clientConfig.service`, as `namespace/name`, when there is no URL. */
  readonly service?: string | undefined;
  /** `webhook.clientConfig.caBundle`, decoded (PEM). */
  readonly caBundle?: Buffer | undefined;
  /** `webhook.conversionReviewVersions`. */
  readonly reviewVersions: readonly string[];
}

/** A kind seen through one of its versions: what every request works on. */
export interface ResolvedResource {
  readonly info: KindInfo;
  readonly version: VersionInfo;
  /** `group/plural`: where objects of the kind are stored, whatever the version. */
  readonly storageKey: string;
  /** The apiVersion of the requested version: `v1` or `group/version`. */
  readonly apiVersion: string;
  readonly groupResource: GroupResource;
  readonly groupKind: GroupKind;
}

/** `v1` for the core group, else `group/version`. */
export function apiVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** Splits an apiVersion into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The resolved view of `info` at `version`. */
export function resolveVersion(info: KindInfo, version: VersionInfo): ResolvedResource {
  return {
    info,
    version,
    storageKey: `${info.group}/${info.plural}`,
    apiVersion: apiVersionOf(info.group, version.name),
    groupResource: { group: info.group, resource: info.plural },
    groupKind: { group: info.group, kind: info.kind },
  };
}
