import { describe, expect, it } from "vitest";
import { compileGoRegexp, goMatch, goRegexpProblem, goString } from "../../src/regexp/go-regexp.js";
import { compilePattern } from "../../src/testing/schema/pattern.js";
import { ACCEPTED, MATCHES, REFUSED } from "./go-regexp-cases.js";

describe("Go regular expressions", () => {
  it.each(ACCEPTED.map((p) => [p]))("compiles %s as Go does", (pattern) => {
    expect(goRegexpProblem(pattern)).toBeUndefined();
  });

  it.each(REFUSED.map(([p, e]) => [p.length > 40 ? `${p.slice(0, 40)}…` : p, p, e]))("refuses %s with Go's message", (_, pattern, error) => {
    expect(goRegexpProblem(pattern)).toBe(error);
    expect(compilePattern(pattern)).toEqual({ ok: false, error });
  });

  it.each(MATCHES.map(([p, s, m]) => [p, JSON.stringify(s), s, m]))("%s on %s matches as Go's MatchString", (pattern, _, input, expected) => {
    const compiled = compileGoRegexp(pattern);
    if (!compiled.ok) throw new Error(compiled.error);
    expect(goMatch(compiled.re, input)).toBe(expected);
    // the test server's matcher (a JavaScript RegExp where the syntax allows) agrees
    const matcher = compilePattern(pattern);
    expect(matcher.ok && matcher.matcher.test(input)).toBe(expected);
  });

  it("reads unpaired surrogates as U+FFFD, as Go's JSON decoding leaves them", () => {
    expect(goString("a\ud800b\udc00")).toBe("a\ufffdb\ufffd");
    expect(goString("😀")).toBe("😀");
  });
});
