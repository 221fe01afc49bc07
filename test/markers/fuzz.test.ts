import { describe, expect, it } from "vitest";
import { ALL_MARKERS, createMarkerRegistry } from "../../src/markers/definitions/index.js";
import { parseMarker, type MarkerTarget } from "../../src/markers/index.js";
import { seededRandom } from "../helpers/seeded-random.js";


const ALPHABET = ['"', "`", "'", "{", "}", ";", ",", ":", "=", " ", "\\", "-", "1", "0.5", "a", "true", "[", "]", "x:y", "\u00e9", "\t"];
const TARGETS: MarkerTarget[] = ["package", "type", "field", "file"];

function sampleLine(next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const def = pick(ALL_MARKERS);
  const args =
    def.shape.kind === "args"
      ? def.shape.args.map((a) => `${a.name}=${pick(["x", "1", '"q"', "{a,b}", "a;b", "true"])}`).join(",")
      : "v";
  let line = `${def.name}${def.shape.kind === "flag" ? "" : def.shape.kind === "args" ? `:${args}` : `=${args}`}`;
  const mutations = Math.floor(next() * 6);
  for (let i = 0; i < mutations; i++) {
    const pos = Math.floor(next() * (line.length + 1));
    const op = next();
    if (op < 0.4) line = line.slice(0, pos) + pick(ALPHABET) + line.slice(pos);
    else if (op < 0.7) line = line.slice(0, pos) + line.slice(pos + 1 + Math.floor(next() * 4));
    else line = line.slice(0, pos) + line.slice(pos).split("").reverse().join("");
  }
  return line;
}

describe("marker parser fuzzing", () => {
  it("never throws and never hangs on random and mutated marker lines", () => {
    const registry = createMarkerRegistry();
    const next = seededRandom(20261126);
    const started = Date.now();
    let errors = 0;
    for (let i = 0; i < 10_000; i++) {
      const text = next() < 0.1 ? Array.from({ length: 1 + Math.floor(next() * 40) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join("") : sampleLine(next);
      const target = TARGETS[Math.floor(next() * TARGETS.length)]!;
      const location = { file: "fuzz.ts", line: i + 1, column: 3 };
      let outcome;
      try {
        outcome = parseMarker(text, location, target, registry);
      } catch (e) {
        throw new Error(`parseMarker threw on ${JSON.stringify(text)} (${target}): ${(e as Error).stack}`);
      }
      if (outcome.kind === "error") {
        errors++;
        expect(outcome.diagnostic.location?.file).toBe("fuzz.ts");
        expect(outcome.diagnostic.location?.line).toBe(i + 1);
        expect(outcome.diagnostic.location!.column).toBeGreaterThanOrEqual(3);
        expect(outcome.diagnostic.message.length).toBeGreaterThan(0);
      }
    }
    expect(errors).toBeGreaterThan(500);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
