import { execFile, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { KUBERNETES_TYPES } from "../../src/generator/crd/builtin/index.js";
import { listFiles } from "../helpers/golden.js";
import { diffData, parseManifests } from "./compare.js";
import { DIFFERENCES, REJECTED, type Mode } from "./differences.js";
import { noteSkipped } from "../helpers/real-kubernetes.js";

/**
 * controller-gen as an oracle. fixtures/oracle/go is a Go module of API types, RBAC and
 * webhook markers, one package tree per case; fixtures/oracle/ts/<case> is each case's
 * TypeScript port, laid out as kb expects (api/<version>/, src/). controller-gen v0.21.0
 * (`node scripts/envtest-assets.mjs --only controller-gen`) runs once over the module, kb
 * generate once per port, and each case's manifests are compared as data, document by
 * document. Every deliberate or known difference is applied from ./differences.ts, and
 * described in docs/controller-gen-differences.md.
 *
 * The cases that embed Kubernetes types run a second time through `kb generate
 * --embedded-openapi` with Kubernetes' own OpenAPI v3 documents of the version of kb's table
 * (api/openapi-spec/v3 of k8s.io/kubernetes in the go command's module cache, read where
 * they are, never copied into the repository): the differences of descriptions that mode
 * removes are scoped to the default mode, so they cannot hide anything there.
 *
 * The cases with an ObjectMeta other than a kind's own (a template's, a field of type
 * ObjectMeta) run a third time: controller-gen with `crd:generateEmbeddedObjectMeta=true`
 * against `kb generate --generate-embedded-object-meta` (the `embedded-object-meta` mode).
 *
 * Needs controller-gen (`$CONTROLLER_GEN`, or `$KUBEBUILDER_ASSETS/controller-gen`) and the
 * go command (Go modules come from the module proxy); skipped without them.
 */

const ORACLE = join(import.meta.dirname, "../../fixtures/oracle");
const GO_MODULE = join(ORACLE, "go");
const TS_CASES = join(ORACLE, "ts");
const DOC = join(import.meta.dirname, "../../docs/controller-gen-differences.md");

/** Every CRD of the corpus is in a group `<case>.oracle.example.com` or `<name>.<case>.oracle.example.com`. */
const GROUP_SUFFIX = ".oracle.example.com";
/** The cases that hold the RBAC and webhook markers (controller-gen writes one file of each for all). */
const SINGLE_FILE_OUTPUTS: Readonly<Record<string, string>> = { "rbac/role.yaml": "rbac", "webhook/manifests.yaml": "webhook" };
/** The difference every CRD shows, which leaves the rest byte for byte comparable. */
const VERSION_STAMP = "version-annotation";

const CASES = readdirSync(TS_CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** The cases run again with `--embedded-openapi`: those that embed Kubernetes types. */
const EMBEDDED_OPENAPI_CASES = ["builtin-lists", "builtin-refs", "builtin-templates"] as const;

/** The cases run again with controller-gen's `generateEmbeddedObjectMeta` and kb's flag for it. */
const EMBEDDED_OBJECT_META_CASES = ["builtin-lists", "builtin-templates", "embedded-object-meta"] as const;

/** controller-gen, or why the comparison cannot run here. */
function locateControllerGen(): { bin: string; goflags: string } | { skip: string } {
  const assets = process.env.KUBEBUILDER_ASSETS;
  const bin = process.env.CONTROLLER_GEN || (assets ? join(assets, "controller-gen") : undefined);
  const build = "build it with `node scripts/envtest-assets.mjs --only controller-gen` and set KUBEBUILDER_ASSETS to the folder it prints";
  if (!bin) return { skip: `neither CONTROLLER_GEN nor KUBEBUILDER_ASSETS is set (${build})` };
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return { skip: `${bin} is not an executable file (${build})` };
  }
  const go = spawnSync("go", ["env", "GOFLAGS"], { encoding: "utf8" });
  if (go.error || go.status !== 0) return { skip: "the go command is missing, and controller-gen needs it to load Go packages" };
  // Go modules resolve through the module proxy (-mod=mod), whatever else GOFLAGS says.
  const goflags = [
    ...go.stdout
      .trim()
      .split(/\s+/)
      .filter((f) => f !== "" && !f.startsWith("-mod=")),
    "-mod=mod",
  ].join(" ");
  return { bin, goflags };
}

/**
 * Kubernetes' OpenAPI v3 documents of the version of kb's table of facts, from the go
 * command's module cache (`go mod download k8s.io/kubernetes@v<version>` puts them there;
 * `npm run embedded-types` does), or why they are not at hand.
 */
function locateOpenApiDocuments(): { dir: string } | { skip: string } {
  const version = KUBERNETES_TYPES.kubernetes;
  const fetch = `fetch them with \`go mod download k8s.io/kubernetes@v${version}\` (or \`npm run embedded-types -- --kubernetes ${version} --check\`)`;
  const go = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" });
  if (go.error || go.status !== 0) return { skip: `the go command is missing, so the module cache with Kubernetes ${version}'s OpenAPI documents cannot be found` };
  const dir = join(go.stdout.trim(), `k8s.io/kubernetes@v${version}`, "api/openapi-spec/v3");
  try {
    accessSync(dir, constants.R_OK);
  } catch {
    return { skip: `Kubernetes ${version}'s OpenAPI v3 documents are not in the go module cache (${dir}); ${fetch}` };
  }
  return { dir };
}

const located = locateControllerGen();
const skipReason = "skip" in located ? located.skip : undefined;
// Noted for the run's closing summary of skipped real-Kubernetes suites, like the others.
if (skipReason) noteSkipped("controller-gen as an oracle", skipReason);
const documents = skipReason ? undefined : locateOpenApiDocuments();
const openApiSkip = documents && "skip" in documents ? documents.skip : undefined;
if (openApiSkip) noteSkipped("controller-gen as an oracle, with --embedded-openapi", openApiSkip);

/** Output files by path relative to the output root: crd/..., rbac/role.yaml, webhook/manifests.yaml. */
type Files = Map<string, string>;

function readOutputs(root: string): Files {
  return new Map(listFiles(root).map((f) => [f, readFileSync(join(root, f), "utf8")]));
}

/**
 * Runs controller-gen over `cases` of the Go module copied to `module`, writing under `out`;
 * `crdOptions` are added to the crd generator's (`generateEmbeddedObjectMeta=true`).
 */
function runControllerGen(
  { bin, goflags }: { bin: string; goflags: string },
  module: string,
  cases: readonly string[],
  out: string,
  crdOptions: readonly string[] = [],
): Promise<{ files: Files; stderr: string; ok: boolean }> {
  const args = [
    // TypeScript's number is a float64 in Go, which controller-gen only maps with this option.
    ["crd:allowDangerousTypes=true", ...crdOptions].join(","),
    "rbac:roleName=manager-role",
    "webhook",
    `paths=${cases.map((c) => `./${c}/...`).join(";")}`,
    `output:crd:dir=${join(out, "crd")}`,
    `output:rbac:dir=${join(out, "rbac")}`,
    `output:webhook:dir=${join(out, "webhook")}`,
  ];
  const env = { ...process.env, GOFLAGS: goflags, GOWORK: "off" };
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: module, env, maxBuffer: 64 << 20, timeout: 540_000 }, (error, _stdout, stderr) => {
      resolve({ files: readOutputs(out), stderr, ok: !error });
    });
  });
}

