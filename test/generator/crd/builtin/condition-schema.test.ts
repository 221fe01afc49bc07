import { describe, expect, it } from "vitest";
import { conditionSchema } from "../../../../src/generator/crd/builtin/index.js";

describe("conditionSchema", () => {
  it("gives metav1.Condition's schema with its validations", () => {
    const s = conditionSchema();
    expect(s.type).toBe("object");
    expect(s.description).toBe("Condition contains details for one aspect of the current state of this API Resource.");
    expect(s.required).toEqual(["lastTransitionTime", "message", "reason", "status", "type"]);
    const p = s.properties ?? {};
    expect(Object.keys(p).sort()).toEqual([
      "lastTransitionTime",
      "message",
      "observedGeneration",
      "reason",
      "status",
      "type",
    ]);
    expect(p.lastTransitionTime).toMatchObject({ type: "string", format: "date-time" });
    expect(p.message).toMatchObject({ type: "string", maxLength: 32768 });
    expect(p.observedGeneration).toMatchObject({ type: "integer", format: "int64", minimum: 0 });
    expect(p.reason).toMatchObject({
      type: "string",
      maxLength: 1024,
      minLength: 1,
      pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
    });
    expect(p.status).toMatchObject({ type: "string", enum: ["True", "False", "Unknown"] });
    expect(p.type).toMatchObject({ type: "string", maxLength: 316 });
    expect(p.type?.pattern).toBe(
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
    );
  });

  it("takes descriptions from client-node, unescaped", () => {
    const p = conditionSchema().properties ?? {};
    expect(p.status?.description).toBe("status of the condition, one of True, False, Unknown.");
    expect(p.reason?.description).toMatch(
      /^reason contains a programmatic identifier indicating the reason for the condition's last transition\./,
    );
  });

  it("returns a fresh copy each time", () => {
    const a = conditionSchema();
    a.properties?.status?.enum?.push("Maybe");
    a.required?.pop();
    const b = conditionSchema();
    expect(b.properties?.status?.enum).toEqual(["True", "False", "Unknown"]);
    expect(b.required).toHaveLength(5);
  });
});
