/**
 * The deliberate and known differences between kb generate and controller-gen, as the
 * oracle test (controller-gen.test.ts) applies them. Each has a section `{#id}` in
 * docs/controller-gen-differences.md saying what differs, why, and which case shows it.
 */

type Json = Record<string, unknown>;

/** Which tool wrote a document. */
export type Side = "controller-gen" | "kb";

/**
 * How kb ran: `default`, or `embedded-openapi` (`kb generate --embedded-openapi` with
 * Kubernetes' own OpenAPI v3 documents, for the cases that embed Kubernetes types), or
 * `embedded-object-meta` (`kb generate --generate-embedded-object-meta` against
 * controller-gen's `crd:generateEmbeddedObjectMeta=true`, for the cases with an ObjectMeta
 * other than a kind's own).
 */
export type Mode = "default" | "embedded-openapi" | "embedded-object-meta";

/**
 * The modes whose descriptions of Kubernetes types are client-node's: all but
 * `embedded-openapi`, so the differences of those descriptions apply to them.
 */
const CLIENT_NODE_DOCS: readonly Mode[] = ["default", "embedded-object-meta"];

export interface Context {
  readonly caseName: string;
  readonly mode: Mode;
  /** The output file, relative to the output root: crd/<group>_<plural>.yaml, rbac/role.yaml, ... */
  readonly file: string;
}

/**
 * A difference the comparison allows. `normalize` edits the two documents of one file (a
 * deep copy of each) so the rest can be compared, and returns how many changes it made: a
 * difference that changes nothing over the whole corpus is stale, and the test says so.
 * A difference with neither `normalize` nor `normalizeText` is one where a tool rejects a
 * case ({@link REJECTED}).
 */
export interface Difference {
  readonly id: string;
  readonly reason: string;
  /** The cases it applies to; all when absent. */
  readonly cases?: readonly string[];
  /** The modes it applies to; all when absent. */
  readonly modes?: readonly Mode[];
  readonly normalize?: (cg: unknown, kb: unknown, context: Context) => number;
  /**
   * For a difference of YAML style only: edits the two texts of one file (the version
   * stamps already removed) for the byte for byte comparison, and counts its changes.
   */
  readonly normalizeText?: (cg: string, kb: string, context: Context) => { cg: string; kb: string; changes: number };
}

/** A case that one tool rejects, and the messages it must give. */
export type Rejection =
  | {
      readonly by: Side;
      readonly messages: readonly RegExp[];
      /** The id of the difference in {@link DIFFERENCES}. */
      readonly difference: string;
    }
  | {
      /** Both tools reject the case: an agreement, no difference. */
      readonly by: "both";
      /** What controller-gen says, and what kb says. */
      readonly messages: { readonly "controller-gen": readonly RegExp[]; readonly kb: readonly RegExp[] };
    };

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A schema node and where it is. */
interface Pair {
  readonly cg: Json;
  readonly kb: Json;
  /** Property names from the version's openAPIV3Schema down, `[]` for array items, `{}` for map values. */
  readonly path: readonly string[];
}

/**
 * Every pair of schema nodes at the same place in the two CRDs (versions matched by name),
 * parents before children. Only places both sides have are visited.
 */
function schemaPairs(cgDoc: unknown, kbDoc: unknown): Pair[] {
  const out: Pair[] = [];
  const walk = (cg: unknown, kb: unknown, path: string[]): void => {
    if (!isObject(cg) || !isObject(kb)) return;
    out.push({ cg, kb, path });
    const cp = cg.properties;
    const kp = kb.properties;
    if (isObject(cp) && isObject(kp)) for (const k of Object.keys(cp)) walk(cp[k], kp[k], [...path, k]);
    walk(cg.items, kb.items, [...path, "[]"]);
    walk(cg.additionalProperties, kb.additionalProperties, [...path, "{}"]);
  };
  const versions = (doc: unknown): Json[] => {
    const v = isObject(doc) && isObject(doc.spec) ? doc.spec.versions : undefined;
    return Array.isArray(v) ? v.filter(isObject) : [];
  };
  const kbVersions = new Map(versions(kbDoc).map((v) => [v.name, v]));
  for (const v of versions(cgDoc)) {
    const k = kbVersions.get(v.name);
    const schema = (x: Json | undefined) => (isObject(x?.schema) ? x.schema.openAPIV3Schema : undefined);
    walk(schema(v), schema(k), []);
  }
  return out;
}