/** Runs `kb generate` in a case's directory (its api/ and src/), writing under `out`. */
async function runKb(caseDir: string, out: string, extra: readonly string[] = []): Promise<{ code: number; err: string; files: Files }> {
  let err = "";
  const io = { cwd: caseDir, out: () => {}, err: (t: string) => void (err += t) };
  const code = await main(
    ["generate", "--crd-dir", join(out, "crd"), "--rbac-dir", join(out, "rbac"), "--webhook-dir", join(out, "webhook"), ...extra],
    io,
  );
  return { code, err, files: readOutputs(out) };
}

/** The case a controller-gen output file belongs to. */
function caseOf(file: string): string | undefined {
  if (file in SINGLE_FILE_OUTPUTS) return SINGLE_FILE_OUTPUTS[file];
  const m = /^crd\/(.+)_[^_]+\.yaml$/.exec(file);
  if (!m || !m[1]!.endsWith(GROUP_SUFFIX)) return undefined;
  return m[1]!.slice(0, -GROUP_SUFFIX.length).split(".").at(-1);
}

/** A manifest without the line of either tool's version annotation. */
function withoutVersionStamp(text: string): string {
  return text.replace(/^ {4}(controller-gen\.kubebuilder\.io|kubebuilder-ts\.io)\/version: .*\n/m, "");
}

