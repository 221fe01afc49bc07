import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticList, formatDiagnostic } from "../../src/diagnostics/index.js";
import { loadApi } from "../../src/loader/index.js";
import { MAX_SOURCE_NESTING } from "../../src/loader/nesting.js";
import { describeFsError } from "../../src/loader/source-text.js";
import { MAX_TYPE_DEPTH } from "../../src/loader/type-reader.js";
import { createMarkerRegistry } from "../../src/markers/definitions/index.js";
import { writeSourceTree } from "../helpers/source-tree.js";

const GV = "// +groupName=test.example.com\nexport {};\n";
const KIND = "// +kubebuilder:object:root=true\nexport interface Foo {\n  spec?: ";

/** Loads `files` (text or bytes) plus `extra` set-up; the diagnostics as printed, paths relative. */
function problems(files: Record<string, string | Uint8Array>, extra?: (dir: string) => void, paths?: string[]): { kinds: string[]; printed: string[] } {
  const dir = writeSourceTree({ "api/v1/groupversion-info.ts": GV });
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  extra?.(dir);
  const diagnostics = new DiagnosticList();
  const model = loadApi((paths ?? ["."]).map((p) => join(dir, p)), createMarkerRegistry(), diagnostics);
  return {
    kinds: model.packages.flatMap((p) => p.kinds.map((k) => k.name)),
    printed: diagnostics.all().map((d) => formatDiagnostic(d, dir)),
  };
}

describe("sources kb cannot read are located errors", () => {
  it("a syntax error (an unclosed brace), not kinds silently missing", () => {
    const { printed } = problems({ "api/v1/t.ts": `${KIND}{ a?: string;\n}\n// +kubebuilder:object:root=true\nexport interface Bar { spec?: string }\n` });
    expect(printed).toEqual(["api/v1/t.ts:6:1: error: syntax error: Property or signature expected."]);
  });

  it("bytes that are not UTF-8, at their line and column", () => {
    const bytes = Buffer.concat([Buffer.from(`${KIND}{ a`), Buffer.from([0xff]), Buffer.from("?: string };\n}\n")]);
    expect(problems({ "api/v1/t.ts": bytes }).printed).toEqual(["api/v1/t.ts:3:13: error: the file is not valid UTF-8 (bytes ff 3f 3a 20 here); save it as UTF-8"]);
    // a surrogate encoded in UTF-8 (CESU) is not UTF-8 either
    const cesu = Buffer.concat([Buffer.from("// é "), Buffer.from([0xed, 0xa0, 0x80])]);
    expect(problems({ "src/x.ts": cesu }).printed).toEqual(["src/x.ts:1:6: error: the file is not valid UTF-8 (bytes ed a0 80 here); save it as UTF-8"]);
  });

  it("a UTF-16 file, with or without a byte order mark", () => {
    const text = `${KIND}{ a?: string };\n}\n`;
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    expect(problems({ "api/v1/t.ts": bom }).printed).toEqual([
      "api/v1/t.ts: error: the file is UTF-16 or UTF-32 encoded (it starts with that byte order mark); save it as UTF-8",
    ]);
    expect(problems({ "api/v1/t.ts": Buffer.from(text, "utf16le") }).printed).toEqual([
      "api/v1/t.ts:1:2: error: the file holds a NUL byte: it is binary, or not UTF-8 (UTF-16 without a byte order mark?)",
    ]);
  });

  it("a NUL byte in a field name, and a binary .ts file", () => {
    expect(problems({ "api/v1/t.ts": `${KIND}{ "a\0b"?: string };\n}\n` }).printed).toEqual([
      "api/v1/t.ts:3:14: error: the file holds a NUL byte: it is binary, or not UTF-8 (UTF-16 without a byte order mark?)",
    ]);
    const binary = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));
    expect(problems({ "src/blob.ts": binary }).printed).toEqual(["src/blob.ts:1:1: error: the file holds a NUL byte: it is binary, or not UTF-8 (UTF-16 without a byte order mark?)"]);
  });

  it("a control character in a field name written as an escape", () => {
    const { printed } = problems({ "api/v1/t.ts": `${KIND}{ "a\\u0000b"?: string; "c\\u001b[2Jd"?: string };\n}\n` });
    expect(printed).toEqual([
      'api/v1/t.ts:3:12: error: field name "a\\u0000b" holds a control character',
      'api/v1/t.ts:3:33: error: field name "c\\u001b[2Jd" holds a control character',
    ]);
  });

  it("a dangling symbolic link, a directory named like a source file, an unreadable directory", () => {
    const { printed } = problems({ "api/v1/t.ts": `${KIND}string;\n}\n` }, (dir) => {
      symlinkSync(join(dir, "nowhere.ts"), join(dir, "api/v1/gone.ts"));
      mkdirSync(join(dir, "api/v1/dir.ts"));
    });
    expect(printed).toEqual([
      "api/v1/dir.ts: error: cannot read: is a directory, not a file",
      expect.stringMatching(/^api\/v1\/gone\.ts: error: cannot read: dangling symbolic link \(its target \/.*\/nowhere\.ts does not exist\)$/),
    ]);
  });

  it.skipIf(process.getuid?.() === 0)("a file or directory without read permission", () => {
    const { printed } = problems({ "api/v1/t.ts": `${KIND}string;\n}\n`, "src/a/x.ts": "" }, (dir) => {
      chmodSync(join(dir, "api/v1/t.ts"), 0);
      chmodSync(join(dir, "src/a"), 0);
    });
    expect(printed).toEqual(["api/v1/t.ts: error: cannot read: permission denied", "src/a: error: cannot read directory: permission denied"]);
  });

  it("follows a symbolic link to a directory once, even in a loop", () => {
    const { kinds, printed } = problems({ "real/v1/t.ts": `${KIND}string;\n}\n`, "real/v1/groupversion-info.ts": GV }, (dir) => {
      symlinkSync(join(dir, "real"), join(dir, "api/linked"));
      symlinkSync(join(dir, "api"), join(dir, "api/v1/loop"));
    }, ["api"]);
    expect(printed).toEqual([]);
    expect(kinds).toEqual(["Foo"]);
  });

  it("--paths naming a .ts file reads it; any other file is refused", () => {
    const file = problems({ "src/rbac.ts": "// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get\n" }, undefined, ["src/rbac.ts"]);
    expect(file.printed).toEqual([]);
    const other = problems({ "notes.txt": "x" }, undefined, ["notes.txt"]);
    expect(other.printed).toEqual([expect.stringMatching(/error: --paths .*notes\.txt: not a directory or a TypeScript \(\.ts\) file$/)]);
  });
});

