import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ALL_MARKERS, createMarkerRegistry } from "../../src/markers/definitions/index.js";
import { MAX_VALUE_DEPTH } from "../../src/markers/grammar/cursor.js";
import { parseMarker, type MarkerTarget, type MarkerValue, type ParseOutcome } from "../../src/markers/index.js";
import { fuzzParams } from "../helpers/fuzz.js";
import { cpuTimed } from "../helpers/cpu-time.js";

const registry = createMarkerRegistry();
const at = { file: "/p/api/v1/types.ts", line: 9, column: 6 };
const TARGETS: MarkerTarget[] = ["package", "type", "field", "file"];

/** Parses, timing the call; a throw fails the property with the input. */
/** The outcome, and the CPU time it took (not wall-clock time, which a loaded machine stretches). */
function timed(text: string, target: MarkerTarget): { outcome: ParseOutcome; ms: number } {
  const { value: outcome, ms } = cpuTimed(() => parseMarker(text, at, target, registry));
  return { outcome, ms };
}

/** Every outcome is a marker, nothing (another tool's marker) or an error located inside the line. */
function expectWellFormed(text: string, outcome: ParseOutcome): void {
  if (outcome.kind !== "error") return;
  const d = outcome.diagnostic;
  expect(d.severity).toBe("error");
  expect(d.location?.file).toBe(at.file);
  expect(d.location?.line).toBe(at.line);
  expect(d.location!.column).toBeGreaterThanOrEqual(at.column);
  expect(d.location!.column).toBeLessThanOrEqual(at.column + text.length + 1);
  expect(d.message.length).toBeGreaterThan(0);
}

// Marker-shaped text: a known name, then tokens of the grammar in any order and nesting.
const TOKENS = ['"', "`", "'", "{", "}", "[", "]", ";", ",", ":", "=", " ", "\\", "\\x4", "\\u00e9", "-", "1", "0.5", "1e9", "0x1F", "a", "key", "true", "false", "null", "\u00e9", "\t", "\u0000", "\u001b[2J", "\ud800"];
const markerText = fc
  .tuple(fc.constantFrom(...ALL_MARKERS.map((d) => d.name)), fc.constantFrom("", "=", ":", ":=", ":name="), fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }))
  .map(([name, sep, tokens]) => `${name}${sep}${tokens.join("")}`);
const anyText = fc.oneof(fc.string({ maxLength: 200, unit: "grapheme" }), fc.string({ maxLength: 200, unit: "binary" }), markerText);