/** How often each difference changed a document, over the cases run. */
const applied = new Map<string, number>(DIFFERENCES.map((d) => [d.id, 0]));
/** Cases run, and documents and files compared, per mode. */
const tallies: Record<Mode, { cases: number; documents: number; equal: number; files: number; identical: number }> = {
  default: { cases: 0, documents: 0, equal: 0, files: 0, identical: 0 },
  "embedded-openapi": { cases: 0, documents: 0, equal: 0, files: 0, identical: 0 },
  "embedded-object-meta": { cases: 0, documents: 0, equal: 0, files: 0, identical: 0 },
};
const tally = tallies.default;

/** Whether a difference applies to a case run in a mode. */
const appliesTo = (d: (typeof DIFFERENCES)[number], caseName: string, mode: Mode) =>
  (!d.cases || d.cases.includes(caseName)) && (!d.modes || d.modes.includes(mode));

/**
 * Applies the differences of the table to deep copies of the two documents of one file;
 * returns them and the ids of the differences that changed something.
 */
function normalize(cgDoc: unknown, kbDoc: unknown, caseName: string, file: string, mode: Mode): { cg: unknown; kb: unknown; used: string[] } {
  const cg = structuredClone(cgDoc);
  const kb = structuredClone(kbDoc);
  const used: string[] = [];
  for (const d of DIFFERENCES) {
    if (!d.normalize || !appliesTo(d, caseName, mode)) continue;
    const n = d.normalize(cg, kb, { caseName, file, mode });
    if (n > 0) used.push(d.id);
    applied.set(d.id, applied.get(d.id)! + n);
  }
  return { cg, kb, used };
}

/**
 * Compares the files of one case as the two tools wrote them, document by document, with the
 * differences of the mode applied; returns the problems left, one line each.
 */
function compareFiles(name: string, cgFiles: readonly string[], cgOutputs: Files, kbOutputs: Files, mode: Mode): string[] {
  const tally = tallies[mode];
  const problems: string[] = [];
  for (const file of cgFiles) {
    const cgText = cgOutputs.get(file)!;
    const kbText = kbOutputs.get(file)!;
    const cgDocs = parseManifests(cgText, `controller-gen ${file}`);
    const kbDocs = parseManifests(kbText, `kb ${file}`);
    if (cgDocs.length !== kbDocs.length) {
      problems.push(`${file}: controller-gen wrote ${cgDocs.length} documents, kb ${kbDocs.length}`);
      continue;
    }
    let equal = true;
    let onlyStamps = true;
    cgDocs.forEach((cgDoc, i) => {
      const { cg, kb: kbDoc, used } = normalize(cgDoc, kbDocs[i], name, file, mode);
      const diff = diffData(cg, kbDoc);
      tally.documents++;
      if (diff.length === 0) tally.equal++;
      else problems.push(`${file}, document ${i + 1}:`, ...diff.map((d) => `  ${d}`));
      equal &&= diff.length === 0;
      onlyStamps &&= used.every((id) => id === VERSION_STAMP);
    });
    // Where the data agree but for the version stamps, so do the bytes: kb writes YAML
    // as controller-gen's go-yaml does (key order, quoting, folding, block scalars).
    tally.files++;
    let [a, b] = [withoutVersionStamp(cgText), withoutVersionStamp(kbText)];
    for (const d of DIFFERENCES) {
      if (!d.normalizeText || !appliesTo(d, name, mode)) continue;
      const text = d.normalizeText(a, b, { caseName: name, file, mode });
      [a, b] = [text.cg, text.kb];
      applied.set(d.id, applied.get(d.id)! + text.changes);
    }
    if (a === b) tally.identical++;
    else if (equal && onlyStamps)
      problems.push(
        `${file}: equal as data, but not byte for byte:`,
        createTwoFilesPatch("controller-gen", "kb", a, b, "", "", { context: 1 }),
      );
  }
  return problems;
}

