// Any flag value reaching the templates: either kb refuses it with an error naming the flag and
// writes nothing, or the project's files hold it only escaped: the TypeScript parses and has
// no statement the value put there, the YAML and JSON parse and hold no part of it as data.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import ts from "typescript";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { differences, fuzzRuns, snapshot } from "../helpers/scaffold-fuzz.js";
import { runKb } from "../helpers/temp-project.js";

/** What an injected payload calls: found as an identifier, the payload became code. */
const MARK = "INJECTED";

/** Pieces that end comments, strings, lines and YAML scalars, and code to run after them. */
const PIECES = ["*/", "/*", "//", '"', "'", "`", "${", "}", "\n", "\r", "\r\n", "\u2028", "\u2029", "#", ": ", "- ", "&a", "*a", "<script>", "-->", "\\", "\u202e", "\0", " ", "Acme", `${MARK}();`, ` console.log("${MARK}"); `, `${MARK}: true`];
const payload = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }).map((p) => p.join(""));
/** Something that ends what the value sits in, code, then something that reopens it. */
const breakout = fc
  .tuple(
    fc.string({ maxLength: 4 }),
    fc.oneof({ arbitrary: fc.constant("*/"), weight: 4 }, fc.constantFrom('"', "'", "`", "\n", "\r", "\u2028", "-->", "\n- ")),
    fc.constantFrom(`${MARK}();`, ` console.log("${MARK}"); `, `${MARK}: true`, `$\{${MARK}()}`),
    fc.constantFrom("/*", "//", '"', "'", "`", ""),
  )
  .map((parts) => parts.join(""));
/** Any text: printable ASCII, any code unit, or an injection payload. */
const anyText = fc.oneof(fc.string(), fc.string({ unit: "binary" }), { arbitrary: payload, weight: 2 }, { arbitrary: breakout, weight: 3 });

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "kb-inject-"));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});
let made = 0;
function freshDir(): string {
  const dir = join(scratch, `d${made++}`, "proj");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Problems with the files of `dir` that show a value was not escaped for where it landed. */
function injectionProblems(dir: string): string[] {
  const problems: string[] = [];
  for (const [path, text] of snapshot(dir)) {
    if (path.endsWith("/")) continue;
    if (/\.(ts|js)$/.test(path)) {
      const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith(".js") ? ts.ScriptKind.JS : ts.ScriptKind.TS);
      const syntax = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
      if (syntax.length > 0) problems.push(`${path}: does not parse: ${ts.flattenDiagnosticMessageText(syntax[0]!.messageText, "\n")}`);
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n) && n.text.includes(MARK)) problems.push(`${path}: injected code ${n.parent.getText(sf).slice(0, 80)}`);
        n.forEachChild(visit);
      };
      visit(sf);
    } else if (/\.ya?ml$/.test(path) || path === "PROJECT") {
      const docs = parseAllDocuments(text);
      const list = Array.isArray(docs) ? docs : [docs];
      for (const d of list) if (d.errors.length > 0) problems.push(`${path}: YAML does not parse: ${d.errors[0]!.message}`);
      if (list.some((d) => JSON.stringify(d.toJS()).includes(MARK))) problems.push(`${path}: a value became YAML data`);
    } else if (path.endsWith(".json")) {
      try {
        if (JSON.stringify(JSON.parse(text)).includes(MARK)) problems.push(`${path}: a value became JSON data`);
      } catch (e) {
        problems.push(`${path}: JSON does not parse: ${(e as Error).message}`);
      }
    } else if (path === "Dockerfile") {
      for (const line of text.split(/\r\n|\r|\n/)) if (line.includes(MARK) && !line.startsWith("#")) problems.push(`Dockerfile: injected instruction ${line}`);
    } else if (path.endsWith(".md")) {
      for (const line of text.split("\n")) if (line.includes(MARK) && /[<>]/.test(line)) problems.push(`${path}: raw HTML ${line}`);
    }
  }
  return problems;
}

