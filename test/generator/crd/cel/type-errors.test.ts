import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../../src/model/schema.js";
import { check, lines, rootSchema, scalerSpec } from "./schemas.js";

const errorsOf = (rules: string[], schema: JSONSchemaProps = scalerSpec()) => lines(check(schema, rules).filter((d) => d.severity === "error"));

/** A spec with two object lists of the same shape (still two types in CEL). */
function twoLists(): JSONSchemaProps {
  const item = (): JSONSchemaProps => ({ type: "object", properties: { name: { type: "string", maxLength: 10 } } });
  return {
    type: "object",
    properties: {
      a: { type: "array", maxItems: 5, items: item() },
      b: { type: "array", maxItems: 5, items: item() },
      n: { type: "integer" },
      s: { type: "string", maxLength: 10 },
      tags: { type: "array", maxItems: 5, items: { type: "string", maxLength: 10 } },
    },
  };
}

describe("CEL type errors the API server rejects", () => {
  it("checks operator operands as the standard library's overloads do", () => {
    expect(errorsOf(["self.minReplicas + 'a' == 'b'"])).toEqual([
      'error cel-no-matching-overload: XValidation rule "self.minReplicas + \'a\' == \'b\'": no matching overload for "+" applied to (int, string) (at column 18) (CEL does not convert between types: compare and combine values of the same type (1 and 1.0 differ), or convert with int(), double(), string())',
    ]);
    for (const rule of [
      "self.minReplicas == 1.0",
      "self.minReplicas == 1u",
      "self.weight + 1 > 2.0",
      "self.paused == 1",
      "self.description > 5",
      "self.timeout > 5",
      "!self.description",
      "self.tags && true",
      "'a' in self.minReplicas",
      "self.paused ? 1 : 'a'",
      "self.minReplicas ? true : false",
      "-self.description == ''",
      "self.description % 2 == 0",
      "[1] + ['a'] == []",
    ]) {
      const out = errorsOf([rule]);
      expect(out, rule).toHaveLength(1);
      expect(out[0], rule).toContain("no matching overload for");
    }
  });

  it("accepts cross-type numeric comparisons, time arithmetic and dyn operands", () => {
    expect(
      errorsOf([
        "self.minReplicas < 1.5 && self.minReplicas < 1u && self.weight >= 0",
        "self.timeout + duration('1h') < duration('2h') && self.suspendUntil - duration('1h') < timestamp('2030-01-01T00:00:00Z')",
        "self.port == 'http' || self.port == 80 || self.port > 1",
        "self.tags + ['x'] != [] && 'x' in self.tags && 'k' in self.annotations",
        "self.description + self.mode != '' && -self.weight < 0.0 && -self.minReplicas < 0",
      ]),
    ).toEqual([]);
  });

  it("lets null meet objects and optionals only", () => {
    expect(errorsOf(["self.targetRef == null", "self.?description == null", "self.port == null", "null == null"])).toEqual([]);
    for (const rule of ["self.description == null", "self.tags == null", "self.annotations != null", "self.minReplicas == null"]) {
      expect(errorsOf([rule])[0], rule).toContain("no matching overload for");
    }
    expect(errorsOf(["(self.paused ? self.description : null) == null"])[0]).toContain('"? :" applied to (bool, string, null)');
  });

  it("tells objects of different fields apart, as the API server names their types by path", () => {
    expect(errorsOf(["self.a[0] == self.a[1]", "self.a.all(x, x == self.a[0])", "self == oldSelf"], twoLists())).toEqual([]);
    expect(errorsOf(["self.a[0] == self.b[0]"], twoLists())).toEqual([
      'error cel-no-matching-overload: XValidation rule "self.a[0] == self.b[0]": no matching overload for "==" applied to (object self.a[*], object self.b[*]) (at column 10) (CEL does not convert between types: compare and combine values of the same type (1 and 1.0 differ), or convert with int(), double(), string())',
    ]);
    expect(errorsOf(["[self.a[0], self.b[0]].size() > 0"], twoLists())).toEqual([
      'error cel-no-matching-overload: XValidation rule "[self.a[0], self.b[0]].size() > 0": the elements of a list literal must all have one type (object self.a[*], object self.b[*]) (at column 1) (objects of different fields are different types, even when their fields are the same)',
    ]);
    expect(errorsOf(["[1, 'a'].size() > 0"], twoLists())[0]).toContain("the elements of a list literal must all have one type (int, string) (at column 1)");
    expect(errorsOf(["{'a': 1, 'b': 'c'}.size() > 0"], twoLists())[0]).toContain("the keys or values of a map literal must all have one type");
  });

  it("checks indexes, optional values and results", () => {
    expect(errorsOf(["self.annotations[0] == 'x'"])).toEqual([
      'error cel-no-matching-overload: XValidation rule "self.annotations[0] == \'x\'": self.annotations is a map(string, string) and cannot be indexed with an int (at column 17)',
    ]);
    expect(errorsOf(["self.tags['a'] == 'x'"])[0]).toContain("self.tags is a list(string) and cannot be indexed with a string");
    expect(errorsOf(["self.?description == 'x'"])[0]).toContain('"==" applied to (optional(string), string)');
    expect(errorsOf(["self.tags[0] == 'x' && self.annotations['k'] == 'v' && self.?description.orValue('') == ''"])).toEqual([]);
  });

  it("checks the arguments of string and list functions, size() and sets", () => {
    expect(errorsOf(["self.description.contains(1)"])).toEqual([
      'error cel-no-matching-overload: XValidation rule "self.description.contains(1)": no matching overload for contains() applied to string.(int) (at column 17) (contains() takes string.(string))',
    ]);
    for (const rule of [
      "self.description.startsWith(1)",
      "self.description.indexOf(1) > 0",
      "self.description.substring('a') == ''",
      "self.description.split(1).size() > 0",
      "self.description.replace('a') == ''",
      "size(self.minReplicas) > 0",
      "matches(self.description, 1)",
    ]) {
      expect(errorsOf([rule])[0], rule).toContain("no matching overload for");
    }
    const schema = twoLists();
    for (const rule of [
      "self.tags.indexOf(1) > 0",
      "[1, 2].join(',') == ''",
      "self.tags.sum() > 0",
      "self.a.min() == self.a[0]",
      "sets.contains(self.tags, [1])",
      "sets.intersects(self.tags, 'a')",
    ]) {
      expect(errorsOf([rule], schema)[0], rule).toContain("no matching overload for");
    }
    expect(
      errorsOf(
        [
          "self.tags.indexOf('a') > 0 && self.tags.join(',') != '' && self.tags.join() != '' && self.tags.min() != ''",
          "[1, 2].sum() == 3 && self.tags.isSorted() && sets.contains(self.tags, ['a']) && sets.equivalent(self.tags, [])",
          "self.s.indexOf('a', 1) > 0 && self.s.substring(1, 2) == '' && self.s.split(',', 2).size() < 3 && size(self.tags) < 3",
        ],
        schema,
      ),
    ).toEqual([]);
  });

  it("checks regular expressions as RE2, and duration and timestamp literals", () => {
    expect(errorsOf(["self.description.matches('[a-z')"])).toEqual([
      'error cel-literal: XValidation rule "self.description.matches(\'[a-z\')": invalid matches() pattern: error parsing regexp: missing closing ]: `[a-z` (at column 17) (CEL patterns are RE2 (Go\'s regexp): no lookaround or backreferences)',
    ]);
    expect(errorsOf(["self.description.matches('(?=a)')"])[0]).toContain("invalid or unsupported Perl syntax");
    expect(errorsOf(["matches(self.description, '(a')"])[0]).toContain("invalid matches() pattern");
    expect(errorsOf(["self.description.find('[') == ''"])[0]).toContain("invalid find() pattern");
    expect(errorsOf(["self.timeout < duration('1x')"])).toEqual([
      'error cel-literal: XValidation rule "self.timeout < duration(\'1x\')": "1x" is not a duration such as "1h30m", "90s" or "250ms" (at column 16)',
    ]);
    expect(errorsOf(["self.suspendUntil < timestamp('2030-13-01T00:00:00Z')"])[0]).toContain("is not an RFC 3339 timestamp");
    expect(errorsOf(["self.suspendUntil < timestamp('2030-02-30T00:00:00Z')"])[0]).toContain("is not an RFC 3339 timestamp");
    expect(
      errorsOf([
        "self.description.matches('(?i)^[a-z]+$') && self.description.find('\\\\d+') == ''",
        "self.timeout < duration('1h30m') && self.timeout > duration('-1.5s') && self.timeout != duration('0')",
        "self.suspendUntil < timestamp('2030-02-28T23:59:59.5+01:00')",
        "self.description.matches(self.mode)",
      ]),
    ).toEqual([]);
  });

  it("still reports once per problem: an operand already in error is not reported again", () => {
    expect(errorsOf(["self.nope + 1 == 2"])).toHaveLength(1);
    expect(errorsOf(["self.nope + 1 == 2"], rootSchema())[0]).toContain('undefined field "nope"');
  });
});
