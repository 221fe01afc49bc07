import { describe, expect, it } from "vitest";
import {
  checkControllerName,
  checkExternalApiModule,
  checkExternalApiPath,
  checkWebhookPath,
  controllerKey,
  splitExternalApiModule,
} from "../../../src/scaffolder/plan/names.js";
import { withExternalModule } from "../../../src/scaffolder/commands/api/external-module.js";

describe("the flags of kb create for webhook paths, controller names and external APIs", () => {
  it("accepts webhook paths a marker and a URL carry as they are, and refuses the rest naming the flag", () => {
    for (const p of ["/mutate-ship", "/custom/validate-sailor", "/v1.mutate_pod~x"]) expect(checkWebhookPath(p, "--defaulting-path")).toBe(p);
    for (const p of ["mutate", "/", "/a,b", "/a b", "//a", "/a/../b", "/a/./b", "/convert", "/a?b", "/a;b"]) {
      expect(() => checkWebhookPath(p, "--validation-path"), p).toThrow(/^--validation-path ".*": expected an HTTP path/);
    }
  });

  it("takes controller names as kubebuilder does (DNS-1035 labels), telling apart only names that differ beyond dashes", () => {
    for (const n of ["captain-backup", "a", "b2"]) expect(checkControllerName(n)).toBe(n);
    for (const n of ["Captain", "2nd", "captain_backup", "captain-", "a".repeat(64)]) expect(() => checkControllerName(n), n).toThrow(/--controller-name/);
    expect(controllerKey("captain-backup")).toBe(controllerKey("captainbackup"));
    expect(controllerKey("captain-backup")).not.toBe(controllerKey("captain-backups"));
  });

  it("takes npm module specifiers or ./ project files as --external-api-path, and npm packages with versions as --external-api-module", () => {
    for (const p of ["@acme/certmanager-types", "@acme/certmanager-types/v1", "certmanager-types", "certmanager-types/dist/v1", "./src/external/certmanager-v1"]) {
      expect(checkExternalApiPath(p)).toBe(p);
    }
    for (const p of ["../types", "./", "./src/../x", "/abs/path", "Acme-Types", "@acme", "node:fs", "a b"]) expect(() => checkExternalApiPath(p), p).toThrow(/--external-api-path/);
    for (const m of ["@acme/certmanager-types@1.2.0", "certmanager-types", "certmanager-types@^1.2", "x@>=1.0.0"]) expect(checkExternalApiModule(m)).toBe(m);
    for (const m of ["x@1; rm", "X@1", "@acme@1", "x@"]) expect(() => checkExternalApiModule(m), m).toThrow(/--external-api-module/);
    expect(splitExternalApiModule("@acme/types@1.2.0")).toEqual({ name: "@acme/types", version: "1.2.0" });
    expect(splitExternalApiModule("types")).toEqual({ name: "types", version: "*" });
  });
});

describe("withExternalModule", () => {
  const manifest = `${JSON.stringify({ name: "shop", dependencies: { "kubebuilder-ts": "^0.1.0", zod: "^3" }, devDependencies: { vitest: "^4" } }, null, 2)}\n`;

  it("adds the package to the dependencies, sorted as npm keeps them, and leaves the rest of package.json alone", () => {
    const file = withExternalModule(manifest, "@acme/certmanager-types@1.2.0")!;
    expect(file.path).toBe("package.json");
    const json = JSON.parse(file.content) as Record<string, Record<string, string>>;
    expect(Object.entries(json.dependencies!)).toEqual([
      ["@acme/certmanager-types", "1.2.0"],
      ["kubebuilder-ts", "^0.1.0"],
      ["zod", "^3"],
    ]);
    expect(json.devDependencies).toEqual({ vitest: "^4" });
    expect(Object.keys(json)).toEqual(["name", "dependencies", "devDependencies"]);
    // Already there with that version: nothing to write.
    expect(withExternalModule(file.content, "@acme/certmanager-types@1.2.0")).toBeUndefined();
    expect(JSON.parse(withExternalModule(file.content, "@acme/certmanager-types")!.content).dependencies["@acme/certmanager-types"]).toBe("*");
  });

  it("says what is wrong with a package.json it cannot add to", () => {
    expect(() => withExternalModule(undefined, "x@1")).toThrow(/--external-api-module x@1: the project has no package.json/);
    expect(() => withExternalModule("[1]", "x@1")).toThrow(/package.json is not a JSON object/);
    expect(() => withExternalModule('{"dependencies": []}', "x@1")).toThrow(/the dependencies of package.json are not an object/);
  });
});
