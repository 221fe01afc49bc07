import { describe, expect, it } from "vitest";
import { fieldPathProblem } from "../../../../src/generator/crd/cel/index.js";
import { scalerSpec } from "./schemas.js";

describe("fieldPath validation", () => {
  const spec = scalerSpec();

  it("follows properties and map values, with escapes in quoted names", () => {
    for (const p of [
      ".minReplicas",
      ".targetRef.kind",
      "['targetRef'].kind",
      ".annotations['a\\'b']",
      ".annotations.x",
      "",
    ]) {
      expect(fieldPathProblem(p, spec), p).toBeUndefined();
    }
  });

  it("names the missing property and the candidates", () => {
    expect(fieldPathProblem(".targetRef.knd", spec)).toEqual({
      message: "does not refer to a valid field",
      missing: { name: "knd", candidates: ["apiVersion", "kind", "name"] },
    });
  });

  it("rejects list indexes, bad escapes and stray tokens", () => {
    expect(fieldPathProblem(".metrics[0]", spec)?.message).toContain("list indexes are not supported");
    expect(fieldPathProblem(".annotations['\\q']", spec)?.message).toContain("invalid escape");
    expect(fieldPathProblem(".targetRef['kind'x", spec)?.message).toContain('expected "]"');
    expect(fieldPathProblem(".", spec)?.message).toBe("unexpected end of the path");
  });
});
