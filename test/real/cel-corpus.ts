import type { JSONSchemaProps, ValidationRule } from "../../src/model/schema.js";

/**
 * The CEL rules kb's checker and a real kube-apiserver are compared on (see
 * cel-agreement.test.ts and docs/cel-agreement.md). Each rule is placed, alone, in a CRD whose
 * spec is {@link corpusSpec}; the class says what the API server is expected to do with it:
 * accept it (`valid`), or reject it for an unknown field or name, a type error, or an estimated
 * cost over its budget. The rules near a budget are there to test kb's cost estimate, which
 * must land on the same side of the budget as the API server's.
 */
export type RuleClass = "valid" | "unknown field or name" | "type error" | "over cost budget";

export interface CorpusRule {
  /** The CEL rule; `rules` adds more rules to the same node (for the per-CRD total). */
  readonly rule: string;
  readonly class: RuleClass;
  /** Where the rule goes: `spec` (default), `root`, or a path such as `spec.items[*]`. */
  readonly at?: string;
  readonly messageExpression?: string;
  readonly rules?: readonly string[];
  /** Why kb's verdict differs from the API server's, when it knowingly does. */
  readonly knownDisagreement?: string;
}

/** A spec with bounded and unbounded strings, lists and maps, as kb generates them. */
export function corpusSpec(): JSONSchemaProps {
  const boundedString: JSONSchemaProps = { type: "string", maxLength: 63 };
  return {
    type: "object",
    properties: {
      replicas: { type: "integer", format: "int32" },
      minReplicas: { type: "integer", format: "int32" },
      maxReplicas: { type: "integer", format: "int32" },
      name: { ...boundedString },
      description: { type: "string" },
      mode: { type: "string", enum: ["Auto", "Manual"] },
      ratio: { type: "number" },
      paused: { type: "boolean" },
      port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
      timeout: { type: "string", format: "duration" },
      when: { type: "string", format: "date-time" },
      tags: { type: "array", items: { type: "string" } },
      shortTags: { type: "array", maxItems: 10, items: { ...boundedString } },
      labels: { type: "object", additionalProperties: { type: "string" } },
      items: {
        type: "array",
        items: {
          type: "object",
          required: ["name"],
          properties: {
            name: { ...boundedString },
            weight: { type: "integer", format: "int32" },
            aliases: { type: "array", items: { type: "string" } },
          },
        },
      },
      fewItems: {
        type: "array",
        maxItems: 20,
        items: {
          type: "object",
          required: ["name"],
          properties: {
            name: { ...boundedString },
            aliases: { type: "array", maxItems: 5, items: { ...boundedString } },
          },
        },
      },
      matrix: { type: "array", items: { type: "array", items: { type: "string" } } },
    },
  };
}

/** A kind's whole schema with `spec`, as kb writes it. */
export function corpusRoot(spec: JSONSchemaProps = corpusSpec()): JSONSchemaProps {
  return {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec,
    },
  };
}

/** The schema with `entry`'s rules placed at its node. */
export function schemaWith(entry: CorpusRule): JSONSchemaProps {
  const root = corpusRoot();
  const node = nodeAt(root, entry.at ?? "spec");
  const rules: ValidationRule[] = [entry.rule, ...(entry.rules ?? [])].map((rule, i) => ({
    rule,
    ...(i === 0 && entry.messageExpression !== undefined ? { messageExpression: entry.messageExpression } : {}),
  }));
  node["x-kubernetes-validations"] = rules;
  return root;
}

/** The node at `path` (`root`, `spec`, `spec.items[*]`, `spec.labels[*]`). */
function nodeAt(root: JSONSchemaProps, path: string): JSONSchemaProps {
  if (path === "root") return root;
  let node = root;
  for (const part of path.split(".")) {
    const m = /^([^[]+)((?:\[\*\])*)$/.exec(part);
    if (!m) throw new Error(`bad corpus path ${path}`);
    node = node.properties?.[m[1]!] ?? fail(path);
    for (let i = 0; i < m[2]!.length / 3; i++) {
      node = node.items ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : fail(path));
    }
  }
  return node;
}

function fail(path: string): never {
  throw new Error(`no node at ${path}`);
}

/**
 * Rules that each cost about 6.3 million: alone each fits the per-rule 10 million, fifteen fit
 * the per-CRD 100 million, sixteen do not.
 */
const NEAR_BUDGET = Array.from({ length: 16 }, (_, i) => `self.tags.all(t, t.size() < ${i + 10})`);