describe("nesting past the limits is a located error, not a stack overflow", () => {
  it.each([
    ["inline object types", (n: number) => `${"{a?: ".repeat(n)}string${"}".repeat(n)}`],
    ["parentheses", (n: number) => `${"(".repeat(n)}string${")".repeat(n)}`],
    ["generic arguments", (n: number) => `${"Array<".repeat(n)}string${">".repeat(n)}`],
  ])("%s: thousands of brackets", (_, make) => {
    const { printed } = problems({ "api/v1/t.ts": `${KIND}${make(5000)};\n}\n` });
    expect(printed).toEqual([
      expect.stringMatching(new RegExp(`^api/v1/t\\.ts:3:\\d+: error: brackets nest deeper than ${MAX_SOURCE_NESTING} levels here; kb reads at most ${MAX_SOURCE_NESTING} \\(flatten the type into named types\\)$`)),
    ]);
  });

  it("string[][]... and nesting just past the type depth", () => {
    const arrays = problems({ "api/v1/t.ts": `${KIND}string${"[]".repeat(5000)};\n}\n` }).printed;
    expect(arrays).toEqual([`api/v1/t.ts:3:10: error: type nests deeper than ${MAX_TYPE_DEPTH} levels (counting the named types it uses) (flatten it: a schema this deep is not usable)`]);
    expect(problems({ "api/v1/t.ts": `${KIND}string${"[]".repeat(MAX_TYPE_DEPTH - 3)};\n}\n` }).printed).toEqual([]);
  });

  it("chains of interfaces and aliases, in any declaration order", () => {
    const n = 3000;
    const chain = Array.from({ length: n }, (_, i) => `export interface A${i} extends A${i + 1} {}`).join("\n");
    const interfaces = problems({ "api/v1/t.ts": `${KIND}A0;\n}\n${chain}\nexport interface A${n} { x?: string }\n` }).printed;
    expect(interfaces.length).toBeGreaterThan(0);
    for (const p of interfaces) expect(p).toMatch(/^api\/v1\/t\.ts:\d+:\d+: error: type nests deeper than 100 levels/);
    const aliases = Array.from({ length: n }, (_, i) => `export type A${n - 1 - i} = A${n - i}[];`).join("\n");
    const reversed = problems({ "api/v1/t.ts": `export type A${n} = string;\n${aliases}\n${KIND}A0;\n}\n` }).printed;
    expect(reversed.length).toBeGreaterThan(0);
    for (const p of reversed) expect(p).toMatch(/^api\/v1\/t\.ts:\d+:\d+: error: type nests deeper than 100 levels/);
  });
});

describe("sources that would hang a read", () => {
  it("a FIFO named like a source file is refused, not read", () => {
    const { printed } = problems({ "api/v1/t.ts": `${KIND}string;\n}\n` }, (dir) => {
      execFileSync("mkfifo", [join(dir, "api/v1/pipe.ts")]);
    });
    expect(printed).toEqual(["api/v1/pipe.ts: error: cannot read: not a regular file (a FIFO, socket or device)"]);
  });
});

describe("describeFsError", () => {
  it("names an uncommon error code once, whether or not the message starts with it", () => {
    const io = Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" });
    expect(describeFsError("/x", io)).toBe("EIO: i/o error, read");
    const bare = Object.assign(new Error("i/o error"), { code: "EIO" });
    expect(describeFsError("/x", bare)).toBe("EIO: i/o error");
  });
});
