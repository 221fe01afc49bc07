import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KbError } from "../diagnostics/index.js";
import { PACKAGE_ROOT } from "../package-root.js";
import {
  describeSource,
  detectKbSource,
  kbPackageFor,
  kbSourceFromFlag,
  kbTarball,
  type DetectedSource,
  type KbPackage,
} from "../scaffolder/commands/init/kb-package.js";
import type { Io } from "./output.js";
import { kbVersion } from "./version.js";

/** Where a project's kubebuilder-ts comes from, chosen by `--kb-source` or found from how kb was installed. */
export interface ChosenKbPackage {
  readonly detected: DetectedSource;
  readonly kbPackage: KbPackage;
}

/** The kubebuilder-ts a project `kb init` or `kb alpha generate` writes depends on. */
export function chooseKbPackage(io: Io, flag: string | undefined): ChosenKbPackage {
  const detected: DetectedSource = flag
    ? { source: kbSourceFromFlag(flag, io.cwd), why: `--kb-source ${flag}` }
    : detectKbSource(PACKAGE_ROOT, import.meta.url.endsWith(".ts"));
  return { detected, kbPackage: kbPackageFor(detected.source, kbVersion()) };
}

/**
 * Says where the project's kubebuilder-ts comes from, then runs `write` (which writes the
 * project's files and returns the exit code), placing a vendored tarball in `root` first and
 * taking it away again when `write` fails, so that nothing is left half done.
 *
 * @param replace a different tarball already at the vendored path is replaced (`--force`)
 *   instead of refused.
 */
export async function withKbPackage(
  io: Io,
  root: string,
  { detected, kbPackage }: ChosenKbPackage,
  options: { readonly dryRun: boolean; readonly replace: boolean; readonly command: string },
  write: () => Promise<number>,
): Promise<number> {
  if (kbPackage.kind === "registry") io.out(`kubebuilder-ts ^${kbPackage.version}: from the npm registry (${detected.why})\n`);
  else io.out(`kubebuilder-ts ${kbPackage.version}: from ${describeSource(detected.source)}, as ${kbPackage.file} (${detected.why}); commit it with the project\n`);
  if (options.dryRun && kbPackage.kind === "vendored") io.out(`would create ${kbPackage.file}\n`);
  if (options.dryRun || kbPackage.kind === "registry") return write();
  const bytes = kbTarball(detected.source as Exclude<typeof detected.source, { kind: "registry" }>);
  const placed = placeTarball(root, kbPackage, bytes, options);
  let code = 1;
  try {
    code = await write();
    if (code === 0) io.out(placed.how === "kept" ? `kept ${kbPackage.file} (already there)\n` : `${placed.how} ${kbPackage.file}\n`);
    return code;
  } finally {
    if (code !== 0) undoPlaced(root, kbPackage.file, placed);
  }
}

/** What placing the tarball did; `previous` holds the bytes a replaced tarball had, to put back when the command fails. */
type Placed = { readonly how: "created" | "kept" } | { readonly how: "replaced"; readonly previous: Buffer };

/**
 * Puts the tarball in the project (written beside, then renamed: never half a file). Leaves the
 * same bytes in place; refuses a different file unless `replace`.
 */
function placeTarball(root: string, pkg: Extract<KbPackage, { kind: "vendored" }>, bytes: Buffer, options: { readonly replace: boolean; readonly command: string }): Placed {
  const path = join(root, pkg.file);
  let existing: Buffer | undefined;
  try {
    existing = readFileSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.equals(bytes)) return { how: "kept" };
  if (existing !== undefined && !options.replace) {
    throw new KbError("vendor-conflict", `${pkg.file} exists and is not the kubebuilder-ts ${pkg.version} ${options.command} would put there`, {
      hint: `${options.command} overwrites nothing without --force: move it away, or run it where that file is not`,
    });
  }
  mkdirSync(dirname(path), { recursive: true });
  writeAtomically(path, bytes);
  return existing === undefined ? { how: "created" } : { how: "replaced", previous: existing };
}

function writeAtomically(path: string, bytes: Buffer): void {
  const partial = `${path}.${randomBytes(4).toString("hex")}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
}

/** Undoes {@link placeTarball}: removes a created tarball (and its folder when left empty), restores a replaced one. */
function undoPlaced(root: string, file: string, placed: Placed): void {
  const path = join(root, file);
  if (placed.how === "kept") return;
  if (placed.how === "replaced") {
    writeAtomically(path, placed.previous);
    return;
  }
  rmSync(path, { force: true });
  try {
    rmdirSync(dirname(path));
  } catch {
    // not empty, or already gone
  }
}
