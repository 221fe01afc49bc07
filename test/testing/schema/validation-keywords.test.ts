import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../src/model/schema.js";
import { admitObject } from "../../../src/testing/schema/index.js";
import { causesOf, lines, rootSchema, widget } from "./helpers.js";

const obj = (properties: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: "object",
  properties,
  ...extra,
});

describe("type", () => {
  it("reports the JSON type found, as FieldValueTypeInvalid", () => {
    expect(causesOf(obj({ replicas: { type: "integer" } }), { replicas: "3" })).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        field: "spec.replicas",
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
    ]);
  });

  it("tells integer from number: a fraction is not an integer, an integer is a number", () => {
    const schema = obj({ i: { type: "integer" }, n: { type: "number" } });
    expect(lines(causesOf(schema, { i: 1.5, n: 2 }))).toEqual([
      'spec.i: FieldValueTypeInvalid: Invalid value: "number": spec.i in body must be of type integer: "number"',
      '<nil>: FieldValueInvalid: Invalid value: "": Checked value must be of type integer (default format) in spec.i',
    ]);
    expect(causesOf(schema, { i: 2.0, n: 2.5 })).toEqual([]);
  });

  it("checks every JSON type", () => {
    const schema = obj({
      s: { type: "string" },
      b: { type: "boolean" },
      a: { type: "array", items: { type: "string" } },
      o: { type: "object" },
    });
    expect(lines(causesOf(schema, { s: 1, b: "true", a: {}, o: [] }))).toEqual([
      'spec.s: FieldValueTypeInvalid: Invalid value: "integer": spec.s in body must be of type string: "integer"',
      'spec.b: FieldValueTypeInvalid: Invalid value: "string": spec.b in body must be of type boolean: "string"',
      'spec.a: FieldValueTypeInvalid: Invalid value: "object": spec.a in body must be of type array: "object"',
      'spec.o: FieldValueTypeInvalid: Invalid value: "array": spec.o in body must be of type object: "array"',
    ]);
  });

  it("accepts int-or-string values, rejects others", () => {
    const schema = obj({ port: { "x-kubernetes-int-or-string": true } });
    expect(causesOf(schema, { port: 8080 })).toEqual([]);
    expect(causesOf(schema, { port: "http" })).toEqual([]);
    expect(lines(causesOf(schema, { port: true }))).toEqual([
      'spec.port: FieldValueTypeInvalid: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ]);
  });

  it("rejects null unless nullable", () => {
    const schema = obj({ a: { type: "string", nullable: true }, list: { type: "array", items: { type: "string" } } });
    expect(causesOf(schema, { a: null })).toEqual([]);
    expect(lines(causesOf(schema, { list: ["a", null] }))).toEqual([
      'spec.list[1]: FieldValueTypeInvalid: Invalid value: "null": spec.list[1] in body must be of type string: "null"',
    ]);
  });
});