/**
 * Where the corpus uses Kubernetes' own types (client-node models on kb's side, k8s.io/api
 * and apimachinery Go types on controller-gen's): the schema paths, per case, of the fields
 * whose type is one. Their own description (the field's doc in the corpus) is compared as is.
 */
const BUILTIN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "builtin-refs": ["spec.secretRef", "spec.passwordKey", "spec.target", "spec.resources", "spec.tolerations", "spec.selector", "spec.env"],
  "builtin-templates": ["spec.template", "spec.jobTemplate"],
  "builtin-lists": [
    "spec.containers",
    "spec.ports",
    "spec.volumes",
    "spec.service",
    "spec.affinity",
    "spec.strategy",
    "spec.job",
    "spec.securityContext",
    "spec.probes",
    "spec.claims",
  ],
  conditions: ["status.conditions", "status.last"],
};

/**
 * The pairs inside a built-in type: below one of {@link BUILTIN_FIELDS} of the case, and the
 * field itself with `withField` (its markers and, without a doc of its own, its description
 * come from the built-in type).
 */
function builtinPairs(cg: unknown, kb: unknown, caseName: string, withField = false): Pair[] {
  const roots = (BUILTIN_FIELDS[caseName] ?? []).map((r) => r.split("."));
  const min = withField ? 0 : 1;
  return schemaPairs(cg, kb).filter((p) => roots.some((r) => p.path.length >= r.length + min && r.every((part, i) => p.path[i] === part)));
}

/**
 * The docs that changed in the Kubernetes types the corpus uses between 1.34 (client-node
 * 1.4's models, where kb's descriptions come from) and 1.36 (the k8s.io/api the Go module
 * requires, and kb's table of facts): where, as a suffix of the schema path (`[]` for list
 * items).
 */
const KUBERNETES_1_34_TO_1_36: readonly string[] = [
  "tolerations.[].operator", // the Lt and Gt operators
  "securityContext.procMount", // no ProcMountType feature gate note
  "spec.hostUsers", // no "alpha-level" note
  "spec.resourceClaims", // "a stable field", was "an alpha field"
  "resourceClaims.[].resourceClaimTemplateName", // PodGroup claims
  "containers.[].resizePolicy", // not on ephemeral containers
  "initContainers.[].resizePolicy",
  "jobTemplate.spec.managedBy",
  "job.managedBy",
];

/**
 * Fields of the 1.36 types that client-node 1.4 (Kubernetes 1.34) does not have: kb's table
 * of facts gives their schema, but no description.
 */
const NEWER_THAN_CLIENT_NODE: readonly string[] = ["spec.schedulingGroup", "podCertificate.userAnnotations"];

/** Whether a schema path ends with the given property names (a suffix `a.b`, matched whole). */
const endsWithPath = (path: readonly string[], suffix: string) => `.${path.join(".")}`.endsWith(`.${suffix}`);

const squash = (s: unknown) => (typeof s === "string" ? s.replace(/\s+/g, " ").trim() : s);

/**
 * Where the two descriptions of a pair have the same words but not the same line breaks,
 * gives controller-gen's node kb's text; counts the changes.
 */
function sameWords(pairs: readonly Pair[]): number {
  let n = 0;
  for (const p of pairs) {
    const [a, b] = [p.cg.description, p.kb.description];
    if (typeof a === "string" && typeof b === "string" && a !== b && squash(a) === squash(b)) {
      p.cg.description = b;
      n++;
    }
  }
  return n;
}

/** Deletes `keys` from controller-gen's node where kb's has none of them; counts the deletions. */
function dropMissing(p: Pair, keys: readonly string[]): number {
  let n = 0;
  for (const key of keys) {
    if (key in p.cg && !(key in p.kb)) {
      delete p.cg[key];
      n++;
    }
  }
  return n;
}

const isObjectTyped = (s: Json) => s.type === "object" || "properties" in s;

