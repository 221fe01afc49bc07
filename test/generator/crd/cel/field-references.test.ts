import { describe, expect, it } from "vitest";
import { check, lines, LOCATION, rootSchema, scalerSpec } from "./schemas.js";

const errorsOf = (rules: string[], schema = scalerSpec()) => check(schema, rules).filter((d) => d.severity === "error");

describe("CEL field references", () => {
  it("accepts rules that only use declared fields, escapes, macros and optionals", () => {
    const valid = [
      "self.minReplicas <= self.maxReplicas",
      "has(self.targetRef) && self.targetRef.kind != ''",
      "self.metrics.all(m, m.name.size() > 0 && m.selector.all(k, self.metrics[0].selector[k] != ''))",
      "self.metrics.exists(m, m.name == 'cpu') || self.metrics.exists_one(m, m.name == 'memory')",
      "self.metrics.map(m, m.name).filter(n, n.startsWith('custom-')).size() <= 4",
      "self.metrics.map(m, has(m.target), m.name).size() >= 0",
      "self.metrics.all(i, m, i >= 0 && m.name != '')",
      "self.metrics.exists(m, m.selector.exists(k, v, k == 'app' && v == 'web'))",
      "self.metrics.transformList(i, m, m.name).size() == size(self.metrics)",
      "self.node__dash__selector != '' && self.app__dot__kubernetes__dot__io__slash__name != ''",
      "self.__namespace__ == 'default' && self.namespace == 'default'",
      "self.x__underscores__y > 0",
      "self.?targetRef.?name.orValue('') != '' && self.?paused.hasValue()",
      "self.metrics[?0].?name.orValue('') == '' || self.metrics.first().hasValue()",
      "[?self.?schedule].size() <= 1 && {?'a': self.?schedule}.size() <= 1",
      "self.metrics.all(m, !has(m.selector) || m.selector.app == 'web' || m.selector['tier'] == 'db')",
      "type(self.port) == string ? self.port.endsWith('%') : self.port > 0",
      "self.port == '50%' || self.port < 100",
      "self.metrics.all(m, type(m.target) == int || m.target.endsWith('%'))",
      "has(self.extension) && self.extension == oldSelf.extension",
      "self.template.apiVersion == 'v1' && self.template.kind == 'Pod' && self.template.metadata.name.size() < 64",
      "!has(self.suspendUntil) || self.suspendUntil > timestamp('2024-01-01T00:00:00Z')",
      "!has(self.timeout) || self.timeout < duration('1h')",
      "self.caBundle.size() < 4096 && self.weight <= 1.0 && (self.paused || !self.paused)",
      "self.mode in ['Auto', 'Manual'] && self.mode.matches('^[A-Z]')",
      "quantity('1Gi').isGreaterThan(quantity('1Mi')) && isURL('https://x') && url('https://x').getHost() == 'x'",
      "sets.contains(['a', 'b'], ['a']) && optional.of(1).hasValue() && !optional.none().hasValue()",
      "self.schedule.split(' ').size() == 5 && self.schedule.lowerAscii().trim() != ''",
      "format.dns1123Label().validate(self.targetRef.name).hasValue() == false",
      "self.metrics.sortBy(m, m.name).size() >= 0 && self.metrics.map(m, m.name).isSorted()",
      "self.?targetRef.optMap(t, t.name).orValue('') != ''",
      "self.minReplicas == oldSelf.minReplicas || oldSelf.maxReplicas > 0",
      "self.description == 'x' // trailing comment with self.nope in it",
      "r'self.nope' == 'self.nope' && \"\"\"a ? b\"\"\" != ''",
    ];
    expect(lines(check(scalerSpec(), valid))).toEqual([]);
  });

  it("reports an unknown field with its position and a did-you-mean", () => {
    const [d, ...rest] = errorsOf(["self.minReplicas <= self.maxReplica"]);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      code: "cel-unknown-field",
      location: LOCATION,
      message:
        'XValidation rule "self.minReplicas <= self.maxReplica": undefined field "maxReplica" on self (at column 25)',
      hint: 'did you mean "maxReplicas"?',
    });
  });

  it("checks nested selections, has(), optional selection, oldSelf and macro variables", () => {
    const out = lines(
      errorsOf([
        "self.targetRef.nmae != ''",
        "has(self.targetRef.apiVerison)",
        "self.?targetRef.?knd.hasValue()",
        "oldSelf.minReplica > 0",
        "self.metrics.all(m, m.nme != '')",
        "self.metrics.exists(m, m.selector.all(k, v, k == v.name))",
      ]),
    );
    expect(out).toEqual([
      'error cel-unknown-field: XValidation rule "self.targetRef.nmae != \'\'": undefined field "nmae" on self.targetRef (at column 15) (did you mean "name"?)',
      'error cel-unknown-field: XValidation rule "has(self.targetRef.apiVerison)": undefined field "apiVerison" on self.targetRef (at column 1) (did you mean "apiVersion"?)',
      'error cel-unknown-field: XValidation rule "self.?targetRef.?knd.hasValue()": undefined field "knd" on self.targetRef (at column 16) (did you mean "kind"?)',
      'error cel-unknown-field: XValidation rule "oldSelf.minReplica > 0": undefined field "minReplica" on oldSelf (at column 8) (did you mean "minReplicas"?)',
      'error cel-unknown-field: XValidation rule "self.metrics.all(m, m.nme != \'\')": undefined field "nme" on self.metrics[*] (at column 22) (did you mean "name"?)',
      'error cel-no-field-selection: XValidation rule "self.metrics.exists(m, m.selector.all(k, v, k == v.name))": cannot select "name": self.metrics[*].selector[*] is a string, which has no fields (at column 51)',
    ]);
  });

  it("says how to write property names that Kubernetes escapes", () => {
    const out = lines(errorsOf(["self.x__y > 0", "self.node-selector != ''"]));
    expect(out[0]).toContain('undefined field "x__y" on self');
    expect(out[0]).toContain('(write "x__underscores__y": Kubernetes escapes property names in CEL)');
    expect(out[1]).toContain('undefined field "node" on self');
    expect(out[1]).toContain('(property "node-selector" is written node__dash__selector in CEL)');
  });

  it("reports selecting a field of a scalar or a list, and indexing a scalar", () => {
    const out = lines(errorsOf(["self.minReplicas.value > 0", "self.tags.name == 'x'", "self.schedule[0] == 'x'"]));
    expect(out).toEqual([
      'error cel-no-field-selection: XValidation rule "self.minReplicas.value > 0": cannot select "value": self.minReplicas is an int, which has no fields (at column 17)',
      'error cel-no-field-selection: XValidation rule "self.tags.name == \'x\'": cannot select "name": self.tags is a list(string), which has no fields (at column 10)',
      "error cel-no-matching-overload: XValidation rule \"self.schedule[0] == 'x'\": self.schedule is a string and cannot be indexed (at column 14)",
    ]);
  });

  it("treats schema-less and preserved values as the API server does", () => {
    // a property without a type is not exposed to CEL at all, not even to has()
    const out = lines(
      errorsOf([
        "has(self.config)",
        "self.extension.foo == 1",
        "self.template.spec.replicas > 0",
        "self.port.anything == 1",
      ]),
    );
    expect(out).toEqual([
      'error cel-unknown-field: XValidation rule "has(self.config)": field "config" of self is not accessible in CEL: it has no type (x-kubernetes-preserve-unknown-fields without type: object) (at column 1)',
      'error cel-unknown-field: XValidation rule "self.extension.foo == 1": undefined field "foo" on self.extension (at column 15) (fields not declared in the schema of an object with x-kubernetes-preserve-unknown-fields are not accessible in CEL)',
      'error cel-unknown-field: XValidation rule "self.template.spec.replicas > 0": undefined field "spec" on self.template (at column 14) (its fields: apiVersion, kind, metadata)',
    ]);
  });

  it("gives a resource root apiVersion, kind and metadata.name/generateName only", () => {
    const root = rootSchema();
    expect(
      errorsOf(["self.metadata.name.startsWith('a') && self.kind == 'Scaler' && self.spec.minReplicas >= 0"], root),
    ).toEqual([]);
    expect(lines(errorsOf(["self.metadata.labels.size() > 0"], root))).toEqual([
      'error cel-unknown-field: XValidation rule "self.metadata.labels.size() > 0": undefined field "labels" on self.metadata (at column 14) (its fields: generateName, name)',
    ]);
    // resourceRoot can be set explicitly for a node the heuristic does not recognise
    const bare = { type: "object" as const, properties: { spec: scalerSpec() } };
    expect(check(bare, ["self.metadata.name != ''"], { resourceRoot: true })).toEqual([]);
    expect(lines(check(bare, ["self.metadata.name != ''"]))[0]).toContain('undefined field "metadata" on self');
  });

  it("reports undeclared names, misused macros and functions on the wrong type", () => {
    const out = lines(
      errorsOf([
        "slef.minReplicas > 0",
        "self.tags.all(t.x, true)",
        "has(self)",
        "self.minReplicas.matches('^1')",
        "self.schedule.all(c, c != ' ')",
        "self.minReplicas.optMap(v, v + 1).hasValue()",
      ]),
    );
    expect(out).toEqual([
      'error cel-undeclared-reference: XValidation rule "slef.minReplicas > 0": undeclared reference to "slef" (at column 1) (did you mean "self"?)',
      'error cel-macro: XValidation rule "self.tags.all(t.x, true)": the first argument of all() must be a simple variable name (at column 10)',
      'error cel-macro: XValidation rule "has(self)": invalid argument to has(): it takes a field selection such as has(self.field) (at column 1)',
      "error cel-no-matching-overload: XValidation rule \"self.minReplicas.matches('^1')\": matches() cannot be called on self.minReplicas, an int (at column 17) (matches() applies to: string)",
      "error cel-macro: XValidation rule \"self.schedule.all(c, c != ' ')\": all() cannot iterate over self.schedule: it is a string, not a list or map (at column 14)",
      'error cel-no-matching-overload: XValidation rule "self.minReplicas.optMap(v, v + 1).hasValue()": optMap() needs an optional value, not an int (at column 17)',
    ]);
  });

  it("refuses functions the Kubernetes CEL environment does not have, as the API server does, with a did-you-mean", () => {
    const out = lines(check(scalerSpec(), ["self.schedule.startWith('*')"]));
    expect(out).toEqual([
      'error cel-unknown-function: XValidation rule "self.schedule.startWith(\'*\')": startWith() is not a function of the Kubernetes CEL environment; the API server refuses the rule (at column 14) (did you mean "startsWith"?)',
    ]);
  });

  it("requires a bool rule and a string messageExpression", () => {
    const out = lines(errorsOf(["self.minReplicas", "self.?paused"]));
    expect(out).toEqual([
      'error cel-result-type: XValidation rule "self.minReplicas": must evaluate to a bool, but evaluates to an int',
      'error cel-result-type: XValidation rule "self.?paused": must evaluate to a bool, but evaluates to an optional(bool)',
    ]);
    const msg = lines(
      check(scalerSpec(), [
        { rule: "self.minReplicas > 0", messageExpression: "self.minReplicas" },
        {
          rule: "self.minReplicas > 0",
          messageExpression: "'min is ' + string(self.minReplicas) + ', max is ' + string(self.maxReplicas)",
        },
        { rule: "self.minReplicas > 0", messageExpression: "'bad ' + self.descripton" },
      ]),
    );
    expect(msg).toEqual([
      'error cel-result-type: messageExpression "self.minReplicas" of XValidation rule "self.minReplicas > 0": must evaluate to a string, but evaluates to an int',
      'error cel-unknown-field: messageExpression "\'bad \' + self.descripton" of XValidation rule "self.minReplicas > 0": undefined field "descripton" on self (at column 14) (did you mean "description"?)',
    ]);
  });

  it("checks rules on lists, maps and scalars, where self is the list, map or value", () => {
    const spec = scalerSpec();
    const metrics = spec.properties!["metrics"]!;
    const selector = metrics.items!.properties!["selector"]!;
    const schedule = spec.properties!["schedule"]!;
    expect(check(metrics, ["self.all(m, m.name != '')", "self.size() <= 16", "self[0].name != 'x'"])).toEqual([]);
    expect(check(selector, ["self.all(k, self[k].size() < 64)", "'app' in self", "self.app != ''"])).toEqual([]);
    expect(check(schedule, ["self.matches('^[0-9*/ ,-]+$')", "self.size() > 0"])).toEqual([]);
    expect(lines(check(metrics, ["self.all(m, m.nam != '')"]))[0]).toContain('undefined field "nam" on self[*]');
  });

  it("reports a rule on a node CEL cannot see at all", () => {
    const out = lines(check({ "x-kubernetes-preserve-unknown-fields": true }, ["has(self.x)"]));
    expect(out).toEqual([
      'error cel-untyped-schema: XValidation rule "has(self.x)": the API server cannot compile rules on this schema node: it has no type (x-kubernetes-preserve-unknown-fields without type: object) (attach the rule to a typed field, or to the object that holds this one)',
    ]);
  });
});