export const CORPUS: readonly CorpusRule[] = [
  // Accepted by the API server.
  { class: "valid", rule: "self.minReplicas <= self.maxReplicas" },
  { class: "valid", rule: "!has(self.name) || self.name.size() <= 63" },
  { class: "valid", rule: "self.mode == 'Auto' || self.replicas > 0" },
  { class: "valid", rule: "self.ratio > 0 && self.ratio <= 1" },
  { class: "valid", rule: "self.shortTags.all(t, t.matches('^[a-z]+$'))" },
  { class: "valid", rule: "self.labels.all(k, k.startsWith('example.com/'))" },
  { class: "valid", rule: "self.labels.all(k, v, v.size() < 64)" },
  { class: "valid", rule: "self.tags.all(t, t.size() < 10)" },
  { class: "valid", rule: "self.items.exists_one(i, i.name == 'primary')" },
  { class: "valid", rule: "self.fewItems.all(i, i.aliases.all(a, a.matches('^[a-z]+$')))" },
  { class: "valid", rule: "type(self.port) == int ? self.port > 0 : self.port.matches('^[a-z]+$')" },
  { class: "valid", rule: "self.timeout < duration('1h')" },
  { class: "valid", rule: "self.when < timestamp('2030-01-01T00:00:00Z')" },
  { class: "valid", rule: "self.?name.orValue('') != 'forbidden'" },
  { class: "valid", rule: "self.name == oldSelf.name" },
  { class: "valid", rule: "sets.contains(self.shortTags, ['a'])" },
  { class: "valid", rule: "'x' in self.shortTags" },
  { class: "valid", rule: "self.shortTags.map(t, t.upperAscii()).exists(t, t == 'X')" },
  { class: "valid", rule: "isQuantity(self.name) && quantity(self.name).isLessThan(quantity('1Gi'))" },
  { class: "valid", rule: "self.replicas >= 0", messageExpression: "'name ' + self.name + ' needs replicas'" },
  { class: "valid", rule: "self.metadata.name.size() < 64 && self.kind == 'C'", at: "root" },
  { class: "valid", rule: "self.aliases.all(a, a.size() < 64)", at: "spec.fewItems[*]" },
  { class: "valid", rule: "self.name.split('-').size() < 4" },
  { class: "valid", rule: "self.replicas > 1.5" },
  { class: "valid", rule: "self.shortTags.sortBy(t, t).size() < 11" },
  { class: "valid", rule: NEAR_BUDGET[0]!, rules: NEAR_BUDGET.slice(1, 15) },
  { class: "valid", rule: "self.fewItems[0] == null" },
  { class: "valid", rule: "self.port == null || self.port == 'http' || self.port == 80" },
  { class: "valid", rule: "self == oldSelf" },
  { class: "valid", rule: "self.replicas < 1u" },
  { class: "valid", rule: "self.labels.foo == 'x'" },
  { class: "valid", rule: "self.name.matches('(?i)^abc')" },
  { class: "valid", rule: "self.description.startsWith('x')" },
  { class: "valid", rule: "self.description.contains('abc')" },
  { class: "valid", rule: "self.description.size() == 1 ? self.description == 'a' : true" },
  { class: "valid", rule: "self.description.replace('a', 'bb').size() < 3" },
  { class: "valid", rule: "self.description.find('[0-9]+') == '1'" },
  { class: "valid", rule: "url(self.name).getHost() == 'x'" },
  { class: "valid", rule: "self.shortTags.join(',').size() < 100" },
  { class: "valid", rule: "self.mode.lowerAscii().matches('^(auto|manual)$')" },

  // Unknown fields and names: rejected when the CRD is applied.
  { class: "unknown field or name", rule: "self.minReplicas <= self.maxReplica" },
  { class: "unknown field or name", rule: "self.spec.replicas > 0" },
  { class: "unknown field or name", rule: "self.items.all(i, i.nmae != '')" },
  { class: "unknown field or name", rule: "has(self.nope)" },
  { class: "unknown field or name", rule: "self.metadata.name != ''" },
  { class: "unknown field or name", rule: "replicas > 0" },
  { class: "unknown field or name", rule: "oldSelf.nam == self.name" },
  { class: "unknown field or name", rule: "self.fewItems[0].nmae == 'x'" },
  { class: "unknown field or name", rule: "self.?nope.orValue(1) == 1" },
  { class: "unknown field or name", rule: "self.metadata.labels.size() > 0", at: "root" },
  { class: "unknown field or name", rule: "self.name.startWith('x')" },

  // Type errors: rejected when the CRD is applied.
  { class: "type error", rule: "self.replicas + 'a' == 'b'" },
  { class: "type error", rule: "self.name > 5" },
  { class: "type error", rule: "self.paused == 1" },
  { class: "type error", rule: "self.replicas.startsWith('a')" },
  { class: "type error", rule: "size(self.replicas) > 0" },
  { class: "type error", rule: "self.replicas" },
  { class: "type error", rule: "self.name.contains(1)" },
  { class: "type error", rule: "self.ratio + 1 > 2.0" },
  { class: "type error", rule: "self.shortTags && true" },
  { class: "type error", rule: "!self.name" },
  { class: "type error", rule: "[1, 'a'].size() > 0" },
  { class: "type error", rule: "'a' in self.replicas" },
  { class: "type error", rule: "self.shortTags[0] == 1" },
  { class: "type error", rule: "self.labels[0] == 'x'" },
  { class: "type error", rule: "self.timeout > 5" },
  { class: "type error", rule: "self.replicas == 1.0" },
  { class: "type error", rule: "self.name.size" },
  { class: "type error", rule: "self.replicas >= 0", messageExpression: "self.replicas" },
  { class: "type error", rule: "self.name.matches('[a-z')" },
  { class: "type error", rule: "self.timeout < duration('1x')" },
  { class: "type error", rule: "self.paused ? 1 : 'a'" },
  { class: "type error", rule: "self.fewItems[0] == self.items[0]" },
  { class: "type error", rule: "[self.fewItems[0], self.items[0]].size() > 0" },
  { class: "type error", rule: "self.name == null" },
  { class: "type error", rule: "self.tags == null" },
  { class: "type error", rule: "(self.paused ? self.name : null) == null" },
  { class: "type error", rule: "self.?name == 'x'" },
  { class: "type error", rule: "self.replicas == 1u" },
  { class: "type error", rule: "self.labels.exists(k, k == 1)" },
  { class: "type error", rule: "[1, 2].join(',') == ''" },
  { class: "type error", rule: "self.shortTags.sum() > 0" },
  { class: "type error", rule: "sets.contains(self.shortTags, [1])" },
  { class: "type error", rule: "self.shortTags.indexOf(1) > 0" },
  { class: "type error", rule: "timestamp('2030-13-01T00:00:00Z') > self.when" },
  { class: "type error", rule: "self.name.matches('(?=a)')" },

  // Over the API server's cost budget: rejected when the CRD is applied.
  { class: "over cost budget", rule: "self.tags.all(t, t.matches('^[a-z]+$'))" },
  { class: "over cost budget", rule: "self.matrix.all(row, row.all(c, c.size() < 10))" },
  { class: "over cost budget", rule: "self.tags.all(a, self.tags.all(b, a == b || a != b))" },
  { class: "over cost budget", rule: "self.description.contains(self.description)" },
  { class: "over cost budget", rule: "self.items.all(i, i.aliases.all(a, a.startsWith('x')))" },
  { class: "over cost budget", rule: "self.labels.all(k, self.labels[k].matches('^a'))" },
  { class: "over cost budget", rule: "self.aliases.all(a, a.size() < 64)", at: "spec.items[*]" },
  { class: "over cost budget", rule: "self.all(c, c.size() < 10)", at: "spec.matrix[*]" },
  { class: "over cost budget", rule: "self.?description.orValue('').matches('^a')" },
  { class: "over cost budget", rule: "self.tags.sort().size() > 0" },
  { class: "over cost budget", rule: "self.fewItems.all(i, i.aliases.all(a, self.tags.exists(t, t == a)))" },
  { class: "over cost budget", rule: "self.replicas >= 0", messageExpression: "'replicas is ' + string(self.replicas)" },
  { class: "over cost budget", rule: "self.shortTags.exists(t, t in self.tags)" },
  { class: "over cost budget", rule: "self.description.split(',').all(x, x.size() < 3)" },
  { class: "over cost budget", rule: "self.shortTags.all(t, t.contains(self.description))" },
  { class: "over cost budget", rule: "self.tags.join(',').size() < 100" },
  { class: "over cost budget", rule: "self.tags.exists_one(t, t.contains('a'))" },
  { class: "over cost budget", rule: "self.tags.transformList(i, t, t + 'x').size() < 3" },
  { class: "over cost budget", rule: "self.labels.all(k, v, k.startsWith(v))" },
  { class: "over cost budget", rule: NEAR_BUDGET[0]!, rules: NEAR_BUDGET.slice(1) },
];

/** The CRD that carries `entry`: group cel-agreement.kubebuilder-ts.io, kind C, one version. */
export function corpusCrd(entry: CorpusRule): Record<string, unknown> & { metadata: { name: string } } {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "cs.cel-agreement.kubebuilder-ts.io" },
    spec: {
      group: "cel-agreement.kubebuilder-ts.io",
      names: { kind: "C", listKind: "CList", plural: "cs", singular: "c" },
      scope: "Namespaced",
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schemaWith(entry) } }],
    },
  };
}
