import { describe, expect, it } from "vitest";
import type { JSONSchemaProps, ValidationRule } from "../../../src/model/schema.js";
import { admitObject } from "../../../src/testing/schema/index.js";
import { causesOf, lines, rootSchema, widget } from "./helpers.js";

const withRules = (schema: JSONSchemaProps, ...rules: ValidationRule[]): JSONSchemaProps => ({
  ...schema,
  "x-kubernetes-validations": rules,
});

/** True when `rule` holds for `spec` (an object with the given property schemas). */
function holds(rule: string, spec: Record<string, unknown>, properties: Record<string, JSONSchemaProps>): boolean {
  const causes = causesOf(withRules({ type: "object", properties }, { rule }), spec);
  const unexpected = causes.filter((c) => !c.message.includes("failed rule"));
  expect(unexpected).toEqual([]);
  return causes.length === 0;
}

const range: JSONSchemaProps = withRules(
  { type: "object", properties: { min: { type: "integer" }, max: { type: "integer" } } },
  { rule: "self.min <= self.max" },
);

describe("rules", () => {
  it("pass and fail, with the default message", () => {
    expect(causesOf({ type: "object", properties: { range } }, { range: { min: 1, max: 2 } })).toEqual([]);
    expect(causesOf({ type: "object", properties: { range } }, { range: { min: 3, max: 2 } })).toEqual([
      { reason: "FieldValueInvalid", field: "spec.range", message: "Invalid value: failed rule: self.min <= self.max" },
    ]);
  });

  it("print the value of a failing scalar", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        n: withRules({ type: "integer" }, { rule: "self % 2 == 0", message: "must be even" }),
        s: withRules({ type: "string" }, { rule: "self.startsWith('a')" }),
      },
    };
    expect(lines(causesOf(spec, { n: 3, s: "b" }))).toEqual([
      "spec.n: FieldValueInvalid: Invalid value: 3: must be even",
      "spec.s: FieldValueInvalid: Invalid value: \"b\": failed rule: self.startsWith('a')",
    ]);
  });

  it("use message, messageExpression, reason and fieldPath", () => {
    const spec = withRules(
      {
        type: "object",
        properties: {
          min: { type: "integer" },
          max: { type: "integer" },
          tags: { type: "array", items: { type: "string" } },
        },
      },
      {
        rule: "self.min <= self.max",
        messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)",
        fieldPath: ".min",
      },
      { rule: "!has(self.tags)", message: "tags are not allowed", reason: "FieldValueForbidden", fieldPath: ".tags" },
      { rule: "has(self.max)", message: "max is required", reason: "FieldValueRequired" },
      { rule: "self.min != 0", reason: "FieldValueDuplicate" },
    );
    expect(lines(causesOf(spec, { min: 5, max: 1, tags: [] }))).toEqual([
      "spec.min: FieldValueInvalid: Invalid value: min 5 exceeds max 1",
      "spec.tags: FieldValueForbidden: Forbidden: tags are not allowed",
    ]);
    expect(lines(causesOf(spec, { min: 0 }))).toEqual([
      'spec: FieldValueInvalid: Invalid value: "object": no such key: max evaluating rule: self.min <= self.max',
      "spec: FieldValueRequired: Required value: max is required",
      "spec: FieldValueDuplicate: Duplicate value",
    ]);
  });

  it("fall back to message when messageExpression does not give a usable string", () => {
    const spec = withRules({ type: "object" }, { rule: "false", message: "plain", messageExpression: "'   '" });
    expect(lines(causesOf(spec, {}))).toEqual(["spec: FieldValueInvalid: Invalid value: plain"]);
  });

  it("run at the root with apiVersion, kind and metadata.name visible (field <nil>)", () => {
    const schema = rootSchema(
      { type: "object" },
      {},
      {
        "x-kubernetes-validations": [
          { rule: "self.metadata.name.startsWith('w')", message: "bad name" },
          { rule: "self.kind == 'Widget' && self.apiVersion == 'example.com/v1'" },
          { rule: "!has(self.metadata.labels)" },
        ],
      },
    );
    expect(admitObject(schema, widget({}), undefined).causes).toEqual([]);
    const bad = { ...widget({}), metadata: { name: "x", labels: { a: "b" } } };
    expect(lines(admitObject(schema, bad, undefined).causes)).toEqual([
      "<nil>: FieldValueInvalid: Invalid value: bad name",
    ]);
  });

  it("see escaped property names, and not fields outside the schema", () => {
    const spec = withRules(
      {
        type: "object",
        "x-kubernetes-preserve-unknown-fields": true,
        properties: {
          "foo-bar": { type: "string" },
          "a.b": { type: "string" },
          namespace: { type: "string" },
          x__y: { type: "string" },
        },
      },
      {
        rule: "self.foo__dash__bar == '1' && self.a__dot__b == '2' && self.__namespace__ == '3' && self.x__underscores__y == '4'",
      },
      { rule: "!has(self.unknown)" },
    );
    expect(causesOf(spec, { "foo-bar": "1", "a.b": "2", namespace: "3", x__y: "4", unknown: 1 })).toEqual([]);
  });

  it("see integers as int, numbers as double, maps with their keys", () => {
    const properties: Record<string, JSONSchemaProps> = {
      replicas: { type: "integer" },
      ratio: { type: "number" },
      labels: { type: "object", additionalProperties: { type: "string" } },
      port: { "x-kubernetes-int-or-string": true },
    };
    const spec = { replicas: 3, ratio: 1, labels: { "app.kubernetes.io/name": "x" }, port: "http" };
    expect(holds("type(self.replicas) == int && self.replicas / 2 == 1", spec, properties)).toBe(true);
    expect(holds("type(self.ratio) == double && self.ratio / 2.0 == 0.5", spec, properties)).toBe(true);
    expect(
      holds(
        "self.labels['app.kubernetes.io/name'] == 'x' && 'app.kubernetes.io/name' in self.labels",
        spec,
        properties,
      ),
    ).toBe(true);
    expect(holds("type(self.port) == string", spec, properties)).toBe(true);
    expect(holds("type(self.port) == int", { port: 8080 }, properties)).toBe(true);
  });

  it("see date-time and date as timestamps, duration as durations", () => {
    const properties: Record<string, JSONSchemaProps> = {
      until: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      timeout: { type: "string", format: "duration" },
    };
    const spec = { until: "2030-01-01T00:00:00Z", day: "2030-01-02", timeout: "90s" };
    expect(holds("self.until > timestamp('2029-12-31T23:59:59Z') && self.until < self.day", spec, properties)).toBe(
      true,
    );
    expect(holds("self.timeout > duration('1m') && self.timeout < duration('2m')", spec, properties)).toBe(true);
  });

  it("report evaluation errors with the rule", () => {
    const spec = withRules(
      { type: "object", properties: { a: { type: "integer" } } },
      { rule: "self.a > 0" },
      { rule: "1 / (self.a - self.a) == 1" },
    );
    expect(lines(causesOf(spec, {}))).toEqual([
      'spec: FieldValueInvalid: Invalid value: "object": no such key: a evaluating rule: self.a > 0',
      'spec: FieldValueInvalid: Invalid value: "object": no such key: a evaluating rule: 1 / (self.a - self.a) == 1',
    ]);
    expect(lines(causesOf(spec, { a: 1 }))).toEqual([
      'spec: FieldValueInvalid: Invalid value: "object": division by zero evaluating rule: 1 / (self.a - self.a) == 1',
    ]);
  });

  it("report a rule that does not parse", () => {
    const c = causesOf(withRules({ type: "object" }, { rule: "self.a >" }), {});
    expect(c).toHaveLength(1);
    expect(c[0]?.message).toMatch(/^Invalid value: "object": rule compile error: /);
  });

  it("walk into items (indexed paths) and map values (bracketed keys)", () => {
    const positive = withRules({ type: "integer" }, { rule: "self > 0" });
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        list: { type: "array", items: { type: "object", properties: { n: positive } } },
        byName: { type: "object", additionalProperties: positive },
      },
    };
    expect(lines(causesOf(spec, { list: [{ n: 1 }, { n: 0 }], byName: { "a.b": -1, ok: 2 } }))).toEqual([
      "spec.list[1].n: FieldValueInvalid: Invalid value: 0: failed rule: self > 0",
      "spec.byName[a.b]: FieldValueInvalid: Invalid value: -1: failed rule: self > 0",
    ]);
  });

  it("evaluate rules declared in allOf", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: { s: { type: "string", allOf: [{ "x-kubernetes-validations": [{ rule: "self != 'no'" }] }] } },
    };
    expect(lines(causesOf(spec, { s: "no" }))).toEqual([
      "spec.s: FieldValueInvalid: Invalid value: \"no\": failed rule: self != 'no'",
    ]);
  });

  it("see embedded resources with apiVersion, kind and metadata.name", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        template: withRules(
          { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
          { rule: "self.kind == 'ConfigMap' && self.metadata.name.endsWith('-cm')" },
        ),
      },
    };
    expect(causesOf(spec, { template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a-cm" } } })).toEqual(
      [],
    );
    expect(causesOf(spec, { template: { apiVersion: "v1", kind: "Secret", metadata: { name: "a-cm" } } })).toHaveLength(
      1,
    );
  });

  it("are skipped when the object already has a blocking error", () => {
    const spec = withRules({ type: "object", properties: { a: { type: "integer" } } }, { rule: "false" });
    expect(lines(causesOf(spec, { a: "x" }))).toEqual([
      'spec.a: FieldValueTypeInvalid: Invalid value: "string": spec.a in body must be of type integer: "string"',
      "<nil>: FieldValueInvalid: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
    ]);
  });

  it("still run after non-blocking errors", () => {
    const spec = withRules(
      { type: "object", properties: { a: { type: "integer", maximum: 1 } } },
      { rule: "false", message: "no" },
    );
    expect(lines(causesOf(spec, { a: 5 }))).toEqual([
      "spec.a: FieldValueInvalid: Invalid value: 5: spec.a in body should be less than or equal to 1",
      "spec: FieldValueInvalid: Invalid value: no",
    ]);
  });
});

