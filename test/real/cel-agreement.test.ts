// kb's CEL checks against a real kube-apiserver: each rule of the corpus (test/real/cel-corpus.ts)
// is checked by kb, as `kb generate` checks the rules of markers, and applied (server-side
// dry run) to the API server in a CRD of its own. The two must agree on every rule, and the
// agreement table (docs/cel-agreement.md, summarised in README.md) is generated here: the test
// fails when the committed one is stale. UPDATE_GOLDEN=1 with KUBEBUILDER_ASSETS rewrites them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiagnosticList } from "../../src/diagnostics/index.js";
import { checkSchemaRules } from "../../src/generator/crd/cel/index.js";
import { startTestEnv, type TestEnv } from "../../src/testing/env/start-test-env.js";
import { UPDATE_GOLDEN } from "../helpers/golden.js";
import { realAssets, skipReal } from "../helpers/real-kubernetes.js";
import { CORPUS, corpusCrd, schemaWith, type CorpusRule, type RuleClass } from "./cel-corpus.js";
import { RealApi, serverMessage } from "./real-api.js";

const ROOT = join(import.meta.dirname, "../..");
const DOC = join(ROOT, "docs/cel-agreement.md");
const README = join(ROOT, "README.md");
const SERVER_VERSION = "1.36.3";
const CLASSES: readonly RuleClass[] = ["valid", "unknown field or name", "type error", "over cost budget"];
const LOCATION = { file: "corpus.ts", line: 1, column: 1 } as const;

interface Verdict {
  readonly rejects: boolean;
  /** A short reason, as the table shows it. */
  readonly detail: string;
}

/** What kb says of a corpus rule: rejected when it reports an error (warnings do not reject). */
function kbVerdict(entry: CorpusRule): Verdict {
  const diagnostics = new DiagnosticList();
  checkSchemaRules(schemaWith(entry), "C v1", LOCATION, diagnostics);
  const [error] = diagnostics.errors();
  if (error) return { rejects: true, detail: `${error.code}: ${shortKb(error.message)}` };
  const warnings = [...new Set(diagnostics.warnings().map((w) => w.code))];
  return { rejects: false, detail: warnings.length > 0 ? `accepted (warning ${warnings.join(", ")})` : "accepted" };
}