describe("kb init with any flag values", () => {
  const flags = fc.record({
    owner: fc.oneof(fc.constant("Acme Ltd"), { arbitrary: anyText, weight: 2 }, { arbitrary: breakout, weight: 3 }),
    domain: fc.oneof({ arbitrary: fc.constantFrom("example.com", "a.b-c.io"), weight: 4 }, anyText),
    projectName: fc.option(fc.oneof({ arbitrary: fc.constant("ships"), weight: 4 }, anyText), { nil: undefined }),
    license: fc.constantFrom("apache2", "none"),
  });
  const outcomes = { refused: 0, written: 0 };
  afterAll(() => console.log(`kb init cases: ${outcomes.refused} refused, ${outcomes.written} written`));

  test.prop([flags], { numRuns: fuzzRuns(12), seed: 424242, examples: [[{ owner: `Evil */ console.log("${MARK}"); /*`, domain: "example.com", projectName: undefined, license: "apache2" }]] })(
    "refuses naming the flag and writes nothing, or writes the values only escaped",
    async ({ owner, domain, projectName, license }) => {
      const dir = freshDir();
      const argv = ["init", `--domain=${domain}`, `--owner=${owner}`, `--license=${license}`, "--skip-install", ...(projectName === undefined ? [] : [`--project-name=${projectName}`])];
      const r = await runKb(dir, ...argv);
      if (r.code !== 0) {
        outcomes.refused++;
        expect(r.code, r.err).toBe(2);
        expect(r.err).toMatch(/^error: (--owner|--domain|--project-name) ".*": expected /s);
        expect(readdirSync(dir)).toEqual([]);
        return;
      }
      outcomes.written++;
      expect(injectionProblems(dir)).toEqual([]);
      if (owner) expect(readFileSync(join(dir, "hack/boilerplate.txt"), "utf8")).toContain(owner);
    },
    120_000,
  );

  it("kb init --owner 'Evil */ console.log(\"INJECTED\"); /*' keeps the owner inside the licence comment", async () => {
    const dir = freshDir();
    const r = await runKb(dir, "init", "--owner", `Evil */ console.log("${MARK}"); /*`, "--skip-install");
    expect(r.code, r.err).toBe(0);
    expect(injectionProblems(dir)).toEqual([]);
    expect(readFileSync(join(dir, "src/main.ts"), "utf8")).toContain(` * Copyright ${new Date().getUTCFullYear()} Evil *\\/ console.log("${MARK}"); /*.\n`);
  });

  it("refuses an owner with a line break or other control character, naming the flag", async () => {
    const dir = freshDir();
    const r = await runKb(dir, "init", "--owner", "Acme\nRUN curl evil", "--skip-install");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--owner "Acme\\nRUN curl evil": expected printable text on one line \(U\+000A at character 5 is not\)/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("kb create api with any flag values", () => {
  let base: string;
  beforeAll(async () => {
    base = freshDir();
    expect((await runKb(base, "init", "--domain", "example.com", "--skip-install")).code).toBe(0);
  }, 120_000);

  const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/);
  const flags = fc.record({
    group: fc.oneof({ arbitrary: fc.constantFrom("batch", "apps"), weight: 6 }, word, anyText),
    version: fc.oneof({ arbitrary: fc.constantFrom("v1", "v1beta1", "v2alpha3"), weight: 6 }, anyText),
    kind: fc.oneof({ arbitrary: fc.constantFrom("CronJob", "Delete", "New", "Client", "Function", "Interface"), weight: 4 }, { arbitrary: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/), weight: 2 }, anyText),
    plural: fc.option(fc.oneof({ arbitrary: fc.constant("crons"), weight: 3 }, anyText), { nil: undefined, freq: 2 }),
    externalApiDomain: fc.option(fc.oneof({ arbitrary: fc.constant("other.io"), weight: 3 }, anyText), { nil: undefined, freq: 2 }),
    resource: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
    controller: fc.boolean(),
    namespaced: fc.boolean(),
  });
  const outcomes = { refused: 0, written: 0 };
  afterAll(() => console.log(`kb create api cases: ${outcomes.refused} refused, ${outcomes.written} written`));

  test.prop([flags], { numRuns: fuzzRuns(10), seed: 99 })(
    "refuses (naming the flag, or what conflicts) and writes nothing, or scaffolds and generates code that holds the values only escaped",
    async (f) => {
      const dir = freshDir();
      cpSync(base, dir, { recursive: true });
      const before = snapshot(dir);
      const argv = [
        "create",
        "api",
        `--group=${f.group}`,
        `--version=${f.version}`,
        `--kind=${f.kind}`,
        `--resource=${f.resource}`,
        `--controller=${f.controller}`,
        `--namespaced=${f.namespaced}`,
        ...(f.plural === undefined ? [] : [`--plural=${f.plural}`]),
        ...(f.externalApiDomain === undefined ? [] : [`--external-api-domain=${f.externalApiDomain}`]),
      ];
      const r = await runKb(dir, ...argv);
      if (r.code !== 0) {
        outcomes.refused++;
        expect(r.code, r.err).toBe(2);
        expect(r.err).not.toContain("kb generate failed");
        expect(r.err).toMatch(/^error: ((--group|--version|--kind|--plural|--external-api-domain) ".*": expected |nothing to do|.* is not a Kubernetes group nor an API of this project|--external-api-path, --external-api-domain and --external-api-module describe a kind of another project: they need --resource=false)/s);
        expect(differences(snapshot(dir), before)).toEqual([]);
        return;
      }
      outcomes.written++;
      expect(injectionProblems(dir)).toEqual([]);
    },
    240_000,
  );
});

describe("a PROJECT edited by hand", () => {
  let base: string;
  beforeAll(async () => {
    base = freshDir();
    expect((await runKb(base, "init", "--domain", "example.com", "--skip-install")).code).toBe(0);
    expect((await runKb(base, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob")).code).toBe(0);
  }, 120_000);

  const edit = fc.record({
    key: fc.constantFrom("domain", "projectName", "group", "version", "kind", "plural", "path"),
    value: anyText,
  });

  const outcomes = { refused: 0, written: 0 };
  afterAll(() => console.log(`edited PROJECT cases: ${outcomes.refused} refused, ${outcomes.written} written`));

  test.prop([edit], { numRuns: fuzzRuns(15), seed: 5 })(
    "is refused with an error located in PROJECT, or its values reach the files only escaped",
    async ({ key, value }) => {
      const dir = freshDir();
      cpSync(base, dir, { recursive: true });
      const project = readFileSync(join(dir, "PROJECT"), "utf8");
      const line = new RegExp(`^(\\s*-?\\s*${key}:).*$`, "m");
      const edited = line.test(project) ? project.replace(line, (_, k: string) => `${k} ${JSON.stringify(value)}`) : project.replace(/^(\s*)kind: CronJob$/m, (_, s: string) => `${s}kind: CronJob\n${s}${key}: ${JSON.stringify(value)}`);
      writeFileSync(join(dir, "PROJECT"), edited);
      const before = snapshot(dir);
      const r = await runKb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
      if (r.code !== 0) {
        outcomes.refused++;
        expect(r.code, r.err).toBe(2);
        // Located in PROJECT; or a value that is fine but conflicts (another group without multigroup).
        expect(r.err).toMatch(/^error: (.*PROJECT:\d+:\d+: |this project holds the group )/);
        expect(differences(snapshot(dir), before)).toEqual([]);
        return;
      }
      outcomes.written++;
      expect(injectionProblems(dir)).toEqual([]);
    },
    240_000,
  );

  it("an alias bomb is refused with a located error, quickly", async () => {
    const dir = freshDir();
    cpSync(base, dir, { recursive: true });
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? "*a" : `*l${i - 1}`).join(", ")}]`);
    writeFileSync(join(dir, "PROJECT"), `${readFileSync(join(dir, "PROJECT"), "utf8")}${levels.join("\n")}\n`);
    const started = Date.now();
    const r = await runKb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/PROJECT:\d+:\d+: its YAML aliases expand too far/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