describe("formats", () => {
  it("checks int32 and int64 ranges", () => {
    const schema = obj({ small: { type: "integer", format: "int32" }, big: { type: "integer", format: "int64" } });
    expect(causesOf(schema, { small: 2147483647, big: 9007199254740991 })).toEqual([]);
    expect(lines(causesOf(schema, { small: 2147483648 }))).toEqual([
      '<nil>: FieldValueInvalid: Invalid value: "": Checked value must be of type integer with format int32 in spec.small',
    ]);
  });

  it("checks float range for format float", () => {
    expect(lines(causesOf(obj({ f: { type: "number", format: "float" } }), { f: 1e39 }))).toEqual([
      '<nil>: FieldValueInvalid: Invalid value: "": Checked value must be of type number with format float in spec.f',
    ]);
  });

  it("checks string formats the server supports", () => {
    const schema = obj({
      when: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      data: { type: "string", format: "byte" },
      id: { type: "string", format: "uuid" },
      ip: { type: "string", format: "ipv4" },
      net: { type: "string", format: "cidr" },
      wait: { type: "string", format: "duration" },
      host: { type: "string", format: "hostname" },
      short: { type: "string", format: "k8s-short-name" },
    });
    const ok = {
      when: "2024-02-29T10:00:00Z",
      day: "2024-02-29",
      data: "aGVsbG8=",
      id: "123e4567-e89b-12d3-a456-426614174000",
      ip: "10.0.0.1",
      net: "10.0.0.0/8",
      wait: "1h30m",
      host: "example.com",
      short: "my-name",
    };
    expect(causesOf(schema, ok)).toEqual([]);
    const bad = {
      when: "yesterday",
      day: "2023-02-29",
      data: "not base64!",
      id: "123",
      ip: "10.0.0.256",
      net: "10.0.0.0/33",
      wait: "soon",
      host: "-bad-",
      short: "My_Name",
    };
    expect(lines(causesOf(schema, bad))).toEqual([
      'spec.when: FieldValueTypeInvalid: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
      'spec.day: FieldValueTypeInvalid: Invalid value: "2023-02-29": spec.day in body must be of type date: "2023-02-29"',
      'spec.data: FieldValueTypeInvalid: Invalid value: "not base64!": spec.data in body must be of type byte: "not base64!"',
      'spec.id: FieldValueTypeInvalid: Invalid value: "123": spec.id in body must be of type uuid: "123"',
      'spec.ip: FieldValueTypeInvalid: Invalid value: "10.0.0.256": spec.ip in body must be of type ipv4: "10.0.0.256"',
      'spec.net: FieldValueTypeInvalid: Invalid value: "10.0.0.0/33": spec.net in body must be of type cidr: "10.0.0.0/33"',
      'spec.wait: FieldValueTypeInvalid: Invalid value: "soon": spec.wait in body must be of type duration: "soon"',
      'spec.host: FieldValueTypeInvalid: Invalid value: "-bad-": spec.host in body must be of type hostname: "-bad-"',
      'spec.short: FieldValueTypeInvalid: Invalid value: "My_Name": spec.short in body must be of type k8s-short-name: "My_Name"',
    ]);
  });

  it("ignores formats the server does not support", () => {
    expect(
      causesOf(obj({ a: { type: "string", format: "color" }, n: { type: "integer", format: "uint8" } }), {
        a: "x",
        n: 999,
      }),
    ).toEqual([]);
  });

  it("reports a non-string value for a string format by its Go format", () => {
    expect(lines(causesOf(obj({ when: { type: "string", format: "date-time" } }), { when: 5 }))).toEqual([
      'spec.when: FieldValueTypeInvalid: Invalid value: "int64": spec.when in body must be of type date-time: "int64"',
    ]);
  });
});

describe("enum", () => {
  it("lists the supported values", () => {
    expect(causesOf(obj({ mode: { type: "string", enum: ["Fast", "Safe"] } }), { mode: "Slow" })).toEqual([
      {
        reason: "FieldValueNotSupported",
        field: "spec.mode",
        message: 'Unsupported value: "Slow": supported values: "Fast", "Safe"',
      },
    ]);
  });

  it("prints non-string values as JSON", () => {
    expect(lines(causesOf(obj({ n: { type: "integer", enum: [1, 2] } }), { n: 3 }))).toEqual([
      'spec.n: FieldValueNotSupported: Unsupported value: 3: supported values: "1", "2"',
    ]);
  });

  it("rejects null even for a nullable field", () => {
    expect(lines(causesOf(obj({ m: { type: "string", nullable: true, enum: ["a"] } }), { m: null }))).toEqual([
      'spec.m: FieldValueNotSupported: Unsupported value: null: supported values: "a"',
    ]);
  });
});

describe("strings", () => {
  it("counts length in characters, not bytes or UTF-16 units", () => {
    const schema = obj({ s: { type: "string", maxLength: 3, minLength: 2 } });
    expect(causesOf(schema, { s: "日本語" })).toEqual([]);
    expect(causesOf(schema, { s: "😀😀" })).toEqual([]);
    expect(lines(causesOf(schema, { s: "abcd" }))).toEqual([
      "spec.s: FieldValueTooLong: Too long: may not be more than 3 bytes",
    ]);
    expect(lines(causesOf(schema, { s: "a" }))).toEqual([
      'spec.s: FieldValueInvalid: Invalid value: "a": spec.s in body should be at least 2 chars long',
    ]);
  });

  it("matches patterns with RE2 semantics, unanchored", () => {
    const schema = obj({
      name: { type: "string", pattern: "^[a-z][a-z0-9-]*$" },
      loose: { type: "string", pattern: "[0-9]" },
      ci: { type: "string", pattern: "(?i)^abc$" },
      posix: { type: "string", pattern: "^[[:alpha:]]+$" },
      dot: { type: "string", pattern: "^a.b$" },
      space: { type: "string", pattern: "^\\S+\\s\\S+$" },
    });
    expect(
      causesOf(schema, { name: "ok-1", loose: "x1y", ci: "ABC", posix: "abc", dot: "a\rb", space: "a b" }),
    ).toEqual([]);
    expect(
      lines(causesOf(schema, { name: "Bad", loose: "xy", ci: "abd", posix: "ab1", dot: "a\nb", space: "a\u00a0b" })),
    ).toEqual([
      "spec.name: FieldValueInvalid: Invalid value: \"Bad\": spec.name in body should match '^[a-z][a-z0-9-]*$'",
      "spec.loose: FieldValueInvalid: Invalid value: \"xy\": spec.loose in body should match '[0-9]'",
      "spec.ci: FieldValueInvalid: Invalid value: \"abd\": spec.ci in body should match '(?i)^abc$'",
      "spec.posix: FieldValueInvalid: Invalid value: \"ab1\": spec.posix in body should match '^[[:alpha:]]+$'",
      "spec.dot: FieldValueInvalid: Invalid value: \"a\\nb\": spec.dot in body should match '^a.b$'",
      "spec.space: FieldValueInvalid: Invalid value: \"a\\u00a0b\": spec.space in body should match '^\\S+\\s\\S+$'",
    ]);
  });

  it("reports only the first string problem (length before pattern)", () => {
    expect(lines(causesOf(obj({ s: { type: "string", maxLength: 2, pattern: "^[a-z]+$" } }), { s: "ABC" }))).toEqual([
      "spec.s: FieldValueTooLong: Too long: may not be more than 2 bytes",
    ]);
  });
});

