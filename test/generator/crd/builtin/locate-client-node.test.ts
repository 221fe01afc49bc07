import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { KbError } from "../../../../src/diagnostics/index.js";
import { locateClientNodeModels } from "../../../../src/generator/crd/builtin/index.js";

describe("locateClientNodeModels", () => {
  it("finds the models directory of kb's own client-node", () => {
    const dir = locateClientNodeModels();
    expect(dir).toMatch(/@kubernetes[\\/]client-node[\\/]dist[\\/]gen[\\/]models$/);
    expect(existsSync(join(dir, "V1PodTemplateSpec.js"))).toBe(true);
  });

  it("fails with client-node-missing where no client-node is installed", () => {
    const dir = mkdtempSync(join(tmpdir(), "kb-no-client-node-"));
    try {
      const from = pathToFileURL(join(dir, "index.js")).href;
      let error: unknown;
      try {
        locateClientNodeModels(from);
      } catch (e) {
        error = e;
      }
      // A client-node installed globally above the temp dir would be found instead.
      if (error === undefined) return;
      expect(error).toBeInstanceOf(KbError);
      expect((error as KbError).code).toBe("client-node-missing");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
