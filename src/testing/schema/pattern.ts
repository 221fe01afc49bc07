/**
 * Regular expressions with Go's RE2 semantics. Every pattern is checked by the RE2 engine of
 * `@bufbuild/re2` (so what Go rejects is rejected, with Go's message); matching then runs on
 * a translated JavaScript RegExp when the pattern only uses syntax both engines read alike
 * (about 30 times faster), else on the RE2 engine itself. Compiled patterns are cached.
 */
import { RE2JS } from "@bufbuild/re2";

/** A compiled pattern: `test` looks for a match anywhere in the input, as Go's `MatchString`. */
export interface Matcher {
  test(input: string): boolean;
}

/** A compiled pattern, or the reason Go's `regexp.Compile` would give for rejecting it. */
export type CompiledPattern =
  { readonly ok: true; readonly matcher: Matcher } | { readonly ok: false; readonly error: string };

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 10_000;

/** Compiles `pattern` once (cached) with RE2 semantics. */
export function compilePattern(pattern: string): CompiledPattern {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    hit = compileUncached(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, hit);
  }
  return hit;
}

function compileUncached(pattern: string): CompiledPattern {
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(pattern);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const js = toJsSource(pattern);
  if (js !== undefined) {
    try {
      return { ok: true, matcher: new RegExp(js, "u") };
    } catch {
      // fall through to the RE2 engine
    }
  }
  return { ok: true, matcher: { test: (s: string) => re2.test(s) } };
}

const SPACE = "\\t\\n\\f\\r ";

/**
 * A JavaScript RegExp (flags `u` plus `flags`) reading `pattern` as RE2 does, or undefined
 * when the pattern is not valid RE2 or uses syntax the two engines read differently.
 */
export function jsRegExp(pattern: string, flags = ""): RegExp | undefined {
  const c = compilePattern(pattern);
  const js = c.ok ? toJsSource(pattern) : undefined;
  if (js === undefined) return undefined;
  try {
    return new RegExp(js, "u" + flags);
  } catch {
    return undefined;
  }
}

/**
 * A JavaScript source matching exactly what the RE2 pattern matches, or undefined when the
 * pattern uses syntax the two engines read differently (flags, Unicode classes, `\z`, POSIX
 * classes, backreferences, ...). `.` becomes `[^\n]` and `\s` RE2's ASCII space class.
 */
function toJsSource(p: string): string | undefined {
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") {
      const n = p[i + 1];
      if (n === undefined) return undefined;
      i++;
      if (n === "s") out += inClass ? SPACE : `[${SPACE}]`;
      else if (n === "S") {
        if (inClass) return undefined;
        out += `[^${SPACE}]`;
      } else if (/[dDwWbB.\\^$|?*+()[\]{}\-/ntrfv]/.test(n)) out += "\\" + n;
      else return undefined;
      continue;
    }
    if (inClass) {
      if (c === "[") return undefined; // POSIX classes and nested brackets
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    switch (c) {
      case "[": {
        const rest = p.slice(i + 1);
        if (rest.startsWith("]") || rest.startsWith("^]")) return undefined;
        inClass = true;
        out += c;
        break;
      }
      case ".":
        out += "[^\\n]";
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
  return inClass ? undefined : out;
}