describe("numbers", () => {
  it("checks maximum, minimum and their exclusive forms", () => {
    const schema = obj({
      a: { type: "integer", minimum: 1, maximum: 10 },
      b: { type: "integer", minimum: 0, exclusiveMinimum: true, maximum: 100, exclusiveMaximum: true },
      c: { type: "number", maximum: 1.5 },
    });
    expect(causesOf(schema, { a: 1, b: 99, c: 1.5 })).toEqual([]);
    expect(lines(causesOf(schema, { a: 11, b: 0, c: 1.75 }))).toEqual([
      "spec.a: FieldValueInvalid: Invalid value: 11: spec.a in body should be less than or equal to 10",
      "spec.b: FieldValueInvalid: Invalid value: 0: spec.b in body should be greater than 0",
      "spec.c: FieldValueInvalid: Invalid value: 1.75: spec.c in body should be less than or equal to 1.5",
    ]);
    expect(lines(causesOf(schema, { a: 0, b: 100 }))).toEqual([
      "spec.a: FieldValueInvalid: Invalid value: 0: spec.a in body should be greater than or equal to 1",
      "spec.b: FieldValueInvalid: Invalid value: 100: spec.b in body should be less than 100",
    ]);
  });

  it("prints float bounds as Go does", () => {
    expect(lines(causesOf(obj({ x: { type: "number", maximum: 1000000 } }), { x: 2000000.5 }))).toEqual([
      "spec.x: FieldValueInvalid: Invalid value: 2.0000005e+06: spec.x in body should be less than or equal to 1e+06",
    ]);
  });

  it("checks multipleOf for integers and floats", () => {
    const schema = obj({ i: { type: "integer", multipleOf: 5 }, f: { type: "number", multipleOf: 0.1 } });
    expect(causesOf(schema, { i: 15, f: 0.3 })).toEqual([]);
    expect(lines(causesOf(schema, { i: 7, f: 0.25 }))).toEqual([
      "spec.i: FieldValueInvalid: Invalid value: 7: spec.i in body should be a multiple of 5",
      "spec.f: FieldValueInvalid: Invalid value: 0.25: spec.f in body should be a multiple of 0.1",
    ]);
  });
});

describe("arrays", () => {
  it("checks minItems, maxItems and uniqueItems", () => {
    const schema = obj({
      few: { type: "array", items: { type: "string" }, minItems: 2 },
      many: { type: "array", items: { type: "string" }, maxItems: 1 },
      uniq: { type: "array", items: { type: "integer" }, uniqueItems: true },
    });
    expect(lines(causesOf(schema, { few: ["a"], many: ["a", "b", "c"], uniq: [1, 2, 1] }))).toEqual([
      "spec.few: FieldValueInvalid: Invalid value: 1: spec.few in body should have at least 2 items",
      "spec.many: FieldValueTooMany: Too many: 3: must have at most 1 item",
      'spec.uniq: FieldValueInvalid: Invalid value: "": spec.uniq in body shouldn\'t contain duplicates',
    ]);
  });

  it("prints item paths with indices", () => {
    const schema = obj({
      items: {
        type: "array",
        items: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 2 } } },
      },
    });
    expect(lines(causesOf(schema, { items: [{ name: "ok" }, { name: "long" }, {}] }))).toEqual([
      "spec.items[1].name: FieldValueTooLong: Too long: may not be more than 2 bytes",
      "spec.items[2].name: FieldValueRequired: Required value",
    ]);
  });
});