describe.skipIf(skipReason !== undefined)("controller-gen as an oracle", () => {
  let work: string;
  let accepted: Awaited<ReturnType<typeof runControllerGen>>;
  let rejected: Awaited<ReturnType<typeof runControllerGen>>;
  let embeddedObjectMeta: Awaited<ReturnType<typeof runControllerGen>>;
  const rejectedBy = (c: string, side: "controller-gen" | "kb") => REJECTED[c]?.by === side || REJECTED[c]?.by === "both";
  const acceptedCases = CASES.filter((c) => !rejectedBy(c, "controller-gen"));
  const rejectedCases = CASES.filter((c) => rejectedBy(c, "controller-gen"));

  beforeAll(async () => {
    const tool = located as { bin: string; goflags: string };
    work = mkdtempSync(join(tmpdir(), "kb-oracle-"));
    // A copy, so that nothing the go command does (go.sum, GOFLAGS=-mod=mod) touches the repository.
    const module = join(work, "go");
    cpSync(GO_MODULE, module, { recursive: true });
    // One run for the corpus, which must succeed; one for the cases controller-gen rejects;
    // one with generateEmbeddedObjectMeta for the cases of that mode.
    const none = Promise.resolve({ files: new Map<string, string>(), stderr: "", ok: true });
    [accepted, rejected, embeddedObjectMeta] = await Promise.all([
      runControllerGen(tool, module, acceptedCases, join(work, "accepted")),
      rejectedCases.length > 0 ? runControllerGen(tool, module, rejectedCases, join(work, "rejected")) : none,
      runControllerGen(tool, module, EMBEDDED_OBJECT_META_CASES, join(work, "embedded-object-meta"), ["generateEmbeddedObjectMeta=true"]),
    ]);
    if (!accepted.ok) throw new Error(`controller-gen failed on the corpus:\n${accepted.stderr}`);
    if (!embeddedObjectMeta.ok) throw new Error(`controller-gen failed with generateEmbeddedObjectMeta=true:\n${embeddedObjectMeta.stderr}`);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("has a Go package tree and a TypeScript port for every case", () => {
    const goCases = readdirSync(GO_MODULE, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(goCases).toEqual(CASES);
  });

  for (const name of CASES) {
    it(name, async () => {
      const kb = await runKb(join(TS_CASES, name), join(work, "kb", name));
      const rejection = REJECTED[name];
      const cgErrors = () =>
        rejected.stderr
          .split("\n")
          .filter((l) => l.includes(`/${name}/`))
          .join("\n");
      if (rejection?.by === "both") {
        // An agreement: both refuse the input, each with its own words.
        expect(kb.code, `kb rejects ${name}`).toBe(2);
        for (const message of rejection.messages.kb) expect(kb.err).toMatch(message);
        for (const message of rejection.messages["controller-gen"]) expect(cgErrors(), `controller-gen rejects ${name}`).toMatch(message);
        tally.cases++;
        return;
      }
      if (rejection?.by === "controller-gen") {
        expect(kb.code, `kb accepts ${name}:\n${kb.err}`).toBe(0);
        const errors = cgErrors();
        for (const message of rejection.messages) expect(errors, `controller-gen rejects ${name}`).toMatch(message);
        applied.set(rejection.difference, applied.get(rejection.difference)! + 1);
        tally.cases++;
        return;
      }
      const cgFiles = [...accepted.files.keys()].filter((f) => caseOf(f) === name).sort();
      if (rejection?.by === "kb") {
        expect(kb.code, `kb rejects ${name}`).toBe(2);
        for (const message of rejection.messages) expect(kb.err).toMatch(message);
        expect(cgFiles.length, `controller-gen accepts ${name}`).toBeGreaterThan(0);
        applied.set(rejection.difference, applied.get(rejection.difference)! + 1);
        tally.cases++;
        return;
      }
      // Warnings (a CRD over the client-side apply limit) are kb's own; errors are not.
      expect(kb.code, kb.err).toBe(0);
      expect([...kb.files.keys()].sort(), "kb writes the files controller-gen writes").toEqual(cgFiles);
      const problems = compareFiles(name, cgFiles, accepted.files, kb.files, "default");
      tally.cases++;
      if (problems.length > 0) expect.fail(`kb differs from controller-gen beyond the listed differences:\n${problems.join("\n")}\n`);
    });
  }

  for (const name of EMBEDDED_OPENAPI_CASES) {
    it.skipIf(openApiSkip !== undefined)(`${name} with --embedded-openapi (Kubernetes ${KUBERNETES_TYPES.kubernetes}'s documents)`, async () => {
      const dir = (documents as { dir: string }).dir;
      const kb = await runKb(join(TS_CASES, name), join(work, "kb-openapi", name), ["--embedded-openapi", dir]);
      const cgFiles = [...accepted.files.keys()].filter((f) => caseOf(f) === name).sort();
      expect(kb.code, kb.err).toBe(0);
      expect([...kb.files.keys()].sort(), "kb writes the files controller-gen writes").toEqual(cgFiles);
      const problems = compareFiles(name, cgFiles, accepted.files, kb.files, "embedded-openapi");
      tallies["embedded-openapi"].cases++;
      if (problems.length > 0) expect.fail(`kb --embedded-openapi differs from controller-gen beyond the listed differences:\n${problems.join("\n")}\n`);
    });
  }

  for (const name of EMBEDDED_OBJECT_META_CASES) {
    it(`${name} with --generate-embedded-object-meta (controller-gen's generateEmbeddedObjectMeta=true)`, async () => {
      const kb = await runKb(join(TS_CASES, name), join(work, "kb-object-meta", name), ["--generate-embedded-object-meta"]);
      const cgFiles = [...embeddedObjectMeta.files.keys()].filter((f) => caseOf(f) === name).sort();
      expect(kb.code, kb.err).toBe(0);
      expect(cgFiles.length, `controller-gen writes CRDs for ${name}`).toBeGreaterThan(0);
      expect([...kb.files.keys()].sort(), "kb writes the files controller-gen writes").toEqual(cgFiles);
      // The option changes the schemas: the run would compare nothing new if it did not.
      expect(cgFiles.some((f) => embeddedObjectMeta.files.get(f) !== accepted.files.get(f)), `generateEmbeddedObjectMeta changes ${name}`).toBe(true);
      const problems = compareFiles(name, cgFiles, embeddedObjectMeta.files, kb.files, "embedded-object-meta");
      tallies["embedded-object-meta"].cases++;
      if (problems.length > 0) expect.fail(`kb --generate-embedded-object-meta differs from controller-gen beyond the listed differences:\n${problems.join("\n")}\n`);
    });
  }

  it("attributes every controller-gen output to a case", () => {
    const orphans = [...accepted.files.keys()].filter((f) => !CASES.includes(caseOf(f) ?? ""));
    expect(orphans).toEqual([]);
  });

  it("needs every listed difference, and documents each", () => {
    const doc = readFileSync(DOC, "utf8");
    for (const d of DIFFERENCES) expect(doc, `docs/controller-gen-differences.md has a section {#${d.id}}`).toContain(`{#${d.id}}`);
    if (tally.cases < CASES.length) return; // a filtered run (-t) cannot tell
    if (tallies["embedded-object-meta"].cases < EMBEDDED_OBJECT_META_CASES.length) return;
    const openApiRun = tallies["embedded-openapi"].cases === EMBEDDED_OPENAPI_CASES.length;
    if (openApiSkip === undefined && !openApiRun) return;
    // Without the documents, a difference of that mode alone cannot show.
    const ran = (d: (typeof DIFFERENCES)[number]) => openApiRun || !d.modes || d.modes.includes("default");
    const stale = DIFFERENCES.filter((d) => ran(d) && applied.get(d.id) === 0).map((d) => d.id);
    expect(stale, "differences that no longer show: remove them from differences.ts and the doc").toEqual([]);
    console.info(
      `controller-gen oracle: ${CASES.length} cases; ${tally.equal} of ${tally.documents} documents equal as data ` +
        `with the listed differences applied; ${tally.identical} of ${tally.files} files byte for byte equal with them\n` +
        (openApiRun
          ? `with --embedded-openapi: ${EMBEDDED_OPENAPI_CASES.length} cases; ${tallies["embedded-openapi"].equal} of ${tallies["embedded-openapi"].documents} documents ` +
            `equal as data, ${tallies["embedded-openapi"].identical} of ${tallies["embedded-openapi"].files} files byte for byte\n`
          : "") +
        `with --generate-embedded-object-meta: ${EMBEDDED_OBJECT_META_CASES.length} cases; ${tallies["embedded-object-meta"].equal} of ${tallies["embedded-object-meta"].documents} documents ` +
        `equal as data, ${tallies["embedded-object-meta"].identical} of ${tallies["embedded-object-meta"].files} files byte for byte\n` +
        DIFFERENCES.map((d) => `  ${d.id}: ${applied.get(d.id)}`).join("\n"),
    );
  });
});
