import { spawn, type ChildProcess } from "node:child_process";

/**
 * The watchdog between the test process and each control-plane binary, run as `node -e`.
 * Node cannot ask the kernel to kill a child when its parent dies (Linux's PR_SET_PDEATHSIG is
 * not exposed, and other systems have none), and a test process killed with SIGKILL runs no
 * exit handler. So each binary runs under a small Node process that reads a pipe from the test
 * process: the pipe closes when the test process ends, however it ends, and the watchdog then
 * kills its binary and removes the binary's temporary files. A SIGTERM to the watchdog (a
 * normal stop) is passed on; the binary's exit ends the watchdog with the same status.
 * Plain JavaScript in a string, so that it runs the same from sources (tests) and from dist.
 */
const WATCHDOG = `
const { spawn } = require("node:child_process");
const { rmSync } = require("node:fs");
const spec = JSON.parse(process.argv[1]);
const child = spawn(spec.command, spec.args, { stdio: ["ignore", "inherit", "inherit"] });
let killTimer;
function stop(signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  killTimer ??= setTimeout(() => child.kill("SIGKILL"), spec.killAfterMs);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGTERM"));
process.stdin.on("data", () => {});
process.stdin.on("close", () => stop("SIGKILL"));
process.stdin.on("error", () => stop("SIGKILL"));
child.on("error", (e) => { process.stderr.write("cannot start " + spec.command + ": " + e.message + "\\n"); process.exit(127); });
child.on("exit", (code, signal) => {
  clearTimeout(killTimer);
  for (const dir of spec.removeOnExit) { try { rmSync(dir, { recursive: true, force: true }); } catch {} }
  process.exit(code ?? (signal === "SIGTERM" ? 143 : 137));
});
`;

/** What {@link SupervisedProcess.start} takes. */
export interface SupervisedProcessOptions {
  /** A name for messages ("etcd", "kube-apiserver"). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Directories removed once the process has ended, however the test process ended. */
  readonly removeOnExit?: readonly string[];
  /** How long a stop waits after SIGTERM before SIGKILL (default 5,000 ms). */
  readonly killAfterMs?: number;
  /** Copy the process's output to this process's stdout and stderr as it comes. */
  readonly attachOutput?: boolean;
  /** How much of the end of the output is kept for error messages (default 16 KiB). */
  readonly keepOutputBytes?: number;
}

/**
 * A control-plane binary run under a watchdog: it never outlives the test process (see
 * {@link WATCHDOG}), and the end of its output is kept for error messages.
 */
export class SupervisedProcess {
  readonly name: string;
  readonly #watchdog: ChildProcess;
  readonly #exited: Promise<number>;
  readonly #keep: number;
  #output = "";
  #exitCode: number | undefined;

  private constructor(options: SupervisedProcessOptions) {
    this.name = options.name;
    this.#keep = options.keepOutputBytes ?? 16 * 1024;
    const spec = {
      command: options.command,
      args: options.args,
      removeOnExit: options.removeOnExit ?? [],
      killAfterMs: options.killAfterMs ?? 5_000,
    };
    this.#watchdog = spawn(process.execPath, ["-e", WATCHDOG, "--", JSON.stringify(spec)], {
      stdio: ["pipe", "pipe", "pipe"],
      // The watchdog must not carry the test runner's loaders or inspector into `node -e`.
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    const collect = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      if (options.attachOutput) to.write(chunk);
      this.#output = (this.#output + chunk.toString("utf8")).slice(-this.#keep);
    };
    this.#watchdog.stdout?.on("data", (chunk: Buffer) => collect(chunk, process.stdout));
    this.#watchdog.stderr?.on("data", (chunk: Buffer) => collect(chunk, process.stderr));
    // The pipe is the lifeline: it is never written, only held open until stop or death.
    this.#watchdog.stdin?.on("error", () => {});
    this.#exited = new Promise((resolve) => {
      this.#watchdog.on("error", (error) => {
        this.#output += `\n${error.message}`;
        this.#exitCode = 127;
        resolve(127);
      });
      this.#watchdog.on("close", (code, signal) => {
        this.#exitCode = code ?? (signal ? 128 : 1);
        resolve(this.#exitCode);
      });
    });
  }

  /** Starts `options.command` under a watchdog. */
  static start(options: SupervisedProcessOptions): SupervisedProcess {
    return new SupervisedProcess(options);
  }

  /** The watchdog's process id (the binary is its only child). */
  get pid(): number | undefined {
    return this.#watchdog.pid;
  }

  /** The exit status once the process has ended. */
  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /** Resolves with the exit status when the process has ended (and its files are removed). */
  get exited(): Promise<number> {
    return this.#exited;
  }

  /** The end of what the process printed. */
  get output(): string {
    return this.#output;
  }

  /**
   * Stops the process: SIGTERM, SIGKILL after `killAfterMs`; resolves once it has ended and its
   * files are removed. `kill: true` sends SIGKILL at once (its data is thrown away anyway).
   */
  async stop(options: { readonly kill?: boolean } = {}): Promise<void> {
    if (this.#exitCode === undefined) {
      if (options.kill) this.#watchdog.stdin?.destroy();
      else this.#watchdog.kill("SIGTERM");
    }
    await this.#exited;
  }
}
