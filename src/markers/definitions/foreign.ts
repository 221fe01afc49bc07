/**
 * Markers of the other Go code generators a Kubernetes API package carries: deepcopy-gen,
 * client-gen, openapi-gen, conversion-gen and the rest. kb generates none of what they
 * generate, and controller-gen ignores them, so a project ported from Go keeps them: kb
 * accepts and ignores every marker whose name is one of these, or one of these followed by
 * `:`, `-` or `.` (`+genclient:nonNamespaced`, `+k8s:conversion-gen-external-types`,
 * `+protobuf.options.(gogoproto.goproto_stringer)`).
 *
 * The list is explicit: an unknown marker under `kubebuilder:` or `k8s:` outside it (a
 * misspelt validation or CRD marker) stays an error with its "did you mean".
 */
export interface ForeignMarkerFamily {
  /** The marker name, or the prefix its markers share, without `+`. */
  readonly name: string;
  /** The Go tool that reads it. */
  readonly tool: string;
}

/** Every family of foreign markers, documented in docs/api-types.md. */
export const FOREIGN_MARKERS: readonly ForeignMarkerFamily[] = [
  // k8s.io/code-generator and k8s.io/gengo
  { name: "k8s:deepcopy-gen", tool: "deepcopy-gen" },
  { name: "k8s:openapi-gen", tool: "openapi-gen" },
  { name: "k8s:openapi-model-package", tool: "openapi-gen" },
  { name: "k8s:conversion-gen", tool: "conversion-gen" },
  { name: "k8s:conversion-fn", tool: "conversion-gen" },
  { name: "k8s:defaulter-gen", tool: "defaulter-gen" },
  { name: "k8s:prerelease-lifecycle-gen", tool: "prerelease-lifecycle-gen" },
  { name: "k8s:validation-gen", tool: "validation-gen" },
  { name: "k8s:protobuf-gen", tool: "go-to-protobuf" },
  { name: "protobuf", tool: "go-to-protobuf" },
  { name: "genclient", tool: "client-gen" },
  { name: "groupGoName", tool: "client-gen" },
  { name: "resourceName", tool: "client-gen" },
  // openapi-gen's field markers (strategic merge patch and unions of Kubernetes' own types)
  { name: "patchMergeKey", tool: "openapi-gen" },
  { name: "patchStrategy", tool: "openapi-gen" },
  { name: "union", tool: "openapi-gen" },
  { name: "unionDiscriminator", tool: "openapi-gen" },
  { name: "unionDeprecated", tool: "openapi-gen" },
  { name: "enum", tool: "openapi-gen" },
  // controller-gen's other generators and kubebuilder itself
  { name: "kubebuilder:ac", tool: "controller-gen applyconfiguration" },
  { name: "kubebuilder:scaffold", tool: "kubebuilder's scaffolding" },
  { name: "kubebuilder:docs-gen", tool: "kubebuilder's book" },
  // Operator SDK, built on kubebuilder: its ClusterServiceVersion generator
  { name: "operator-sdk", tool: "operator-sdk's CSV generator" },
];

const BY_NAME = new Map(FOREIGN_MARKERS.map((f) => [f.name, f]));
/** The longest family name: no longer prefix of a marker name needs looking up. */
const LONGEST = Math.max(...FOREIGN_MARKERS.map((f) => f.name.length));

/**
 * The family `name` (a marker name without `+` and without its `=value`) belongs to, or
 * undefined when it is not a foreign marker.
 *
 * @example
 * foreignMarker("k8s:deepcopy-gen:interfaces")?.tool // "deepcopy-gen"
 * foreignMarker("kubebuilder:validation:MaxLenght") // undefined
 */
export function foreignMarker(name: string): ForeignMarkerFamily | undefined {
  const exact = BY_NAME.get(name);
  if (exact) return exact;
  // A family name followed by a separator: only the first LONGEST + 1 characters can hold one,
  // so a long name costs no more than a short one.
  for (let i = Math.min(name.length - 1, LONGEST); i > 0; i--) {
    const c = name[i];
    if (c !== ":" && c !== "-" && c !== ".") continue;
    const family = BY_NAME.get(name.slice(0, i));
    if (family) return family;
  }
  return undefined;
}
