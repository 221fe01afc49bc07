import type { Resource } from "../resource.js";

/** The path the conversion webhook is served on, as CRDs' `conversion.webhook.clientConfig` name it. */
export const CONVERSION_PATH = "/convert";

const suffix = (resource: Pick<Resource, "group" | "version" | "kind">): string =>
  `${resource.group.replaceAll(".", "-")}-${resource.version}-${resource.kind.toLowerCase()}`;

/**
 * The path of a resource's mutating (defaulting) webhook, as kubebuilder scaffolds the
 * `+kubebuilder:webhook` marker: `/mutate-<group, dots as dashes>-<version>-<kind, lower case>`.
 * The core group "" gives a double dash (`/mutate--v1-pod`), as controller-runtime does.
 * @example
 * ```ts
 * defaultingPath(CronJobResource); // "/mutate-batch-tutorial-kubebuilder-io-v1-cronjob"
 * server.register(defaultingPath(CronJobResource), defaulter(CronJobResource, setDefaults));
 * ```
 */
export function defaultingPath(resource: Pick<Resource, "group" | "version" | "kind">): string {
  return `/mutate-${suffix(resource)}`;
}

/**
 * The path of a resource's validating webhook:
 * `/validate-<group, dots as dashes>-<version>-<kind, lower case>` (`/validate--v1-pod` for core).
 * @example
 * ```ts
 * validatingPath(CronJobResource); // "/validate-batch-tutorial-kubebuilder-io-v1-cronjob"
 * ```
 */
export function validatingPath(resource: Pick<Resource, "group" | "version" | "kind">): string {
  return `/validate-${suffix(resource)}`;
}
