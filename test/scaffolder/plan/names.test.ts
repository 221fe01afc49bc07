import { describe, expect, it } from "vitest";
import { checkDomain, checkGroup, checkKind, checkPlural, checkProjectName, checkVersion } from "../../../src/scaffolder/plan/names.js";
import { importPath } from "../../../src/scaffolder/plan/resource-model.js";

describe("flag checks", () => {
  it("accepts what kubebuilder accepts", () => {
    expect(checkDomain("example.com")).toBe("example.com");
    expect(checkDomain("my.domain")).toBe("my.domain");
    expect(checkGroup("batch")).toBe("batch");
    expect(checkGroup("cert-manager")).toBe("cert-manager");
    for (const v of ["v1", "v2", "v1alpha1", "v1beta2", "v10"]) expect(checkVersion(v)).toBe(v);
    for (const k of ["CronJob", "Captain", "HTTPRoute", "V2Thing"]) expect(checkKind(k)).toBe(k);
    expect(checkPlural("admirales")).toBe("admirales");
    expect(checkProjectName("my-operator")).toBe("my-operator");
  });

  it("refuses the rest, saying what was expected", () => {
    expect(() => checkDomain("Example.com")).toThrow(/--domain "Example.com": expected a DNS subdomain/);
    expect(() => checkDomain("example_com")).toThrow(/--domain/);
    expect(() => checkDomain("-example.com")).toThrow(/--domain/);
    expect(() => checkGroup("Batch")).toThrow(/--group "Batch"/);
    for (const v of ["1", "v0", "v1alpha", "v1.2", "V1", "v1gamma1", "v01"]) expect(() => checkVersion(v)).toThrow(/expected a Kubernetes API version such as v1, v2, v1alpha1 or v1beta2/);
    for (const k of ["cronJob", "Cron_Job", "Cron-Job", "1Job", ""]) expect(() => checkKind(k)).toThrow(/expected a PascalCase kind/);
    expect(() => checkPlural("CronJobs")).toThrow(/--plural/);
    expect(() => checkProjectName("My Operator")).toThrow(/expected a DNS label/);
  });
});

describe("importPath", () => {
  it("gives relative ESM specifiers with a .js suffix", () => {
    expect(importPath("src/main", "src/controllers/cronjob-controller")).toBe("./controllers/cronjob-controller.js");
    expect(importPath("src/controllers/cronjob-controller", "api/v1/cronjob-types")).toBe("../../api/v1/cronjob-types.js");
    expect(importPath("src/controllers/batch/cronjob-controller", "api/batch/v1/cronjob-types")).toBe("../../../api/batch/v1/cronjob-types.js");
    expect(importPath("api/v1/cronjob-types", "api/v1/groupversion-info")).toBe("./groupversion-info.js");
  });
});

describe("free text and generated names", () => {
  it("--owner: any printable text of one line; control characters, line separators and bidi overrides refused, naming the character", async () => {
    const { checkOwner } = await import("../../../src/scaffolder/plan/names.js");
    for (const o of ["", "Acme Ltd", 'Evil */ console.log("x"); /*', "Zoë & Co <zoe@example.com>", "株式会社"]) expect(checkOwner(o)).toBe(o);
    expect(() => checkOwner("a\nb")).toThrow(/--owner "a\\nb": expected printable text on one line \(U\+000A at character 2 is not\)/);
    expect(() => checkOwner("a\rb")).toThrow(/U\+000D/);
    expect(() => checkOwner("a\u2028b")).toThrow(/U\+2028/);
    expect(() => checkOwner("a\u202eb")).toThrow(/U\+202E/);
    expect(() => checkOwner("x".repeat(201))).toThrow(/at most 200 characters/);
  });

  it("a kind's variable is never a reserved word nor a name the scaffolded code uses", async () => {
    const { variableName } = await import("../../../src/scaffolder/plan/resource-model.js");
    expect(variableName("CronJob")).toBe("cronJob");
    expect(variableName("Delete")).toBe("deleteObj");
    expect(variableName("Function")).toBe("functionObj");
    expect(variableName("Client")).toBe("clientObj");
  });
});
