import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { expect } from "vitest";

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
