import { describe, expect, it } from "vitest";
import { escapeCelName, unescapeCelName } from "../../../../src/generator/crd/cel/index.js";

describe("Kubernetes CEL property-name escaping", () => {
  it("escapes as the API server does", () => {
    const cases: [string, string | undefined][] = [
      ["replicas", "replicas"],
      ["min_replicas", "min_replicas"],
      ["_private", "_private"],
      ["a__b", "a__underscores__b"],
      ["a___b", "a__underscores___b"],
      ["node-selector", "node__dash__selector"],
      ["app.kubernetes.io/name", "app__dot__kubernetes__dot__io__slash__name"],
      ["namespace", "__namespace__"],
      ["in", "__in__"],
      ["return", "__return__"],
      ["1st", undefined],
      ["", undefined],
      ["price$", undefined],
      ["naïve", undefined],
      ["has space", undefined],
    ];
    for (const [name, escaped] of cases) expect(escapeCelName(name), name).toBe(escaped);
  });

  it("unescapes what it escapes", () => {
    for (const name of ["a__b", "node-selector", "app.kubernetes.io/name", "namespace", "x.y-z/w__v"]) {
      expect(unescapeCelName(escapeCelName(name)!)).toBe(name);
    }
    expect(unescapeCelName("a__bogus__b")).toBeUndefined();
  });
});