export const DIFFERENCES: readonly Difference[] = [
  {
    id: "version-annotation",
    reason: "each tool stamps its own name and version on a CRD",
    normalize: (cg, kb) => {
      let n = 0;
      for (const [doc, key] of [
        [cg, "controller-gen.kubebuilder.io/version"],
        [kb, "kubebuilder-ts.io/version"],
      ] as const) {
        const metadata = isObject(doc) && isObject(doc.metadata) ? doc.metadata : undefined;
        const annotations = metadata?.annotations;
        if (!isObject(annotations) || !(key in annotations)) continue;
        delete annotations[key];
        if (Object.keys(annotations).length === 0) delete metadata!.annotations;
        n++;
      }
      return n;
    },
  },
  {
    id: "pattern-checked-as-go",
    reason: "kb checks +kubebuilder:validation:Pattern as Go's regexp (RE2) compiles it, as the API server does; controller-gen does not check patterns",
  },
  {
    id: "unique-items",
    reason: "controller-gen writes UniqueItems=true as uniqueItems: true, which the API server refuses in a CRD; kb refuses the marker",
  },
  {
    id: "embedded-resource-type",
    reason:
      "controller-gen writes x-kubernetes-embedded-resource on a schema whatever its type; the API server refuses it unless the type is object, and kb refuses it at generation",
  },
  {
    id: "markers-on-named-collections",
    reason:
      "controller-gen type-checks array and map markers against the field's $ref before it is resolved, so it rejects them on fields of named list and map types; kb checks them against the named type",
  },
  {
    id: "bare-strings-with-colons",
    reason:
      "controller-gen's marker grammar ends a bare string at ':', so an unquoted url= fails to parse; kb ends one at ':' only inside a map",
  },
  {
    id: "k8s-list-type",
    reason:
      "kb reads +k8s:listType and +k8s:listMapKey as +listType and +listMapKey; controller-gen v0.21 does not know them and ignores them",
    cases: ["k8s-list-type"],
    normalize: (cg, kb) => {
      let n = 0;
      for (const p of schemaPairs(cg, kb)) {
        for (const key of ["x-kubernetes-list-type", "x-kubernetes-list-map-keys"]) {
          if (key in p.kb && !(key in p.cg)) {
            delete p.kb[key];
            n++;
          }
        }
      }
      return n;
    },
  },
  {
    id: "redundant-all-of",
    reason:
      "where a field repeats a keyword of its named type with the same value, controller-gen keeps both in an allOf (it compares the two values by pointer); kb keeps the keyword once",
    normalize: (cg, kb) => {
      let n = 0;
      for (const p of schemaPairs(cg, kb)) {
        const all = p.cg.allOf;
        if (!Array.isArray(all) || all.length !== 2 || "allOf" in p.kb) continue;
        const [a, b] = all;
        if (!isObject(a) || !isObject(b) || JSON.stringify(a) !== JSON.stringify(b)) continue;
        if (Object.keys(a).some((k) => k in p.cg)) continue;
        delete p.cg.allOf;
        Object.assign(p.cg, a);
        n++;
      }
      return n;
    },
  },
  {
    id: "builtin-line-breaks",
    reason:
      "client-node's descriptions of Kubernetes types are single lines (the OpenAPI spec's text); controller-gen keeps the Go comment's line breaks (issue 12)",
    modes: CLIENT_NODE_DOCS,
    normalize: (cg, kb, { caseName }) => sameWords(builtinPairs(cg, kb, caseName, true)),
  },
  {
    id: "embedded-openapi-line-breaks",
    reason:
      "with --embedded-openapi, descriptions of Kubernetes types are the OpenAPI documents' text, where openapi-gen joined each paragraph's lines; controller-gen keeps the Go comment's line breaks",
    modes: ["embedded-openapi"],
    normalize: (cg, kb, { caseName }) => sameWords(builtinPairs(cg, kb, caseName, true)),
  },
  {
    id: "builtin-field-docs",
    reason:
      "client-node keeps no doc for a field whose type is another model, so an object-valued field inside a Kubernetes type carries its type's description (or, for a template's metadata, none) instead of the field's own (issue 12)",
    modes: CLIENT_NODE_DOCS,
    normalize: (cg, kb, { caseName }) => {
      let n = 0;
      for (const p of builtinPairs(cg, kb, caseName)) {
        if (!isObjectTyped(p.cg) || !("description" in p.cg)) continue;
        if (squash(p.cg.description) === squash(p.kb.description)) continue;
        delete p.cg.description;
        delete p.kb.description;
        n++;
      }
      return n;
    },
  },
  {
    id: "builtin-int-or-string-docs",
    reason:
      "client-node has only IntOrString's generic doc on an IntOrString field of a Kubernetes type (a probe's port, ...), which kb leaves out; controller-gen has the field's doc",
    modes: CLIENT_NODE_DOCS,
    normalize: (cg, kb, { caseName }) => {
      let n = 0;
      for (const p of builtinPairs(cg, kb, caseName)) {
        if (p.cg["x-kubernetes-int-or-string"] === true) n += dropMissing(p, ["description"]);
      }
      return n;
    },
  },
  {
    id: "builtin-named-item-docs",
    reason:
      "client-node erases named string types, so the items of a list of one (a container's capabilities) have no description; controller-gen gives them the named type's doc",
    normalize: (cg, kb, { caseName }) => {
      let n = 0;
      for (const p of builtinPairs(cg, kb, caseName)) {
        if (p.path.at(-1) === "[]" && p.cg.type === "string") n += dropMissing(p, ["description"]);
      }
      return n;
    },
  },
  {
    id: "builtin-kubernetes-version",
    reason:
      "kb's descriptions of Kubernetes types are those of client-node 1.4 (Kubernetes 1.34); the Go module's k8s.io/api is 1.36, whose docs changed in places",
    modes: CLIENT_NODE_DOCS,
    normalize: (cg, kb, { caseName }) => {
      let n = 0;
      for (const p of builtinPairs(cg, kb, caseName, true)) {
        for (const at of KUBERNETES_1_34_TO_1_36) {
          if (!endsWithPath(p.path, at)) continue;
          if (squash(p.cg.description) === squash(p.kb.description)) continue;
          delete p.cg.description;
          delete p.kb.description;
          n++;
        }
      }
      return n;
    },
  },
  {
    id: "builtin-newer-field-docs",
    reason:
      "fields of Kubernetes 1.36 types that client-node 1.4 does not have (PodSpec.schedulingGroup, ...) come from kb's table of facts without descriptions; controller-gen has their Go docs",
    modes: CLIENT_NODE_DOCS,
    normalize: (cg, kb, { caseName }) => {
      let n = 0;
      for (const p of builtinPairs(cg, kb, caseName)) {
        const inside = NEWER_THAN_CLIENT_NODE.some((at) => {
          const parts = at.split(".");
          return p.path.some((_, i) => i + parts.length <= p.path.length && parts.every((x, j) => p.path[i + j] === x));
        });
        if (inside) n += dropMissing(p, ["description"]);
      }
      return n;
    },
  },
];

