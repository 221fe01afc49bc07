import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import type { SourceLocation } from "../diagnostics/index.js";

/** A source file's text, or why it cannot be read (with where, when that is a place in the file). */
export type SourceText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string; readonly location: SourceLocation };

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads a TypeScript source file as UTF-8, less any byte order mark. What kb cannot read
 * is a problem, never text with parts silently replaced: a file that cannot be opened
 * (dangling link, permissions, a directory), a UTF-16 or UTF-32 file, a NUL byte (binary
 * files, UTF-16 without a byte order mark), bytes that are not UTF-8.
 */
export function readSourceText(path: string): SourceText {
  let bytes: Buffer;
  try {
    // A FIFO or a device named *.ts would block the read, or never end.
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, message: "cannot read: is a directory, not a file", location: wholeFile(path) };
    if (!stat.isFile()) return { ok: false, message: "cannot read: not a regular file (a FIFO, socket or device)", location: wholeFile(path) };
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, message: `cannot read: ${describeFsError(path, e)}`, location: wholeFile(path) };
  }
  return decodeSource(path, bytes);
}

/** {@link readSourceText} for bytes already read. */
function decodeSource(path: string, bytes: Uint8Array): SourceText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || (b0 === 0 && b1 === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    return { ok: false, message: "the file is UTF-16 or UTF-32 encoded (it starts with that byte order mark); save it as UTF-8", location: wholeFile(path) };
  }
  const start = b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nul = bytes.indexOf(0, start);
  if (nul >= 0) {
    return {
      ok: false,
      message: "the file holds a NUL byte: it is binary, or not UTF-8 (UTF-16 without a byte order mark?)",
      location: locate(path, bytes, start, nul),
    };
  }
  try {
    return { ok: true, text: UTF8.decode(start === 0 ? bytes : bytes.subarray(start)) };
  } catch {
    const bad = firstInvalidUtf8(bytes, start);
    const hex = Array.from(bytes.subarray(bad, Math.min(bad + 4, bytes.length)), (x) => x.toString(16).padStart(2, "0")).join(" ");
    return { ok: false, message: `the file is not valid UTF-8 (bytes ${hex} here); save it as UTF-8`, location: locate(path, bytes, start, bad) };
  }
}

/** The location of byte `offset`: its line, and its column in characters of the valid text before it. */
function locate(path: string, bytes: Uint8Array, start: number, offset: number): SourceLocation {
  let line = 1;
  let lineStart = start;
  for (let i = start; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, offset));
  return { file: path, line, column: [...before].length + 1 };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let n: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return i;
}

/** A location naming a whole file or directory (line 0: printed as the path alone). */
export function wholeFile(path: string): SourceLocation {
  return { file: path, line: 0, column: 0 };
}

/** What a failed file-system call means for the user: a dangling link, no permission, ... */
export function describeFsError(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT": {
      try {
        if (lstatSync(path).isSymbolicLink()) return `dangling symbolic link (its target ${readlinkSync(path)} does not exist)`;
      } catch {
        // not a link, or gone: say it is missing
      }
      return "no such file or directory";
    }
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is a file, not a directory";
    case "ELOOP":
      return "symbolic link loop";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on the device";
    default: {
      // Node's messages already start with the code ("EIO: i/o error, read").
      const message = String((e as Error)?.message ?? e);
      return code && !message.startsWith(`${code}:`) ? `${code}: ${message}` : message;
    }
  }
}
