// Running npm and a project's scripts from tests: commands with an environment that reaches
// no cluster, their whole output kept for failure messages, optionally on another Node.js than
// this process's (the one the project targets), and this package packed as npm would publish
// it, for a project to install.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { readdirSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { dirname, join } from "node:path";
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

/** {@link commandEnv} and {@link run} for commands whose `node` is another Node.js binary. */
export interface NodeCommands {
  /** The Node.js binary that the commands' `node` (npm's, a script's shebang) resolves to. */
  readonly node: string;
  commandEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  run(command: string, args: readonly string[], cwd: string, extraEnv?: NodeJS.ProcessEnv, timeoutMs?: number): Run;
}

/**
 * Commands that run on the Node.js binary `node`: its folder comes first on their PATH, so that
 * `npm`, `npx` and the project's scripts run on it.
 *
 * @example
 * const project = onNode(join(nodeOfLine(24).bin, "node"));
 * expectOk(project.run(NPM, ["test"], dir));
 */
export function onNode(node: string): NodeCommands {
  const path = { PATH: `${dirname(node)}:${process.env.PATH ?? ""}` };
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => commandEnv({ ...path, ...extra });
  return {
    node,
    commandEnv: env,
    run: (command, args, cwd, extraEnv = {}, timeoutMs) => run(command, args, cwd, { ...path, ...extraEnv }, timeoutMs),
  };
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

/** A TCP port nothing listens on right now (for a manager's probe address). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