export const REJECTED: Readonly<Record<string, Rejection>> = {
  "unique-items": { by: "kb", messages: [/rejects uniqueItems: true in a CRD/], difference: "unique-items" },
  "embedded-resource-type": {
    by: "kb",
    messages: [/Holder\.spec\.name is an embedded resource of type string/, /Holder\.spec\.loose is an embedded resource without a type/],
    difference: "embedded-resource-type",
  },
  "pattern-refused": { by: "kb", messages: [/would reject this one: error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/], difference: "pattern-checked-as-go" },
  "named-collection-markers": {
    by: "controller-gen",
    messages: [/must apply maxitem to an array/, /must apply minproperties to an object/],
    difference: "markers-on-named-collections",
  },
  "int-or-string-length": {
    by: "both",
    messages: {
      "controller-gen": [
        /must apply maxlength to a textual value/,
        /must apply pattern to a textual value/,
        /must apply minlength to a textual value/,
      ],
      kb: [
        /MaxLength: applies to an IntOrString field only beside \+kubebuilder:validation:XIntOrString/,
        /Pattern: applies to an IntOrString field only beside \+kubebuilder:validation:XIntOrString/,
        /items:MinLength: applies to items of type IntOrString only beside \+kubebuilder:validation:items:XIntOrString/,
      ],
    },
  },
  "bare-url": { by: "controller-gen", messages: [/expected comma, got ":"/], difference: "bare-strings-with-colons" },
};
