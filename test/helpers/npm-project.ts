// Running npm and a project's scripts from tests: commands with an environment that reaches
// no cluster, their whole output kept for failure messages, and this package packed as npm
// would publish it, for a project to install.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
export const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

export interface Run {
  readonly status: number | null;
  /** The command line, stdout and stderr, for failure messages. */
  readonly output: string;
  readonly stdout: string;
  readonly ms: number;
}

/**
 * The environment of the commands: USE_EXISTING_CLUSTER unset, so that nothing reaches a
 * cluster, and KUBEBUILDER_ASSETS unset unless `extra` sets it (a real API server).
 */
export function commandEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.USE_EXISTING_CLUSTER;
  delete env.KUBEBUILDER_ASSETS;
  return { ...env, ...extra };
}

/** Runs a command to completion, for at most `timeoutMs` (then it is killed, and fails). */
export function run(command: string, args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 5 * 60_000): Run {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, env: commandEnv(extraEnv), encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, killSignal: "SIGKILL" });
  const ms = performance.now() - started;
  const output = `$ ${command} ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}`;
  return { status: r.status, output, stdout: r.stdout ?? "", ms };
}

/** Fails with the command's whole output unless it exited 0. */
export function expectOk(r: Run): Run {
  expect(r.status, r.output).toBe(0);
  return r;
}

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when a source is newer than everything in it, then packs the package into `into`; the tarball's path. */
export function packPackage(into: string): string {
  if (newestMtime(join(REPO, "src")) > newestMtime(join(REPO, "dist"))) expectOk(run(NPM, ["run", "build"], REPO));
  // --ignore-scripts: `prepare` would build again.
  const packed = expectOk(run(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", into], REPO));
  const [info] = JSON.parse(packed.stdout) as { filename: string }[];
  return join(into, info!.filename);
}
