import { describe, expect, it } from "vitest";
import { check, lines, LOCATION, scalerSpec } from "./schemas.js";

const errorsOf = (rules: string[]) => lines(check(scalerSpec(), rules).filter((d) => d.severity === "error"));

describe("CEL syntax errors", () => {
  it("names the rule, the position in it and the parser's message", () => {
    const [d, ...rest] = check(scalerSpec(), ["self.minReplicas <= self.maxReplicas &&"]);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: "error", code: "cel-syntax", location: LOCATION });
    expect(d!.message).toMatch(
      /^XValidation rule "self\.minReplicas <= self\.maxReplicas &&": syntax error at column \d+: .+/,
    );
  });

  it("keeps the parser's message, and says so plainly when an operator dangles at the end", () => {
    expect(errorsOf(["self.minReplicas > 0 self.maxReplicas", "self.minReplicas <="])).toEqual([
      'error cel-syntax: XValidation rule "self.minReplicas > 0 self.maxReplicas": syntax error at column 22: found s but expecting end of input',
      'error cel-syntax: XValidation rule "self.minReplicas <=": syntax error at column 18: nothing follows "<=": the expression is incomplete',
    ]);
  });

  it("reports unterminated strings and unbalanced brackets where they start", () => {
    expect(
      errorsOf([
        "self.schedule == 'abc",
        "(self.minReplicas > 0",
        "self.minReplicas > 0)",
        "self.tags[0) == 'a'",
        'self.schedule == """x',
      ]),
    ).toEqual([
      'error cel-syntax: XValidation rule "self.schedule == \'abc": syntax error at column 18: unterminated string literal',
      'error cel-syntax: XValidation rule "(self.minReplicas > 0": syntax error at column 1: "(" is never closed',
      'error cel-syntax: XValidation rule "self.minReplicas > 0)": syntax error at column 21: unbalanced ")"',
      'error cel-syntax: XValidation rule "self.tags[0) == \'a\'": syntax error at column 12: ")" does not close the "[" opened at column 10',
      'error cel-syntax: XValidation rule "self.schedule == \\"\\"\\"x": syntax error at column 18: unterminated string literal',
    ]);
  });

  it("gives line and column in a rule of several lines", () => {
    const out = errorsOf(["self.minReplicas > 0 &&\n  self.maxReplicas >"]);
    expect(out.some((l) => /syntax error at line 2, column \d+/.test(l))).toBe(true);
  });

  it("checks the messageExpression's syntax too", () => {
    const out = errorsOf([]).concat(
      lines(
        check(scalerSpec(), [
          { rule: "self.minReplicas > 0", messageExpression: "'min is ' + string(self.minReplicas" },
        ]),
      ),
    );
    expect(out).toEqual([
      'error cel-syntax: messageExpression "\'min is \' + string(self.minReplicas" of XValidation rule "self.minReplicas > 0": syntax error at column 19: "(" is never closed',
    ]);
  });

  it("leaves strings, raw strings, bytes and comments alone when scanning", () => {
    expect(
      errorsOf([
        "self.schedule.matches(r'^\\d+ [*]$') && self.schedule != 'a) ? .?b'",
        "b'\\x00(' != b'' && \"it's\" != '' && '''multi\nline''' != ''",
        "self.minReplicas > 0 // a comment with ( and ' in it\n && self.maxReplicas > 0",
      ]).filter((l) => l.includes("cel-syntax")),
    ).toEqual([]);
  });
});

describe("CEL rules nested past the parser's limit", () => {
  it("are located errors, not a stack overflow, for brackets and operator chains", () => {
    const errors = errorsOf([`${"(".repeat(5000)}self.minReplicas${")".repeat(5000)} > 0`, `${Array(5000).fill("self.minReplicas").join(" + ")} > 0`, `self${".a".repeat(5000)} == 1`]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/syntax error at column 251: brackets nest deeper than 250 levels \(the API server's CEL parser stops at 250\)$/);
    expect(errors[1]).toMatch(/syntax error at column \d+: the expression nests deeper than 250 levels/);
    expect(errors[2]).toMatch(/syntax error at column \d+: the expression nests deeper than 250 levels/);
  });

  it("accepts rules nested within it", () => {
    expect(errorsOf([`${"(".repeat(200)}self.minReplicas${")".repeat(200)} > 0`])).toEqual([]);
  });
});
