// The test server reads schema patterns and CEL regular expressions as the API server does:
// Go's regexp (RE2 syntax), not JavaScript's RegExp.
import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../src/model/schema.js";
import { formatChecker } from "../../../src/testing/schema/formats.js";
import { causesOf, lines } from "./helpers.js";

const PATTERNS: Record<string, string> = {
  posix: "^[[:alpha:]]+$",
  plain: "^[^[:punct:]\\s]+$",
  answer: "(?i)^(yes|no)$",
  name: "^[a-z]+\\z",
  version: "^\\Q1.2+\\E[0-9]*$",
  brace: "^x{?$",
  letters: "^\\p{letter}+$",
};
const schema: JSONSchemaProps = {
  type: "object",
  properties: Object.fromEntries(Object.entries(PATTERNS).map(([k, pattern]) => [k, { type: "string", pattern }])),
};

describe("schema patterns with RE2 syntax", () => {
  it("accepts values that match: POSIX classes, (?i), \\z, \\Q...\\E, a literal {, Go's \\p names", () => {
    expect(
      causesOf(schema, { posix: "abc", plain: "héllo", answer: "YES", name: "abc", version: "1.2+7", brace: "x{", letters: "héllo" }),
    ).toEqual([]);
  });

  it("rejects values that do not, as the API server words it", () => {
    expect(
      lines(causesOf(schema, { posix: "ab1", plain: "a,b", answer: "maybe", name: "abc\n", version: "1.22", brace: "xx", letters: "a1" })),
    ).toEqual([
      "spec.posix: FieldValueInvalid: Invalid value: \"ab1\": spec.posix in body should match '^[[:alpha:]]+$'",
      "spec.plain: FieldValueInvalid: Invalid value: \"a,b\": spec.plain in body should match '^[^[:punct:]\\s]+$'",
      "spec.answer: FieldValueInvalid: Invalid value: \"maybe\": spec.answer in body should match '(?i)^(yes|no)$'",
      "spec.name: FieldValueInvalid: Invalid value: \"abc\\n\": spec.name in body should match '^[a-z]+\\z'",
      "spec.version: FieldValueInvalid: Invalid value: \"1.22\": spec.version in body should match '^\\Q1.2+\\E[0-9]*$'",
      "spec.brace: FieldValueInvalid: Invalid value: \"xx\": spec.brace in body should match '^x{?$'",
      "spec.letters: FieldValueInvalid: Invalid value: \"a1\": spec.letters in body should match '^\\p{letter}+$'",
    ]);
  });

  it("folds case as Go does under (?i): the Kelvin sign is a k", () => {
    const kelvin: JSONSchemaProps = { type: "object", properties: { k: { type: "string", pattern: "(?i)^k+$" } } };
    expect(causesOf(kelvin, { k: "kK\u212a" })).toEqual([]);
  });
});

describe("CEL regular expressions with RE2 syntax", () => {
  const rule = (r: string): JSONSchemaProps => ({
    type: "object",
    properties: { s: { type: "string" } },
    "x-kubernetes-validations": [{ rule: r }],
  });
  const holds = (r: string, s: string): boolean => causesOf(rule(r), { s }).length === 0;

  it("matches() with POSIX classes, (?i), \\z and \\Q...\\E", () => {
    expect(holds("self.s.matches('^[[:upper:]]+\\\\z') && self.s.matches('(?i)^abc$')", "ABC")).toBe(true);
    expect(holds("self.s.matches('^\\\\Qa.b\\\\E$')", "a.b")).toBe(true);
    expect(holds("self.s.matches('^\\\\Qa.b\\\\E$')", "axb")).toBe(false);
  });

  it("find() and findAll() skip an empty match right after a match, as Go's FindAllString does", () => {
    // Go: "abc".findAll("a*") is ["a", "", ""]; JavaScript's matchAll gives ["a", "", "", ""]
    expect(holds("self.s.findAll('a*') == ['a', '', '']", "abc")).toBe(true);
    expect(holds("self.s.findAll('x*', 2) == ['', '']", "ab")).toBe(true);
    expect(holds("self.s.find('(?i)b+') == 'bB'", "abBc")).toBe(true);
    expect(holds("self.s.findAll('\\\\z') == ['']", "ab")).toBe(true);
  });

  it("find() and findAll() take POSIX classes and \\Q...\\E", () => {
    expect(holds("self.s.find('[[:digit:]]+') == '123' && self.s.findAll('[[:upper:]]') == ['A', 'B']", "xA123B")).toBe(true);
    expect(holds("self.s.findAll('\\\\Q.+\\\\E') == ['.+', '.+']", "a.+b.+")).toBe(true);
  });
});

describe("format checks built on Go regular expressions", () => {
  it("date-time: the fraction's separator is Go's `.` (any character but a newline)", () => {
    const dateTime = formatChecker("date-time")!;
    expect(dateTime("2024-01-02T03:04:05.5Z")).toBe(true);
    expect(dateTime("2024-01-02T03:04:05\r5Z")).toBe(true);
    expect(dateTime("2024-01-02T03:04:05\u20285Z")).toBe(true);
    expect(dateTime("2024-01-02T03:04:05\n5Z")).toBe(false);
  });
});