describe("transition rules", () => {
  const immutable = withRules({ type: "string" }, { rule: "self == oldSelf", message: "is immutable" });
  const spec: JSONSchemaProps = { type: "object", properties: { id: immutable, other: { type: "string" } } };

  it("are skipped on create", () => {
    expect(causesOf(spec, { id: "a" })).toEqual([]);
  });

  it("compare with the old value on update", () => {
    expect(causesOf(spec, { id: "a", other: "x" }, { id: "a" })).toEqual([]);
    expect(lines(causesOf(spec, { id: "b" }, { id: "a" }))).toEqual([
      'spec.id: FieldValueInvalid: Invalid value: "b": is immutable',
    ]);
  });

  it("are skipped when the field is new (no old value) unless optionalOldSelf", () => {
    expect(causesOf(spec, { id: "a" }, { other: "x" })).toEqual([]);
    const once = withRules(
      { type: "object", properties: { id: { type: "string" } } },
      {
        rule: "oldSelf.hasValue() ? oldSelf.value() == self : !has(self.id) || self.id.startsWith('x')",
        optionalOldSelf: true,
      },
    );
    const s: JSONSchemaProps = { type: "object", properties: { sub: once } };
    expect(causesOf(s, { sub: { id: "x1" } })).toEqual([]);
    expect(causesOf(s, { sub: { id: "y1" } })).toHaveLength(1);
    expect(causesOf(s, { sub: { id: "y1" } }, { sub: { id: "y1" } })).toEqual([]);
    expect(causesOf(s, { sub: { id: "y2" } }, { sub: { id: "y1" } })).toHaveLength(1);
  });

  it("compare an optional oldSelf with optional values", () => {
    const same = withRules(
      { type: "object", properties: { a: { type: "string" } } },
      { rule: "oldSelf == optional.none() || oldSelf == optional.of(self)", optionalOldSelf: true, message: "frozen" },
    );
    const s: JSONSchemaProps = { type: "object", properties: { sub: same } };
    expect(causesOf(s, { sub: { a: "1" } })).toEqual([]);
    expect(causesOf(s, { sub: { a: "1" } }, { sub: { a: "1" } })).toEqual([]);
    expect(lines(causesOf(s, { sub: { a: "2" } }, { sub: { a: "1" } }))).toEqual([
      "spec.sub: FieldValueInvalid: Invalid value: frozen",
    ]);
  });

  it("support orValue on an optional oldSelf", () => {
    const grow = withRules(
      { type: "integer" },
      { rule: "self >= oldSelf.orValue(0)", optionalOldSelf: true, message: "may not shrink" },
    );
    const s: JSONSchemaProps = { type: "object", properties: { size: grow } };
    expect(causesOf(s, { size: 1 })).toEqual([]);
    expect(causesOf(s, { size: 5 }, { size: 3 })).toEqual([]);
    expect(lines(causesOf(s, { size: 2 }, { size: 3 }))).toEqual([
      "spec.size: FieldValueInvalid: Invalid value: 2: may not shrink",
    ]);
  });

  it("correlate map-list items by key, and not items of other lists", () => {
    const item = (rule: string): JSONSchemaProps =>
      withRules(
        { type: "object", properties: { name: { type: "string" }, value: { type: "string" } } },
        { rule, message: "value is immutable" },
      );
    const s: JSONSchemaProps = {
      type: "object",
      properties: {
        keyed: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: item("self.value == oldSelf.value"),
        },
        plain: { type: "array", items: item("self.value == oldSelf.value") },
      },
    };
    const old = {
      keyed: [
        { name: "a", value: "1" },
        { name: "b", value: "2" },
      ],
      plain: [{ name: "a", value: "1" }],
    };
    expect(
      causesOf(
        s,
        {
          keyed: [
            { name: "b", value: "2" },
            { name: "a", value: "1" },
            { name: "c", value: "3" },
          ],
          plain: [{ name: "a", value: "9" }],
        },
        old,
      ),
    ).toEqual([]);
    expect(lines(causesOf(s, { keyed: [{ name: "b", value: "changed" }] }, old))).toEqual([
      "spec.keyed[0]: FieldValueInvalid: Invalid value: value is immutable",
    ]);
  });

  it("drop failures of other rules on unchanged values (ratcheting)", () => {
    const s: JSONSchemaProps = {
      type: "object",
      properties: { a: withRules({ type: "string" }, { rule: "self.size() < 3" }), b: { type: "string" } },
    };
    expect(causesOf(s, { a: "long", b: "new" }, { a: "long", b: "old" })).toEqual([]);
    expect(causesOf(s, { a: "longer" }, { a: "long" })).toHaveLength(1);
  });
});

