import { getPath, isObject, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";

/**
 * Which field labels a kind accepts in field selectors, what each reads from an object, and
 * how an unknown one is refused, as the API server's field-label conversions say:
 *
 * - kinds without a conversion of their own (ConfigMap, Deployment, ...) accept
 *   `metadata.name` and `metadata.namespace` (even cluster-scoped ones) and answer
 *   `"x" is not a known field selector: only "metadata.name", "metadata.namespace"`;
 * - Pods, Nodes, Namespaces, Secrets, Services, Events and Jobs accept their own lists and
 *   answer `field label not supported: x` (Jobs: `field label "x" not supported for Job`);
 * - custom resources accept `metadata.name`, `metadata.namespace` when namespaced, and their
 *   CRD version's `selectableFields`, and answer `field label not supported: x`.
 */
export interface FieldLabels {
  /** The value a label compares against, or undefined when the kind does not accept it. */
  read(label: string): ((object: JsonObject) => string) | undefined;
  /** The message of the 400 for a label the kind does not accept. */
  unsupported(label: string): string;
}

/** The string a field compares as: absent is "", scalars print as Go prints them. */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const at =
  (path: string) =>
  (object: JsonObject): string =>
    text(getPath(object, path));

const bool =
  (path: string) =>
  (object: JsonObject): string =>
    String(getPath(object, path) === true);

/** `status.podIP`: the first of `status.podIPs` (or `status.podIP` when only that is set). */
function podIP(object: JsonObject): string {
  const ips = getPath(object, "status.podIPs");
  if (Array.isArray(ips) && ips.length > 0 && isObject(ips[0])) return text(ips[0]["ip"]);
  return text(getPath(object, "status.podIP"));
}

type Readers = Readonly<Record<string, (object: JsonObject) => string>>;

const own = (readers: Readers, label: string): ((object: JsonObject) => string) | undefined => (Object.hasOwn(readers, label) ? readers[label] : undefined);

const NAME_NAMESPACE: Readers = { "metadata.name": at("metadata.name"), "metadata.namespace": at("metadata.namespace") };

const EVENT_OBJECT = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

/** The kinds with a field-label conversion of their own, by storage key. */
const CONVERTED: Readonly<Record<string, { readers: Readers; unsupported: (label: string) => string }>> = {
  "/pods": {
    readers: {
      ...NAME_NAMESPACE,
      "spec.nodeName": at("spec.nodeName"),
      "spec.restartPolicy": at("spec.restartPolicy"),
      "spec.schedulerName": at("spec.schedulerName"),
      "spec.serviceAccountName": at("spec.serviceAccountName"),
      "spec.hostNetwork": bool("spec.hostNetwork"),
      "status.phase": at("status.phase"),
      "status.podIP": podIP,
      "status.podIPs": podIP,
      "status.nominatedNodeName": at("status.nominatedNodeName"),
    },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "/nodes": {
    readers: { "metadata.name": at("metadata.name"), "spec.unschedulable": bool("spec.unschedulable") },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "/namespaces": {
    readers: { "metadata.name": at("metadata.name"), "status.phase": at("status.phase") },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "/secrets": {
    readers: { ...NAME_NAMESPACE, type: at("type") },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "/services": {
    readers: { ...NAME_NAMESPACE, "spec.clusterIP": at("spec.clusterIP"), "spec.type": at("spec.type") },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "/events": {
    readers: {
      ...NAME_NAMESPACE,
      ...Object.fromEntries(EVENT_OBJECT.map((f) => [`involvedObject.${f}`, at(`involvedObject.${f}`)])),
      reason: at("reason"),
      reportingComponent: at("reportingComponent"),
      source: at("source.component"),
      type: at("type"),
    },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "events.k8s.io/events": {
    readers: {
      ...NAME_NAMESPACE,
      ...Object.fromEntries(EVENT_OBJECT.map((f) => [`regarding.${f}`, at(`regarding.${f}`)])),
      reason: at("reason"),
      reportingController: at("reportingController"),
      type: at("type"),
    },
    unsupported: (label) => `field label not supported: ${label}`,
  },
  "batch/jobs": {
    readers: { ...NAME_NAMESPACE, "status.successful": (o) => text(getPath(o, "status.succeeded") ?? 0) },
    unsupported: (label) => `field label "${label}" not supported for Job`,
  },
};

/** The field labels `res` accepts (see {@link FieldLabels}). */
export function fieldLabelsOf(res: ResolvedResource): FieldLabels {
  if (!res.info.builtin) {
    const readers: Record<string, (object: JsonObject) => string> = { "metadata.name": at("metadata.name") };
    if (res.info.namespaced) readers["metadata.namespace"] = at("metadata.namespace");
    for (const path of res.version.selectableFields) readers[path] = at(path);
    return { read: (label) => own(readers, label), unsupported: (label) => `field label not supported: ${label}` };
  }
  const converted = CONVERTED[res.storageKey];
  if (converted) return { read: (label) => own(converted.readers, label), unsupported: converted.unsupported };
  return {
    read: (label) => own(NAME_NAMESPACE, label),
    unsupported: (label) => `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
  };
}
