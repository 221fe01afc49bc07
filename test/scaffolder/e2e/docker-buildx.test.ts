// npm run docker-buildx, kubebuilder's make docker-buildx: without Docker here, the scaffolded
// script runs with CONTAINER_TOOL set to a stand-in that records its arguments, so what is
// checked is the exact command lines a real docker would get, and the script's exit status.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planInit } from "../../../src/scaffolder/commands/init/plan-init.js";
import { applyPlan } from "../../../src/scaffolder/machinery/apply-plan.js";
import { VirtualTree } from "../../../src/tree/index.js";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

describe.skipIf(process.platform === "win32")("npm run docker-buildx", () => {
  let dir: string;
  let tool: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kb-buildx-"));
    const tree = new VirtualTree("/virtual/memcached-operator", false);
    await applyPlan(
      planInit({ domain: "example.com", projectName: "memcached-operator", multigroup: false, namespaced: false, kbVersion: "1.2.3", owner: "", license: "apache2", year: 2025 }),
      tree,
    );
    writeFileSync(join(dir, "package.json"), tree.read("package.json")!);
    // One line per call, arguments separated by tabs; `buildx build` exits with $FAKE_BUILD_STATUS.
    tool = join(dir, "fake-docker");
    writeFileSync(
      tool,
      [
        "#!/bin/sh",
        `(IFS="$(printf '\\t')"; echo "$*") >> "$FAKE_LOG"`,
        `if [ "$1 $2" = "buildx build" ]; then exit "\${FAKE_BUILD_STATUS:-0}"; fi`,
        // A builder of that name exists already: docker's error, which the script ignores.
        `if [ "$1 $2" = "buildx create" ] && [ -n "$FAKE_BUILDER_EXISTS" ]; then echo "ERROR: existing instance" >&2; exit 1; fi`,
        "",
      ].join("\n"),
    );
    chmodSync(tool, 0o755);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function buildx(env: Record<string, string>): { status: number | null; calls: string[][]; output: string } {
    const log = join(dir, `calls-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(log, "");
    const r = spawnSync(NPM, ["run", "--silent", "docker-buildx"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CONTAINER_TOOL: tool, FAKE_LOG: log, PLATFORMS: "", IMG: "", ...env },
    });
    const calls = readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => l.split("\t"));
    return { status: r.status, calls, output: `${r.stdout}${r.stderr}` };
  }

  it("creates a builder, builds and pushes $IMG for every platform in $PLATFORMS from the Dockerfile, then removes the builder", () => {
    const r = buildx({ IMG: "registry.example.com/memcached-operator:v0.1.0", PLATFORMS: "linux/amd64,linux/arm64,linux/s390x" });
    expect(r.status, r.output).toBe(0);
    expect(r.calls).toEqual([
      ["buildx", "create", "--name", "memcached-operator-builder"],
      ["buildx", "build", "--builder", "memcached-operator-builder", "--push", "--platform=linux/amd64,linux/arm64,linux/s390x", "--tag", "registry.example.com/memcached-operator:v0.1.0", "."],
      ["buildx", "rm", "memcached-operator-builder"],
    ]);
  });

  it("defaults to controller:latest for linux/amd64 and linux/arm64, as docker-build does for the tag", () => {
    const r = buildx({});
    expect(r.status, r.output).toBe(0);
    expect(r.calls[1]).toEqual(["buildx", "build", "--builder", "memcached-operator-builder", "--push", "--platform=linux/amd64,linux/arm64", "--tag", "controller:latest", "."]);
  });

  it("goes on when the builder exists already, and fails with the build's status after removing the builder", () => {
    const r = buildx({ FAKE_BUILDER_EXISTS: "1", FAKE_BUILD_STATUS: "3" });
    expect(r.status).toBe(3);
    expect(r.calls.map((c) => c.slice(0, 2).join(" "))).toEqual(["buildx create", "buildx build", "buildx rm"]);
  });
});
