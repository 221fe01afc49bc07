/**
 * Regular expressions with Go's RE2 semantics. Every pattern is checked as Go's
 * `regexp.Compile` checks it (../../regexp/go-regexp.ts: what Go rejects is rejected, with
 * Go's message); matching then runs on a translated JavaScript RegExp when the pattern only
 * uses syntax both engines read alike (about 30 times faster), else on the RE2 engine itself.
 * Inputs are matched as Go holds them (unpaired surrogates as U+FFFD). Compiled patterns are cached.
 */
import { compileGoRegexp, goMatch, goString, repetitionAt } from "../../regexp/go-regexp.js";

/** A compiled pattern: `test` looks for a match anywhere in the input, as Go's `MatchString`. */
export interface Matcher {
  test(input: string): boolean;
}

/** A compiled pattern, or the reason Go's `regexp.Compile` would give for rejecting it. */
export type CompiledPattern =
  { readonly ok: true; readonly matcher: Matcher } | { readonly ok: false; readonly error: string };

/** A compiled pattern, and its JavaScript translation when it has one that compiles. */
interface Entry {
  readonly compiled: CompiledPattern;
  readonly js: { readonly source: string; readonly flags: string } | undefined;
}

const cache = new Map<string, Entry>();
const CACHE_LIMIT = 10_000;

function entryFor(pattern: string): Entry {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    hit = compileUncached(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, hit);
  }
  return hit;
}

/** Compiles `pattern` once (cached) with RE2 semantics. */
export function compilePattern(pattern: string): CompiledPattern {
  return entryFor(pattern).compiled;
}

function compileUncached(pattern: string): Entry {
  const compiled = compileGoRegexp(pattern);
  if (!compiled.ok) return { compiled, js: undefined };
  const js = toJsSource(goString(pattern));
  if (js !== undefined) {
    try {
      const re = new RegExp(js.source, "u" + js.flags);
      return { compiled: { ok: true, matcher: { test: (s: string) => re.test(goString(s)) } }, js };
    } catch {
      // fall through to the RE2 engine
    }
  }
  const re2 = compiled.re;
  return { compiled: { ok: true, matcher: { test: (s: string) => goMatch(re2, s) } }, js: undefined };
}

const SPACE = "\\t\\n\\f\\r ";
/** Go's POSIX classes (`[:alpha:]` inside a bracket), as the ASCII ranges they stand for. */
const POSIX_CLASSES: ReadonlyMap<string, string> = new Map([
  ["alnum", "0-9A-Za-z"],
  ["alpha", "A-Za-z"],
  ["ascii", "\\x00-\\x7F"],
  ["blank", "\\t "],
  ["cntrl", "\\x00-\\x1F\\x7F"],
  ["digit", "0-9"],
  ["graph", "!-~"],
  ["lower", "a-z"],
  ["print", " -~"],
  ["punct", "!-\\/:-@\\[-`{-~"],
  ["space", "\\t\\n\\v\\f\\r "],
  ["upper", "A-Z"],
  ["word", "0-9A-Za-z_"],
  ["xdigit", "0-9A-Fa-f"],
]);


/**
 * A JavaScript RegExp (flags `u` plus `flags`) reading `pattern` as RE2 does, or undefined
 * when the pattern is not valid RE2 or uses syntax the two engines read differently. Match it
 * against `goString(input)`, as Go sees the input.
 */
export function jsRegExp(pattern: string, flags = ""): RegExp | undefined {
  const js = entryFor(pattern).js;
  if (js === undefined) return undefined;
  try {
    return new RegExp(js.source, "u" + js.flags + flags);
  } catch {
    return undefined;
  }
}

/**
 * A JavaScript source and flags matching exactly what the RE2 pattern matches, or undefined
 * when the pattern uses syntax the two engines read differently (flags other than a leading
 * `(?i)`/`(?s)`, Unicode classes, negated POSIX classes, ...). POSIX classes become their
 * ASCII ranges and `\Q...\E` escaped literal text. `.` becomes `[^\n]`, `\s`
 * RE2's ASCII space class, `\A` and `\z` the JavaScript anchors (`^` and `$` without the `m`
 * flag), and a `{` that Go reads as a literal (no `{n}`, `{n,}` or `{n,m}` follows) `\{`.
 * Under `(?i)` both fold case by Unicode's simple folding (`k` matches the Kelvin sign, `\w`
 * too), but JavaScript's `\b` would then see `ſ` and the Kelvin sign as word characters, so
 * such a pattern stays on the RE2 engine.
 */
function toJsSource(pattern: string): { source: string; flags: string } | undefined {
  const lead = /^\(\?([is]+)\)/.exec(pattern);
  const foldCase = lead !== null && lead[1]!.includes("i");
  const dotAll = lead !== null && lead[1]!.includes("s");
  const p = lead === null ? pattern : pattern.slice(lead[0].length);
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") {
      const n = p[i + 1];
      if (n === undefined) return undefined;
      if (n === "Q" && !inClass) {
        // quoted text: each character literal
        const end = p.indexOf("\\E", i + 2);
        const text = p.slice(i + 2, end < 0 ? p.length : end);
        out += text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      i++;
      if (n === "s") out += inClass ? SPACE : `[${SPACE}]`;
      else if (n === "S") {
        if (inClass) return undefined;
        out += `[^${SPACE}]`;
      } else if (n === "A" && !inClass) out += "^";
      else if (n === "z" && !inClass) out += "$";
      else if ((n === "b" || n === "B") && foldCase) return undefined;
      else if (/[dDwWbB.\\^$|?*+()[\]{}\-/ntrfv]/.test(n)) out += "\\" + n;
      else return undefined;
      continue;
    }
    if (inClass) {
      if (c === "[") {
        // a POSIX class: its ASCII ranges (a negated one has no JavaScript form in a union)
        // (after a `-` it is the end of a range, not a class: left to the engine)
        const close = p[i + 1] === ":" && p[i - 1] !== "-" ? p.indexOf(":]", i + 2) : -1;
        const ranges = close < 0 ? undefined : POSIX_CLASSES.get(p.slice(i + 2, close));
        if (ranges === undefined) return undefined;
        out += ranges;
        i = close + 1;
        continue;
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    switch (c) {
      case "[": {
        if (p.startsWith("]", i + 1) || p.startsWith("^]", i + 1)) return undefined;
        inClass = true;
        out += c;
        break;
      }
      case ".":
        out += dotAll ? "[^]" : "[^\\n]";
        break;
      case "{": {
        const m = repetitionAt(p, i);
        if (m) {
          out += m;
          i += m.length - 1;
        } else out += "\\{";
        break;
      }
      case "}":
        out += "\\}";
        break;
      case "(":
        if (p[i + 1] === "?") {
          if (p[i + 2] !== ":") return undefined;
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return inClass ? undefined : { source: out, flags: foldCase ? "i" : "" };
}
