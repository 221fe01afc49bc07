import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";

/** Whether this run rewrites golden files (`UPDATE_GOLDEN=1 npm test`). */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  try {
    if (statSync(dir).isDirectory()) walk(dir);
  } catch {
    return [];
  }
  return out.sort();
}

/** Every file under `dir` ({@link listFiles}) with its content, for comparing a whole tree. */
export function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((p) => [p, readFileSync(join(dir, p), "utf8")]));
}

/**
 * Compares `actual` (relative path → content) with the files under `expectedDir`, or, with
 * UPDATE_GOLDEN=1, replaces them. Extra and missing files fail as well as differences.
 */
export function expectGolden(expectedDir: string, actual: ReadonlyMap<string, string>): void {
  if (UPDATE_GOLDEN) {
    rmSync(expectedDir, { recursive: true, force: true });
    for (const [path, content] of actual) {
      const full = join(expectedDir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    return;
  }
  const expectedFiles = listFiles(expectedDir);
  expect([...actual.keys()].sort(), `files under ${expectedDir}`).toEqual(expectedFiles);
  for (const path of expectedFiles) {
    const expected = readFileSync(join(expectedDir, path), "utf8");
    expect(actual.get(path), `${join(expectedDir, path)} (UPDATE_GOLDEN=1 npm test rewrites it; read the diff first)`).toBe(expected);
  }
}

/** The cases of a golden folder: its subfolders, sorted. */
export function goldenCases(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** The kb command lines of a case's commands.txt (`#` comments and blank lines skipped), split as a shell splits simple quoted words. */
export function readCommands(file: string): string[][] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.trimStart().startsWith("#"))
    .map((l) => [...l.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));
}

/** Pins SOURCE_DATE_EPOCH (the year in licence headers) to 2026-01-01 for the tests of the calling file. */
export function pinSourceDateEpoch(): void {
  let epoch: string | undefined;
  beforeAll(() => {
    epoch = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2026, 0, 1) / 1000);
  });
  afterAll(() => {
    if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = epoch;
  });
}
