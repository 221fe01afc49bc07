import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../src/model/schema.js";
import { admitObject, invalidMessage } from "../../../src/testing/schema/index.js";
import { causesOf, lines, rootSchema } from "./helpers.js";

const obj = (properties: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: "object",
  properties,
  ...extra,
});

describe("x-kubernetes-list-type", () => {
  it("set: duplicate values", () => {
    const schema = obj({ tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" } });
    expect(lines(causesOf(schema, { tags: ["a", "b", "a", "a", "b"] }))).toEqual([
      'spec.tags[2]: FieldValueDuplicate: Duplicate value: "a"',
      'spec.tags[4]: FieldValueDuplicate: Duplicate value: "b"',
    ]);
  });

  it("map: duplicate keys, with one or several key fields", () => {
    const item: JSONSchemaProps = {
      type: "object",
      properties: { name: { type: "string" }, protocol: { type: "string", default: "TCP" }, port: { type: "integer" } },
    };
    const schema = obj({
      one: { type: "array", items: item, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] },
      two: {
        type: "array",
        items: item,
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["port", "protocol"],
      },
    });
    expect(
      lines(
        causesOf(schema, {
          one: [{ name: "a" }, { name: "b" }, { name: "a", port: 1 }],
          two: [{ port: 53 }, { port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
        }),
      ),
    ).toEqual([
      'spec.one[2]: FieldValueDuplicate: Duplicate value: {"name":"a"}',
      'spec.two[2]: FieldValueDuplicate: Duplicate value: {"port":53,"protocol":"TCP"}',
    ]);
  });

  it("on update, checks new lists only when the old object had no duplicates", () => {
    const schema = obj({ tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" } });
    expect(causesOf(schema, { tags: ["a", "a", "b"] }, { tags: ["x", "x"] })).toEqual([]);
    expect(causesOf(schema, { tags: ["a", "a"] }, { tags: ["x"] }).map((c) => c.field)).toEqual(["spec.tags[1]"]);
  });
});

describe("embedded resources", () => {
  const schema = obj({
    template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
  });

  it("requires apiVersion and kind", () => {
    expect(lines(causesOf(schema, { template: { metadata: { name: "x" } } }))).toEqual([
      "spec.template.apiVersion: FieldValueRequired: Required value",
      "spec.template.kind: FieldValueRequired: Required value",
    ]);
  });

  it("checks kind and names", () => {
    expect(
      lines(causesOf(schema, { template: { apiVersion: "a/b/c", kind: "9Pod", metadata: { name: "a/b" } } })),
    ).toEqual([
      'spec.template.apiVersion: FieldValueInvalid: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      "spec.template.kind: FieldValueInvalid: Invalid value: \"9Pod\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.template.metadata.name: FieldValueInvalid: Invalid value: \"a/b\": may not contain '/'",
    ]);
  });

  it("rejects an apiVersion that is not a string while decoding", () => {
    expect(lines(causesOf(schema, { template: { apiVersion: 1, kind: "Pod" } }))).toEqual([
      "spec.template.apiVersion: FieldValueInvalid: Invalid value: 1: must be a string",
    ]);
  });
});

describe("ratcheting on update", () => {
  const schema = obj({ name: { type: "string", maxLength: 3 }, other: { type: "string" } });

  it("keeps an invalid value that did not change", () => {
    expect(causesOf(schema, { name: "toolong", other: "b" }, { name: "toolong", other: "a" })).toEqual([]);
  });

  it("reports an invalid value that changed", () => {
    expect(causesOf(schema, { name: "toolong2" }, { name: "toolong" }).map((c) => c.field)).toEqual(["spec.name"]);
  });

  it("correlates map-list items by key, whatever their order", () => {
    const s = obj({
      ports: {
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name"],
        items: { type: "object", properties: { name: { type: "string" }, port: { type: "integer", maximum: 100 } } },
      },
    });
    const old = {
      ports: [
        { name: "a", port: 500 },
        { name: "b", port: 1 },
      ],
    };
    expect(
      causesOf(
        s,
        {
          ports: [
            { name: "b", port: 2 },
            { name: "a", port: 500 },
          ],
        },
        old,
      ),
    ).toEqual([]);
    expect(causesOf(s, { ports: [{ name: "c", port: 500 }] }, old).map((c) => c.field)).toEqual(["spec.ports[0].port"]);
  });
});

describe("error shape", () => {
  it("builds the Status message the server builds", () => {
    const causes = causesOf(obj({ a: { type: "integer" }, b: { type: "string" } }, { required: ["c"] }), {
      a: "x",
      b: 1,
    });
    expect(invalidMessage("Widget.example.com", "w", causes)).toBe(
      'Widget.example.com "w" is invalid: [spec.a: Invalid value: "string": spec.a in body must be of type integer: "string", ' +
        'spec.b: Invalid value: "integer": spec.b in body must be of type string: "integer", spec.c: Required value]',
    );
    expect(invalidMessage("Widget.example.com", "w", causes.slice(2))).toBe(
      'Widget.example.com "w" is invalid: spec.c: Required value',
    );
  });

  it("rejects a body that is not an object", () => {
    expect(admitObject(rootSchema({ type: "object" }), [1], undefined).causes[0]?.reason).toBe("FieldValueInvalid");
  });
});
