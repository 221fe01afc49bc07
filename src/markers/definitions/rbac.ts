import { T } from "../grammar/arg-type.js";
import { optionalArg, arg, shape, type MarkerDefinition } from "../definition.js";

/** The RBAC rule marker's name, without the leading `+`. */
export const RBAC_MARKER = "kubebuilder:rbac";

/**
 * `+kubebuilder:rbac`: one permission the manager needs, written anywhere in a source file.
 * Its arguments are those of controller-tools' `Rule`; the RBAC generator merges all of them
 * into `config/rbac/role.yaml`.
 */
export const RBAC_MARKERS: readonly MarkerDefinition[] = [
  {
    name: RBAC_MARKER,
    targets: ["file"],
    shape: shape.args(
      optionalArg(
        "groups",
        T.list(T.string),
        'API groups of the resources; "" (or core) is the core group, * all groups',
      ),
      optionalArg(
        "resources",
        T.list(T.string),
        "resources (plural, lowercase), with /status, /scale or /finalizers for a subresource; * for all",
      ),
      optionalArg(
        "resourceNames",
        T.list(T.string),
        "limits the rule to objects of these names (create cannot be limited this way)",
      ),
      arg(
        "verbs",
        T.list(T.string),
        "lowercase API verbs: get, list, watch, create, update, patch, delete, deletecollection, or *",
      ),
      optionalArg(
        "urls",
        T.list(T.string),
        "non-resource URLs such as /metrics or /healthz (a trailing * matches a prefix); not with groups or resources",
      ),
      optionalArg("namespace", T.string, "puts the rule in a Role in this namespace instead of the ClusterRole"),
      optionalArg(
        "roleName",
        T.string,
        "names the ClusterRole or Role that holds the rule, instead of the generator's role name",
      ),
    ),
    category: "RBAC",
    help: "a permission the manager needs, added to the generated ClusterRole (or to a Role with namespace)",
    details: [
      "Rules are merged and sorted as controller-gen does. Lists take ; or {a,b}.",
      "  +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch",
      '  +kubebuilder:rbac:groups="",resources=configmaps;events,verbs=get;create',
      "  +kubebuilder:rbac:groups=batch.example.com,resources=cronjobs/status,verbs=get;update;patch",
      "  +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;update,namespace=system",
      "  +kubebuilder:rbac:urls=/metrics,verbs=get",
    ].join("\n"),
  },
];