/** A kb message without the quoted rule it starts with, positions and explanations in parentheses. */
function shortKb(message: string): string {
  return message
    .replace(/^(messageExpression "(?:[^"\\]|\\.)*" of )?XValidation rule "(?:[^"\\]|\\.)*": /, (_, m: string | undefined) => (m ? "messageExpression: " : ""))
    .replace(/^the CEL rules of C v1 together /, "the CRD's rules together ")
    .replace(/ \(at (?:line \d+, )?column \d+\)/g, "")
    .replace(/ \((?:the most copies|the maxItems)[^()]*\)/g, "")
    .replace(/, and (?:it )?rejects the CRD$/, "");
}

/** The reason in the API server's answer, without the field paths and the rule echoed back. */
function shortServer(message: string): string {
  const text = message.replace(/selfType\d+/g, "selfType");
  const compile = /(messageExpression )?compilation failed: ERROR: <input>:\d+:\d+: ([^\n]+)/.exec(text);
  if (compile) return `${compile[1] ?? ""}compilation failed: ${compile[2]}`;
  const result = /(cel expression must evaluate to a bool|messageExpression must evaluate to a string)/.exec(text);
  if (result) return result[1]!;
  const rule = /(estimated (?:rule|messageExpression) cost exceeds budget by factor of (?:more than 100x|[\d.]+x))/.exec(text);
  if (rule) return rule[1]!;
  const total = /(estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of (?:more than 100x|[\d.]+x))/.exec(text);
  if (total) return total[1]!;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

const expectedRejects = (entry: CorpusRule): boolean => entry.class !== "valid";

/** How a rule is shown: the rule, its messageExpression, its place and any rules beside it. */
function ruleCell(entry: CorpusRule): string {
  let text = `\`${entry.rule}\``;
  if (entry.messageExpression !== undefined) text += ` with messageExpression \`${entry.messageExpression}\``;
  if (entry.rules && entry.rules.length > 0) text += ` and ${entry.rules.length} more like it`;
  if (entry.at && entry.at !== "spec") text += ` on \`${entry.at}\``;
  return escapeCell(text);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function verdictCell(v: Verdict): string {
  return escapeCell(v.rejects ? `**rejected** — ${v.detail}` : v.detail);
}

interface Row {
  readonly n: number;
  readonly entry: CorpusRule;
  readonly kb: Verdict;
  readonly server: Verdict;
}

const agrees = (r: Row): boolean => r.kb.rejects === r.server.rejects;

function agreeCell(r: Row): string {
  if (agrees(r)) return "yes";
  return escapeCell(`**no**${r.entry.knownDisagreement ? ` — ${r.entry.knownDisagreement}` : ""}`);
}

function renderDoc(rows: readonly Row[]): string {
  const agreeing = rows.filter(agrees).length;
  const lines = [
    "# kb's CEL checks against a real API server",
    "",
    "<!-- Generated by test/real/cel-agreement.test.ts: KUBEBUILDER_ASSETS=... UPDATE_GOLDEN=1 npx vitest run test/real/cel-agreement.test.ts -->",
    "",
    `Each rule below is placed, alone, on \`spec\` (or where it says) of a CRD whose schema is in`,
    "`test/real/cel-corpus.ts`, with bounded and unbounded strings, lists and maps. kb checks it as",
    "`kb generate` checks the rule of an `+kubebuilder:validation:XValidation` marker: it compiles the",
    "rule against the schema (fields, types, functions, literals), then estimates its cost as the API",
    "server does and compares it with the budgets (10 million per rule, times the times it may run;",
    `100 million for all the rules of a CRD version). The CRD is then applied to kube-apiserver`,
    `${SERVER_VERSION} with a server-side dry run. kb rejects a rule when it reports an error; a warning`,
    "(such as `cel-cost`: an unbounded list or string is iterated) does not reject.",
    "",
    `**They agree on ${agreeing} of ${rows.length} rules.**${disagreementNote(rows)}`,
    "",
    `| # | class | rule | kb | kube-apiserver ${SERVER_VERSION} | agree |`,
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.n} | ${r.entry.class} | ${ruleCell(r.entry)} | ${verdictCell(r.kb)} | ${verdictCell(r.server)} | ${agreeCell(r)} |`),
    "",
  ];
  return lines.join("\n");
}

function disagreementNote(rows: readonly Row[]): string {
  const known = rows.filter((r) => !agrees(r) && r.entry.knownDisagreement).map((r) => `#${r.n}`);
  if (known.length === 0) return "";
  return ` Where they differ (${known.join(", ")}), it is on purpose; the last column says why.`;
}

const README_START = "<!-- cel-agreement:start (generated by test/real/cel-agreement.test.ts) -->";
const README_END = "<!-- cel-agreement:end -->";

function renderReadmeBlock(rows: readonly Row[]): string {
  const agreeing = rows.filter(agrees).length;
  const lines = [
    README_START,
    `CEL checks against the real API server: **${agreeing} of ${rows.length} rules agree.** Each rule of a`,
    `corpus is checked by kb (compilation, then the API server's cost estimate and budgets) and`,
    `applied to kube-apiserver ${SERVER_VERSION}; the table per rule, with the reason for each`,
    "disagreement, is in [docs/cel-agreement.md](docs/cel-agreement.md).",
    "",
    "| class | rules | kb rejects | API server rejects | agree |",
    "|---|---|---|---|---|",
    ...CLASSES.map((c) => {
      const of = rows.filter((r) => r.entry.class === c);
      return `| ${c} | ${of.length} | ${of.filter((r) => r.kb.rejects).length} | ${of.filter((r) => r.server.rejects).length} | ${of.filter(agrees).length} |`;
    }),
    README_END,
  ];
  return lines.join("\n");
}

function readmeBlock(readme: string): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  return start < 0 || end < start ? undefined : readme.slice(start, end + README_END.length);
}

/** The API server's verdicts as the committed table records them, by row number. */
function committedServerVerdicts(doc: string): Map<number, Verdict> {
  const out = new Map<number, Verdict>();
  for (const line of doc.split("\n")) {
    if (!/^\| \d+ \|/.test(line)) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const n = Number(cells[1]);
    const server = cells[5] ?? "";
    const rejected = server.startsWith("**rejected** — ");
    out.set(n, { rejects: rejected, detail: (rejected ? server.slice("**rejected** — ".length) : server).replace(/\\\|/g, "|") });
  }
  return out;
}

const KB = CORPUS.map((entry) => kbVerdict(entry));

describe("kb's verdicts on the CEL corpus", () => {
  it("has rules of each class", () => {
    for (const c of CLASSES) expect(CORPUS.filter((e) => e.class === c).length, c).toBeGreaterThanOrEqual(8);
  });

  CORPUS.forEach((entry, i) => {
    it(`#${i + 1} ${entry.class}: ${entry.rule}`, () => {
      // A known disagreement must still be one: when kb comes to agree, drop the note.
      const expected = entry.knownDisagreement ? !expectedRejects(entry) : expectedRejects(entry);
      expect(KB[i]!.rejects, KB[i]!.detail).toBe(expected);
    });
  });

  it("match the committed agreement table and README summary (without KUBEBUILDER_ASSETS, the API server's column as committed)", () => {
    if ("directory" in realAssets()) return; // the real suite below checks and rewrites them
    const doc = readFileSync(DOC, "utf8");
    const server = committedServerVerdicts(doc);
    const rows = CORPUS.map((entry, i): Row => ({ n: i + 1, entry, kb: KB[i]!, server: server.get(i + 1) ?? { rejects: !expectedRejects(entry), detail: "(not in the committed table)" } }));
    expect(doc, "docs/cel-agreement.md is stale: run the real suite with UPDATE_GOLDEN=1").toBe(renderDoc(rows));
    expect(readmeBlock(readFileSync(README, "utf8")), "README.md's CEL agreement block is stale").toBe(renderReadmeBlock(rows));
  });
});

describe.skipIf(skipReal("kb's CEL checks against a real API server"))("kb's CEL checks against a real API server", () => {
  let env: TestEnv;
  let api: RealApi;
  const server = new Map<number, Verdict>();

  beforeAll(async () => {
    const found = realAssets();
    if (!("directory" in found)) throw new Error(found.skip);
    env = await startTestEnv({ binaryAssetsDirectory: found.directory });
    api = new RealApi(env.kubeConfig);
  }, 120_000);

  afterAll(async () => {
    api?.close();
    await env?.stop();
  });

  CORPUS.forEach((entry, i) => {
    it(`#${i + 1} ${entry.class}: ${entry.rule}`, { timeout: 120_000 }, async () => {
      let verdict: Verdict;
      try {
        await api.applyCrd(corpusCrd(entry) as never, { dryRun: true });
        verdict = { rejects: false, detail: "accepted" };
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 422) throw e;
        verdict = { rejects: true, detail: shortServer(serverMessage(e)) };
      }
      server.set(i + 1, verdict);
      expect(verdict.rejects, `the API server: ${verdict.detail}`).toBe(expectedRejects(entry));
      const expected = entry.knownDisagreement ? !verdict.rejects : verdict.rejects;
      expect(KB[i]!.rejects, `kb: ${KB[i]!.detail}; the API server: ${verdict.detail}`).toBe(expected);
    });
  });

  it("the committed agreement table and README summary are up to date", () => {
    expect(server.size, "every rule was applied").toBe(CORPUS.length);
    const rows = CORPUS.map((entry, i): Row => ({ n: i + 1, entry, kb: KB[i]!, server: server.get(i + 1)! }));
    const doc = renderDoc(rows);
    const readme = readFileSync(README, "utf8");
    const block = renderReadmeBlock(rows);
    if (UPDATE_GOLDEN) {
      writeFileSync(DOC, doc);
      const current = readmeBlock(readme);
      if (current === undefined) throw new Error(`README.md has no ${README_START} ... ${README_END} block to fill`);
      writeFileSync(README, readme.replace(current, block));
      return;
    }
    expect(readFileSync(DOC, "utf8"), "docs/cel-agreement.md is stale: rerun with UPDATE_GOLDEN=1").toBe(doc);
    expect(readmeBlock(readme), "README.md's CEL agreement block is stale: rerun with UPDATE_GOLDEN=1").toBe(block);
  });
});
