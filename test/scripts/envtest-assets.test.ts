import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { realAssets, skipReal } from "../helpers/real-kubernetes.js";

const SCRIPT = join(import.meta.dirname, "../../scripts/envtest-assets.mjs");

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8", env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run envtest:assets", () => {
  it("prints the pinned versions", () => {
    const r = run(["--print-versions"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ kubernetes: expect.stringMatching(/^1\.(3[6-9]|[4-9]\d)\.\d+$/), etcd: expect.stringMatching(/^3\.6\.\d+$/), controllerTools: expect.stringMatching(/^0\.\d+\.\d+$/), helm: expect.stringMatching(/^4\.\d+\.\d+$/) });
  });

  it("says what to do when Go is missing, and exits 2", () => {
    const cache = mkdtempSync(join(tmpdir(), "kb-assets-"));
    try {
      const r = run([], { PATH: "/nonexistent", KUBEBUILDER_TS_CACHE: cache, HOME: cache });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("envtest:assets: Go is not installed (no `go` on PATH)");
      expect(r.stderr).toContain("point KUBEBUILDER_ASSETS at a folder that already holds kube-apiserver and etcd");
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("refuses an unknown option or component", () => {
    expect(run(["--bogus"]).stderr).toContain("unknown option --bogus");
    expect(run(["--only", "kubelet"]).stderr).toContain("--only takes one of etcd, kube-apiserver, controller-gen, helm; got kubelet");
  });

  // Only when KUBEBUILDER_ASSETS is this script's own folder (a setup-envtest folder has no stamps).
  const found = realAssets();
  const ours = "directory" in found && existsSync(join(found.directory, ".kube-apiserver.version"));
  it.skipIf(skipReal("npm run envtest:assets on a built cache") || !ours)("reuses a built cache and prints its folder as the last line", () => {
    const r = run([]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("directory" in found ? found.directory : "");
    expect(r.stderr).toMatch(/kube-apiserver [\d.]+: cached/);
  });
});