describe("functions", () => {
  const props: Record<string, JSONSchemaProps> = {
    name: { type: "string" },
    list: { type: "array", items: { type: "integer" } },
    words: { type: "array", items: { type: "string" } },
    mem: { type: "string" },
  };
  const spec = { name: "  Hello-World ", list: [1, 2, 3], words: ["b", "a"], mem: "1536Mi" };

  it.each([
    ["size(self.name) == 14 && self.name.size() == 14"],
    ["self.name.trim().matches('^[A-Z][a-z]+-[A-Z][a-z]+$')"],
    ["self.name.contains('World') && self.name.endsWith(' ')"],
    ["self.name.trim().lowerAscii() == 'hello-world' && self.name.upperAscii().trim() == 'HELLO-WORLD'"],
    ["self.name.trim().split('-') == ['Hello', 'World'] && ['a', 'b'].join('+') == 'a+b'"],
    ["self.name.replace('l', 'L') == '  HeLLo-WorLd ' && self.name.indexOf('o') == 6"],
    ["self.list.all(x, x > 0) && self.list.exists(x, x == 2) && self.list.exists_one(x, x == 3)"],
    ["self.list.map(x, x * 2) == [2, 4, 6] && self.list.filter(x, x % 2 == 1) == [1, 3]"],
    ["self.list.isSorted() && !self.words.isSorted()"],
    ["self.list.sum() == 6 && self.list.min() == 1 && self.list.max() == 3 && self.words.min() == 'a'"],
    ["self.list.indexOf(2) == 1 && self.list.lastIndexOf(9) == -1"],
    ["has(self.name) && !has(self.missing)"],
    ["quantity(self.mem).isGreaterThan(quantity('1Gi')) && quantity(self.mem).compareTo(quantity('1.5Gi')) == 0"],
    [
      "quantity('1500m').asApproximateFloat() == 1.5 && quantity('2k').asInteger() == 2000 && isQuantity('1Qi') == false",
    ],
    ["quantity('1').add(quantity('500m')) == quantity('1.5') && quantity('1').sub(2).sign() == -1"],
    ["'abc123def'.find('[0-9]+') == '123' && 'a1b2'.findAll('[0-9]') == ['1', '2']"],
    ["sets.contains([1, 2, 3], [3, 1]) && sets.intersects(['a'], ['b', 'a']) && sets.equivalent([1, 2], [2, 1])"],
    ["optional.of(1).hasValue() && !optional.none().hasValue() && optional.none().orValue(5) == 5"],
  ])("%s", (rule) => {
    expect(holds(rule, spec, props)).toBe(true);
  });

  it("fails when a function says no", () => {
    expect(holds("self.list.isSorted() && self.words.isSorted()", spec, props)).toBe(false);
  });
});
