import { describe, expect, it } from "vitest";
import type { ValidationRule } from "../../../../src/model/schema.js";
import { check, lines, scalerSpec } from "./schemas.js";

const withSpec = (...rules: ValidationRule[]) => lines(check(scalerSpec(), rules));

describe("XValidation reason, fieldPath, message and optionalOldSelf", () => {
  it("accepts every supported reason and a valid fieldPath", () => {
    const reasons = ["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"] as const;
    expect(
      withSpec(...reasons.map((reason) => ({ rule: "self.minReplicas >= 0", reason, fieldPath: ".minReplicas" }))),
    ).toEqual([]);
  });

  it("rejects an unsupported reason with a did-you-mean", () => {
    const rule = { rule: "self.minReplicas >= 0", reason: "FieldValueInvald" } as unknown as ValidationRule;
    expect(withSpec(rule)).toEqual([
      'error cel-reason: XValidation rule "self.minReplicas >= 0": reason "FieldValueInvald" is not supported; expected one of FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate (did you mean "FieldValueInvalid"?)',
    ]);
  });

  it("accepts fieldPaths through properties and maps, with dots or quoted brackets", () => {
    const ok = [
      ".targetRef.name",
      "['targetRef']['name']",
      ".annotations.anykey",
      ".annotations['example.com/key']",
      "['app.kubernetes.io/name']",
      ".node-selector",
      ".metrics",
    ];
    expect(withSpec(...ok.map((fieldPath) => ({ rule: "self.minReplicas >= 0", fieldPath })))).toEqual([]);
  });

  it("rejects fieldPaths that do not lead to a field, as the API server does", () => {
    const bad = [
      ".targetRef.nmae",
      "targetRef",
      ".metrics.name",
      ".metrics[0]",
      ".targetRef[",
      ".minReplicas.x",
      "[targetRef]",
    ];
    const out = withSpec(...bad.map((fieldPath) => ({ rule: "self.minReplicas >= 0", fieldPath })));
    expect(out).toHaveLength(bad.length);
    expect(out[0]).toBe(
      'error cel-field-path: XValidation rule "self.minReplicas >= 0": fieldPath ".targetRef.nmae" is not a valid path into the rule\'s schema: does not refer to a valid field ("nmae") (did you mean "name"?)',
    );
    expect(out[1]).toContain('expected "." or "[" but got targetRef');
    expect(out[2]).toContain('("name" is below a value without properties)');
    expect(out[3]).toContain("list indexes are not supported");
    expect(out[4]).toContain("unexpected end of the path");
    expect(out[5]).toContain('"x" is below a value without properties');
    expect(out[6]).toContain("expected a single-quoted name");
  });

  it("requires optionalOldSelf to sit on a transition rule", () => {
    expect(
      withSpec({
        rule: "!has(oldSelf.minReplicas) || self.minReplicas >= oldSelf.minReplicas",
        optionalOldSelf: false,
      }),
    ).toEqual([]);
    expect(
      withSpec({
        rule: "oldSelf.hasValue() ? self.minReplicas >= oldSelf.value().minReplicas : true",
        optionalOldSelf: true,
      }),
    ).toEqual([]);
    // set at all, even to false, it needs oldSelf in the rule
    expect(withSpec({ rule: "self.minReplicas >= 0", optionalOldSelf: false })).toHaveLength(1);
    expect(withSpec({ rule: "self.minReplicas >= 0", optionalOldSelf: true })).toEqual([
      'error cel-optional-old-self: XValidation rule "self.minReplicas >= 0": optionalOldSelf may only be set on a transition rule, one that uses oldSelf (remove optionalOldSelf, or compare self with oldSelf in the rule)',
    ]);
  });

  it("types oldSelf as optional when optionalOldSelf is true", () => {
    const out = withSpec({ rule: "self.minReplicas >= oldSelf.?minReplicas.orValue(0)", optionalOldSelf: true });
    expect(out).toEqual([]);
    expect(withSpec({ rule: "oldSelf.minReplicas", optionalOldSelf: true })).toEqual([
      'error cel-result-type: XValidation rule "oldSelf.minReplicas": must evaluate to a bool, but evaluates to an optional(int)',
    ]);
  });

  it("checks the message as the API server does", () => {
    expect(
      withSpec(
        { rule: "self.minReplicas >= 0", message: "   " },
        { rule: "self.minReplicas >= 0", message: "line one\nline two" },
        { rule: "self.minReplicas >= 0 &&\n  self.maxReplicas >= 0" },
        { rule: "self.minReplicas >= 0", messageExpression: " " },
        { rule: "  " },
      ),
    ).toEqual([
      'error cel-message: XValidation rule "self.minReplicas >= 0": message must be non-empty if specified',
      'error cel-message: XValidation rule "self.minReplicas >= 0": message must not contain line breaks',
      'error cel-message: XValidation rule "self.minReplicas >= 0 &&\\n  self.maxReplicas >= 0": a rule that spans several lines needs a message (add message=<text> to the marker)',
      'error cel-message: XValidation rule "self.minReplicas >= 0": messageExpression must be non-empty if specified',
      'error cel-rule: XValidation rule "  ": the rule is empty (rule=<a CEL expression that must be true>)',
    ]);
  });
});