describe("objects", () => {
  it("reports missing required fields", () => {
    expect(causesOf(obj({ a: { type: "string" } }, { required: ["a", "b"] }), { a: "x" })).toEqual([
      { reason: "FieldValueRequired", field: "spec.b", message: "Required value" },
    ]);
  });

  it("requires root fields (spec) too", () => {
    const schema = rootSchema({ type: "object" }, {}, { required: ["spec"] });
    const { spec: _spec, ...noSpec } = widget({});
    expect(admitObject(schema, noSpec, undefined).causes).toEqual([
      { reason: "FieldValueRequired", field: "spec", message: "Required value" },
    ]);
  });

  it("checks minProperties and maxProperties", () => {
    const schema = obj({
      env: { type: "object", additionalProperties: { type: "string" }, minProperties: 1, maxProperties: 2 },
    });
    expect(lines(causesOf(schema, { env: {} }))).toEqual([
      "spec.env: FieldValueInvalid: Invalid value: 0: spec.env in body should have at least 1 properties",
    ]);
    expect(lines(causesOf(schema, { env: { a: "1", b: "2", c: "3" } }))).toEqual([
      "spec.env: FieldValueTooMany: Too many: 3: must have at most 2 items",
    ]);
  });

  it("validates map values with additionalProperties (paths joined with dots)", () => {
    const schema = obj({ env: { type: "object", additionalProperties: { type: "string", maxLength: 1 } } });
    expect(lines(causesOf(schema, { env: { KEY: "long" } }))).toEqual([
      "spec.env.KEY: FieldValueTooLong: Too long: may not be more than 1 byte",
    ]);
  });
});

describe("allOf, anyOf, oneOf, not", () => {
  it("anyOf: one alternative is enough; otherwise the best failure is reported", () => {
    const schema = obj({
      v: { anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+%$" }], "x-kubernetes-int-or-string": true },
    });
    expect(causesOf(schema, { v: 5 })).toEqual([]);
    expect(causesOf(schema, { v: "5%" })).toEqual([]);
    expect(lines(causesOf(schema, { v: "five" }))).toEqual([
      '<nil>: FieldValueInvalid: Invalid value: "": "spec.v" must validate at least one schema (anyOf)',
      "spec.v: FieldValueInvalid: Invalid value: \"five\": spec.v in body should match '^[0-9]+%$'",
    ]);
  });

  it("oneOf: exactly one alternative", () => {
    const schema = obj({
      v: {
        type: "object",
        oneOf: [{ required: ["a"] }, { required: ["b"] }],
        properties: { a: { type: "string" }, b: { type: "string" } },
      },
    });
    expect(causesOf(schema, { v: { a: "x" } })).toEqual([]);
    expect(lines(causesOf(schema, { v: { a: "x", b: "y" } }))).toEqual([
      '<nil>: FieldValueInvalid: Invalid value: "": "spec.v" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ]);
    expect(lines(causesOf(schema, { v: {} }))).toEqual([
      '<nil>: FieldValueInvalid: Invalid value: "": "spec.v" must validate one and only one schema (oneOf). Found none valid',
      "spec.v.a: FieldValueRequired: Required value",
    ]);
  });

  it("allOf: every schema, each failure reported", () => {
    const schema = obj({ s: { type: "string", allOf: [{ maxLength: 5 }, { pattern: "^a" }] } });
    expect(causesOf(schema, { s: "abc" })).toEqual([]);
    expect(lines(causesOf(schema, { s: "bbbbbbb" }))).toEqual([
      "spec.s: FieldValueTooLong: Too long: may not be more than 5 bytes",
      "spec.s: FieldValueInvalid: Invalid value: \"bbbbbbb\": spec.s in body should match '^a'",
      '<nil>: FieldValueInvalid: Invalid value: "": "spec.s" must validate all the schemas (allOf). None validated',
    ]);
  });

  it("not: the value must not match", () => {
    const schema = obj({
      v: { type: "object", not: { required: ["forbidden"] }, properties: { forbidden: { type: "integer" } } },
    });
    expect(causesOf(schema, { v: {} })).toEqual([]);
    expect(lines(causesOf(schema, { v: { forbidden: 1 } }))).toEqual([
      '<nil>: FieldValueInvalid: Invalid value: "": "spec.v" must not validate the schema (not)',
    ]);
  });
});
