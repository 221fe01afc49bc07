import { T } from "../grammar/arg-type.js";
import { shape, type MarkerDefinition } from "../definition.js";

const both = ["field", "type"] as const;

/** List, map and struct topology markers (server-side apply merge semantics). */
export const TOPOLOGY_MARKERS: readonly MarkerDefinition[] = [
  {
    name: "listType",
    targets: both,
    shape: shape.value(T.string),
    category: "CRD processing",
    help: "how a list merges under server-side apply: atomic, set or map",
  },
  {
    name: "k8s:listType",
    targets: both,
    shape: shape.value(T.string),
    category: "CRD processing",
    help: "same as +listType",
  },
  {
    name: "listMapKey",
    targets: both,
    shape: shape.value(T.string),
    category: "CRD processing",
    help: "a key field of a listType=map list (repeat for several keys)",
  },
  {
    name: "k8s:listMapKey",
    targets: both,
    shape: shape.value(T.string),
    category: "CRD processing",
    help: "same as +listMapKey",
  },
  {
    name: "mapType",
    targets: both,
    shape: shape.value(T.string),
    category: "CRD processing",
    help: "how a map merges under server-side apply: granular or atomic",
  },
  {
    name: "structType",
    targets: both,
    shape: shape.value(T.string),
    category: "CRD processing",
    help: "how an object merges under server-side apply: granular or atomic",
  },
];
