import { T } from "../grammar/arg-type.js";
import { arg, optionalArg, shape, type MarkerDefinition } from "../definition.js";

/** The marker that makes a type a kind (a CRD root). */
export const OBJECT_ROOT = "kubebuilder:object:root";

const type = ["type"] as const;

/** Markers on a kind that shape its CustomResourceDefinition. */
export const CRD_MARKERS: readonly MarkerDefinition[] = [
  {
    name: OBJECT_ROOT,
    targets: type,
    shape: shape.value(T.bool),
    category: "object",
    help: "this type is a kind: a CRD is generated from it",
  },
  {
    name: "kubebuilder:subresource:status",
    targets: type,
    shape: shape.flag,
    category: "CRD",
    help: "enables the status subresource",
  },
  {
    name: "kubebuilder:subresource:scale",
    targets: type,
    shape: shape.args(
      arg("specpath", T.string, "JSON path of the desired replicas, e.g. .spec.replicas"),
      arg("statuspath", T.string, "JSON path of the observed replicas, e.g. .status.replicas"),
      optionalArg("selectorpath", T.string, "JSON path of the label selector string"),
    ),
    category: "CRD",
    help: "enables the scale subresource",
  },
  {
    name: "kubebuilder:printcolumn",
    targets: type,
    shape: shape.args(
      arg("name", T.string, "the column title"),
      arg("type", T.string, "integer, number, string, boolean or date"),
      arg("JSONPath", T.string, "the value, as a JSON path into the object"),
      optionalArg("description", T.string),
      optionalArg("format", T.string, "int32, int64, float, double, byte, date, date-time, password"),
      optionalArg("priority", T.int, "0 shows the column in the standard view; higher only in -o wide"),
    ),
    category: "CRD",
    help: "an additional column for kubectl get",
  },
  {
    name: "kubebuilder:resource",
    targets: type,
    shape: shape.args(
      optionalArg("path", T.string, "the plural resource name"),
      optionalArg("shortName", T.list(T.string), "short names for kubectl"),
      optionalArg("categories", T.list(T.string), "categories such as all"),
      optionalArg("singular", T.string, "the singular name"),
      optionalArg("scope", T.string, "Namespaced (default) or Cluster"),
    ),
    category: "CRD",
    help: "resource-level settings of the CRD",
  },
  {
    name: "kubebuilder:storageversion",
    targets: type,
    shape: shape.flag,
    category: "CRD",
    help: "this version is the one stored in etcd",
  },
  {
    name: "kubebuilder:skipversion",
    targets: type,
    shape: shape.flag,
    category: "CRD",
    help: "leave this version out of the CRD",
  },
  {
    name: "kubebuilder:unservedversion",
    targets: type,
    shape: shape.flag,
    category: "CRD",
    help: "this version is not served by the API server",
  },
  {
    name: "kubebuilder:deprecatedversion",
    targets: type,
    shape: shape.args(optionalArg("warning", T.string, "the warning clients get")),
    category: "CRD",
    help: "this version is deprecated",
  },
  {
    name: "kubebuilder:metadata",
    targets: type,
    shape: shape.args(
      optionalArg("annotations", T.list(T.string), "key=value annotations on the CRD"),
      optionalArg("labels", T.list(T.string), "key=value labels on the CRD"),
    ),
    category: "CRD",
    help: "annotations and labels on the generated CRD",
  },
  {
    name: "kubebuilder:selectablefield",
    targets: type,
    shape: shape.args(arg("JSONPath", T.string, "a field usable in field selectors, e.g. .spec.color")),
    category: "CRD",
    help: "a field that field selectors may use",
  },
];

/** Package markers, in the top comment of groupversion-info.ts. */
export const PACKAGE_MARKERS: readonly MarkerDefinition[] = [
  {
    name: "groupName",
    targets: ["package"],
    shape: shape.value(T.string),
    category: "CRD",
    help: "the API group of the package's kinds",
  },
  {
    name: "versionName",
    targets: ["package"],
    shape: shape.value(T.string),
    category: "CRD",
    help: "the API version (default: the directory name)",
  },
  {
    name: "kubebuilder:skip",
    targets: ["package"],
    shape: shape.flag,
    category: "CRD",
    help: "generate no CRDs from this package",
  },
];

/** Markers Go projects carry for other generators; accepted and ignored so ported types work. */
export const IGNORED_MARKERS: readonly MarkerDefinition[] = [
  {
    name: "kubebuilder:object:generate",
    targets: ["package", "type"],
    shape: shape.value(T.bool),
    category: "object",
    help: "deepcopy generation in Go; no effect in TypeScript",
    ignored: true,
  },
  {
    name: "kubebuilder:ac:generate",
    targets: ["package", "type"],
    shape: shape.value(T.bool),
    category: "object",
    help: "apply-configuration generation in Go; no effect in TypeScript",
    ignored: true,
  },
];
