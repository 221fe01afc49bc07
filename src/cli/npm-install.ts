import { spawn } from "node:child_process";
import { relative } from "node:path";
import { ExitCode } from "../diagnostics/index.js";
import type { Io } from "./output.js";

/** npm's network errors: the registry could not be reached (as opposed to an answer that says no). */
const NETWORK_ERROR = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|UND_ERR_CONNECT_TIMEOUT)\b|network request to .* failed|request to .* failed, reason:/;

/** npm's "not in this registry": `404 'name@range' is not in this registry.` */
const NOT_IN_REGISTRY = /404\s+'((?:@[^/'\s]+\/)?[^@'\s]+)@?[^']*' is not in this registry/;

/**
 * Why npm install failed, from its output, and what to do: the exact command to run again in
 * `dir` (the project, relative to where kb ran).
 * @example
 * ```ts
 * installFailureHint("npm error code ENOTFOUND ...", "cronjob-operator")
 * // "the npm registry could not be reached. The project is written: once it can be, run `cd cronjob-operator && npm install` ..."
 * ```
 */
export function installFailureHint(npmOutput: string, dir: string): string {
  const retry = retryCommand(dir);
  const missing = NOT_IN_REGISTRY.exec(npmOutput)?.[1];
  if (missing === "kubebuilder-ts") {
    return (
      "kubebuilder-ts is not on the npm registry. The project is written, but its package.json asks the registry for it: " +
      "scaffold it again in an empty directory with `kb init --kb-source <kubebuilder-ts .tgz or checkout> ...`, which puts the package in vendor/ " +
      "(kb does so by itself when it was installed from a checkout or a tarball)"
    );
  }
  if (missing !== undefined) return `the npm registry has no package ${missing}. The project is written: check the registry npm uses (npm config get registry), then run \`${retry}\``;
  if (NETWORK_ERROR.test(npmOutput)) {
    return `the npm registry could not be reached. The project is written: once it can be, run \`${retry}\` (or \`${retry} --offline\` to install from npm's cache alone, when it holds every package)`;
  }
  return `the project is written: fix the problem above, then run \`${retry}\``;
}

/** `npm install`, in `dir` when that is not the working directory. */
function retryCommand(dir: string): string {
  return dir === "." ? "npm install" : `cd ${dir} && npm install`;
}

/**
 * Runs `npm install` in the new project at `root`, its output passed on as it comes. On a
 * failure, says why (no network, a package the registry does not have) and the command to
 * run again, and returns a non-zero exit code; the files stay.
 */
export async function npmInstall(io: Io, root: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  io.out("running npm install\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const child = spawn(npm, ["install", "--no-audit", "--no-fund"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => io.out(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    io.err(text);
  });
  const outcome = await new Promise<{ code: number | null; error?: Error }>((done) => {
    child.on("error", (error) => done({ code: null, error }));
    child.on("close", (code) => done({ code }));
  });
  if (outcome.code === 0) return ExitCode.ok;
  const dir = relative(io.cwd, root) || ".";
  if (outcome.error) io.err(`error: npm install failed (npm could not be run: ${outcome.error.message}): the project is written: install npm, then run \`${retryCommand(dir)}\`\n`);
  else io.err(`error: npm install failed (exit code ${outcome.code}): ${installFailureHint(output, dir)}\n`);
  return ExitCode.badInput;
}
