// kubebuilder's scaffolding insertion points are the scaffolder's, not the generator's.
import { describe, expect, it } from "vitest";
import { createMarkerRegistry } from "../../src/markers/definitions/index.js";
import { parseMarker } from "../../src/markers/index.js";

describe("+kubebuilder:scaffold:* markers", () => {
  it("are ignored on any target, where a misspelt kubebuilder marker is an error", () => {
    const at = { file: "api/v1/cronjob-conversion.ts", line: 20, column: 4 };
    for (const target of ["type", "field", "package"] as const) {
      expect(parseMarker("kubebuilder:scaffold:spokes", at, target, createMarkerRegistry()).kind).toBe("ignored");
    }
    expect(parseMarker("kubebuilder:validaton:Minimum=1", at, "field", createMarkerRegistry()).kind).toBe("error");
  });
});