/** Values the grammar can write, and how to write them (ints, not floats: their text is exact). */
const markerValue: fc.Arbitrary<MarkerValue> = fc.letrec<{ value: MarkerValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.integer({ min: -1e12, max: 1e12 }),
    fc.boolean(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

function write(v: MarkerValue): string {
  if (Array.isArray(v)) return JSON.stringify(v);
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${write(x)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(v);
}

function nested(depth: number, inner = "1"): string {
  return "{a:".repeat(depth) + inner + "}".repeat(depth);
}

describe("marker grammar properties", () => {
  test.prop([anyText, fc.constantFrom(...TARGETS)], fuzzParams(3000))(
    "any line is a marker, another tool's, or an error located in the line, within 250 ms",
    (text, target) => {
      const { outcome, ms } = timed(text, target);
      expectWellFormed(text, outcome);
      expect(ms).toBeLessThan(250);
    },
  );

  test.prop([markerValue], fuzzParams(1000))("an any-typed value reads back as written", (v) => {
    const text = `kubebuilder:default=${write(v)}`;
    const { outcome } = timed(text, "field");
    if (outcome.kind !== "marker") throw new Error(`${text}: ${JSON.stringify(outcome)}`);
    expect(outcome.marker.value).toEqual(v);
  });

  test.prop([fc.integer({ min: 1, max: 4000 }), fc.constantFrom("{a:", "{", "[", "{x,"), fc.constantFrom(...TARGETS)], fuzzParams(200))(
    "deeply nested values are located errors past the depth limit, never a crash, in linear time",
    (depth, open, target) => {
      const close = open === "[" ? "]" : "}";
      const text = `kubebuilder:default=${open.repeat(depth)}1${close.repeat(depth)}`;
      const { outcome, ms } = timed(text, target === "field" ? "field" : target);
      expectWellFormed(text, outcome);
      // ("{x," nests nothing: after a string item, the next "{" is part of a bare string)
      if (target === "field" && open !== "{x," && depth > MAX_VALUE_DEPTH) {
        expect(outcome.kind).toBe("error");
        if (outcome.kind === "error") expect(outcome.diagnostic.message).toContain(`deeper than ${MAX_VALUE_DEPTH} levels`);
      }
      expect(ms).toBeLessThan(250);
    },
  );
});

describe("marker grammar examples", () => {
  it("parses a default nested to the depth limit at once (it took minutes from depth 26)", () => {
    const { outcome, ms } = timed(`kubebuilder:default=${nested(MAX_VALUE_DEPTH)}`, "field");
    expect(outcome.kind).toBe("marker");
    let v = outcome.kind === "marker" ? outcome.marker.value : undefined;
    for (let i = 0; i < MAX_VALUE_DEPTH; i++) v = (v as Record<string, MarkerValue>).a;
    expect(v).toBe(1);
    expect(ms).toBeLessThan(100);
  });

  it("time grows linearly with the length of a value", () => {
    const items = (n: number) => `kubebuilder:default={${Array.from({ length: n }, (_, i) => `k${i}: {a: x${i};y}`).join(", ")}}`;
    // Warm up, then compare 4x the items: linear is ~4x, quadratic would be ~16x. The fastest
    // of three interleaved runs of each, as garbage collection only ever adds time.
    timed(items(2000), "field");
    const runs = [0, 1, 2].map(() => [timed(items(5000), "field").ms, timed(items(20000), "field").ms] as const);
    const small = Math.max(Math.min(...runs.map((r) => r[0])), 1);
    const big = Math.min(...runs.map((r) => r[1]));
    expect(big / small).toBeLessThan(10);
  });

  it("reports a value nested past the limit at the bracket that crosses it", () => {
    const text = `kubebuilder:default=${nested(5000)}`;
    const { outcome } = timed(text, "field");
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toBe(`invalid marker +kubebuilder:default: value nests deeper than ${MAX_VALUE_DEPTH} levels of lists and maps`);
    const offset = "+kubebuilder:default=".length + "{a:".repeat(MAX_VALUE_DEPTH).length;
    expect(outcome.diagnostic.location!.column).toBe(at.column + offset);
  });

  it("unquotes Go escapes in one pass, and rejects bad ones with their column", () => {
    const v = (s: string) => {
      const { outcome } = timed(`kubebuilder:validation:Pattern=${s}`, "field");
      return outcome.kind === "marker" ? outcome.marker.value : outcome;
    };
    expect(v(String.raw`"a\tb\x41\u00e9\U0001F600\101\'\""`)).toBe("a\tbA\u00e9\u{1F600}A'\"");
    expect(v(String.raw`'it\'s'`)).toBe("it's");
    expect(v("`raw\\n`")).toBe("raw\\n");
    const bad = v(String.raw`"ab\q"`) as ParseOutcome;
    expect(bad.kind).toBe("error");
    if (bad.kind === "error") {
      expect(bad.diagnostic.message).toContain("bad escape sequence");
      expect(bad.diagnostic.location!.column).toBe(at.column + "+kubebuilder:validation:Pattern=".length + 3);
    }
    // a long run of backslashes (the old unquoting regex back-tracked over it)
    const { ms } = timed(`kubebuilder:validation:Pattern="${"\\\\".repeat(50_000)}"`, "field");
    expect(ms).toBeLessThan(250);
  });
});
