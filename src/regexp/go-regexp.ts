/**
 * Regular expressions as Go's `regexp.Compile` reads them (RE2 syntax, Perl flags): the
 * API server compiles a schema's `pattern` and CEL's `matches()`/`find()` patterns with it.
 *
 * The engine is `@bufbuild/re2` (a port of Go's regexp/syntax by way of RE2/J). Before it sees
 * a pattern, the pattern is rewritten where that engine and Go 1.26 (the Go of the API server)
 * part ways, so that what Go accepts is accepted, what it rejects is rejected with Go's
 * message, and matching is the same:
 * - `\p{name}` is looked up as Go looks it up (case-insensitive, ignoring `_`, `-` and spaces,
 *   category aliases such as `Letter`, `ASCII`, `Assigned`); scripts of Unicode 16 that Go's
 *   Unicode 15 tables lack (`\p{Garay}`) and the script names Go cannot find (those with `_`
 *   or inner capitals, `\p{Old_Italic}`) are refused as Go refuses them;
 * - a `{` that does not start a repetition is a literal, also before `?`, `*`, `+`;
 * - capture names may repeat;
 * - messages without an expression end with one (`` trailing backslash ...: ` ` ``), as Go's do.
 * Inputs are matched as Go sees them after JSON decoding: unpaired surrogates read as U+FFFD.
 *
 * @example
 * goRegexpProblem("[[:alpha:]]+\\z"); // undefined: valid RE2
 * goRegexpProblem("(?=a)"); // "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
 */
import { createRequire } from "node:module";
import type { RE2JS } from "@bufbuild/re2";

let engine: typeof RE2JS | undefined;

/** The engine, loaded on first use (it takes tens of milliseconds to load). */
function re2(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)("@bufbuild/re2") as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

/** A compiled pattern, or Go's message for rejecting it. */
export type GoRegexp = { readonly ok: true; readonly re: RE2JS } | { readonly ok: false; readonly error: string };

const problems = new Map<string, string | undefined>();
const PROBLEMS_LIMIT = 10_000;

/** Go's message for why `regexp.Compile(pattern)` fails, or undefined when it compiles (remembered). */
export function goRegexpProblem(pattern: string): string | undefined {
  if (problems.has(pattern)) return problems.get(pattern);
  const c = compileGoRegexp(pattern);
  const problem = c.ok ? undefined : c.error;
  if (problems.size >= PROBLEMS_LIMIT) problems.clear();
  problems.set(pattern, problem);
  return problem;
}

/** Compiles `pattern` as Go's `regexp.Compile` does (no cache: callers keep what they compile). */
export function compileGoRegexp(pattern: string): GoRegexp {
  // Go reads the pattern from JSON or YAML as UTF-8: an unpaired surrogate is U+FFFD there too.
  const rewritten = rewriteForEngine(goString(pattern));
  try {
    return { ok: true, re: re2().compile(rewritten.source) };
  } catch (e) {
    return { ok: false, error: goMessage(e, pattern, rewritten) };
  }
}

/** Whether the compiled pattern matches somewhere in `input` (Go's `MatchString`). */
export function goMatch(re: RE2JS, input: string): boolean {
  return re.test(goString(input));
}

/** `s` as Go holds it after decoding JSON: each unpaired surrogate becomes U+FFFD. */
export function goString(s: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, "\uFFFD") : s;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

interface EngineError {
  readonly error?: unknown;
  readonly input?: unknown;
  readonly message?: unknown;
}

/**
 * Go's text of the engine's error on the rewritten pattern: `error parsing regexp: <code>:
 * `<expr>``, the expression quoted from the user's pattern (always present, as in Go).
 */
function goMessage(e: unknown, pattern: string, rewritten: Rewritten): string {
  const x = e as EngineError;
  if (typeof x.error !== "string") return typeof x.message === "string" ? x.message : String(e);
  let expr: string;
  const unknownClass = typeof x.input === "string" ? /^\\[pP]\{#([0-9]+)\}$/.exec(x.input) : null;
  if (unknownClass) expr = rewritten.unknownClasses[Number(unknownClass[1])]!;
  else if (typeof x.input !== "string" || x.input === "") {
    // Go quotes the whole pattern for size and depth errors, and nothing after a trailing `\`.
    expr = x.error === "trailing backslash at end of expression" ? "" : pattern;
  } else if (rewritten.source.endsWith(x.input)) expr = pattern.slice(rewritten.originalOffset(rewritten.source.length - x.input.length));
  else expr = x.input;
  return `error parsing regexp: ${x.error}: \`${expr}\``;
}

/** A repetition `{n}`, `{n,}`, `{n,m}` as Go's parser reads one (no leading zeros). */
const REPEAT_AT = /\{(?:0|[1-9][0-9]*)(?:,(?:0|[1-9][0-9]*)?)?\}/y;

/** The repetition (`{n}`, `{n,}`, `{n,m}`, as Go's parser reads one) that starts at `i` of `p`, if one does. */
export function repetitionAt(p: string, i: number): string | undefined {
  REPEAT_AT.lastIndex = i;
  return REPEAT_AT.exec(p)?.[0];
}
const NAMED_CAPTURE_AT = /\(\?P?<[A-Za-z0-9_]+>/y;

/**
 * Go's Unicode 15 script names (unicode.Scripts) that its lookup can find: Go canonicalises a
 * name (first letter upper case, the rest lower case, `_`, `-` and spaces dropped) and looks that
 * up, so only the one-word names are found.
 */
const GO_SCRIPTS = new Set(
  (
    "Adlam Ahom Arabic Armenian Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille " +
    "Buginese Buhid Carian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret " +
    "Devanagari Dogra Duployan Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati " +
    "Gurmukhi Han Hangul Hanunoo Hatran Hebrew Hiragana Inherited Javanese Kaithi Kannada Katakana Kawi " +
    "Kharoshthi Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Lisu Lycian Lydian Mahajani Makasar Malayalam " +
    "Mandaic Manichaean Marchen Medefaidrin Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari " +
    "Newa Nko Nushu Ogham Oriya Osage Osmanya Palmyrene Phoenician Rejang Runic Samaritan Saurashtra Sharada " +
    "Shavian Siddham Sinhala Sogdian Soyombo Sundanese Syriac Tagalog Tagbanwa Takri Tamil Tangsa Tangut " +
    "Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Yezidi Yi"
  ).split(" "),
);

/** unicode.Categories (LC aside, which Go finds as "Lc"). */
const GO_CATEGORIES = new Set(
  "C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);

/** unicode.CategoryAliases, by canonical name. */
const GO_CATEGORY_ALIASES = new Map<string, string>(
  Object.entries({
    Casedletter: "LC", Closepunctuation: "Pe", Combiningmark: "M", Connectorpunctuation: "Pc", Control: "Cc",
    Currencysymbol: "Sc", Dashpunctuation: "Pd", Decimalnumber: "Nd", Enclosingmark: "Me", Finalpunctuation: "Pf",
    Format: "Cf", Initialpunctuation: "Pi", Letter: "L", Letternumber: "Nl", Lineseparator: "Zl",
    Lowercaseletter: "Ll", Mark: "M", Mathsymbol: "Sm", Modifierletter: "Lm", Modifiersymbol: "Sk",
    Nonspacingmark: "Mn", Number: "N", Openpunctuation: "Ps", Other: "C", Otherletter: "Lo", Othernumber: "No",
    Otherpunctuation: "Po", Othersymbol: "So", Paragraphseparator: "Zp", Privateuse: "Co", Punctuation: "P",
    Separator: "Z", Spaceseparator: "Zs", Symbol: "S", Spacingmark: "Mc", Surrogate: "Cs", Titlecaseletter: "Lt",
    Unassigned: "Cn", Uppercaseletter: "Lu", Cntrl: "Cc", Digit: "Nd", Punct: "P",
  }),
);

/** Go's canonical form of a Unicode class name. */
function canonicalName(name: string): string {
  let out = "";
  for (const c of name) {
    if (c === "_" || c === "-" || c === " ") continue;
    out += out === "" ? (c >= "a" && c <= "z" ? c.toUpperCase() : c) : c >= "A" && c <= "Z" ? c.toLowerCase() : c;
  }
  return out;
}

/**
 * What `\p{name}` (`letter` p or P, `name` perhaps with a leading `^`) stands for in the
 * engine's syntax, or undefined when Go has no such class. ASCII becomes a range, as the
 * engine has no name for it.
 */
function unicodeClass(letter: string, name: string, inClass: boolean): string | undefined {
  const caret = name.startsWith("^") ? "^" : "";
  const negated = (letter === "P") !== (caret === "^");
  const canon = canonicalName(name.slice(caret.length));
  let engineName: string | undefined;
  if (canon === "Any" || canon === "Assigned") engineName = canon;
  else if (canon === "Lc") engineName = "LC";
  else if (canon === "Ascii") {
    // Outside a class the engine folds `[\x00-\x7F]` under (?i) before negating, as Go does.
    if (!inClass) return negated ? "[^\\x00-\\x7F]" : "[\\x00-\\x7F]";
    return negated ? "\\x{80}-\\x{10FFFF}" : "\\x00-\\x7F";
  } else if (GO_CATEGORIES.has(canon) || GO_SCRIPTS.has(canon)) engineName = canon;
  else engineName = GO_CATEGORY_ALIASES.get(canon);
  if (engineName === undefined) return undefined;
  return `\\${letter}{${caret}${engineName}}`;
}

/** A pattern rewritten for the engine, with the way back to the user's text. */
interface Rewritten {
  readonly source: string;
  /** The `\p{...}` texts Go does not know, in order; the source names the i-th `\p{#i}`. */
  readonly unknownClasses: readonly string[];
  /** The offset in the user's pattern of the text at `offset` in `source`. */
  originalOffset(offset: number): number;
}

/**
 * The pattern rewritten for the engine, meaning what it means to Go. Escapes, classes and
 * `\Q...\E` are followed as Go's parser reads them; a Unicode class Go does not know becomes
 * `\p{#i}`, which the engine rejects where Go would (so an earlier error still comes first).
 * Other syntax errors are left for the engine to find.
 */
function rewriteForEngine(p: string): Rewritten {
  const pieces: { out: number; at: number; same: boolean }[] = [];
  const unknownClasses: string[] = [];
  let out = "";
  const emit = (text: string, at: number, consumed: number) => {
    pieces.push({ out: out.length, at, same: text.length === consumed });
    out += text;
  };
  let inClass = false;
  let classStart = -1;
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === "\\") {
      const n = p[i + 1];
      if (n === undefined) {
        emit(c, i, 1);
        i++;
        continue;
      }
      let stop = i + 2;
      if (!inClass && n === "Q") {
        const end = p.indexOf("\\E", i + 2);
        stop = end < 0 ? p.length : end + 2;
      } else if (n === "x" && p[i + 2] === "{") {
        // `\x{...}`: its `{` is no repetition
        const close = p.indexOf("}", i + 3);
        stop = close < 0 ? p.length : close + 1;
      } else if (n === "p" || n === "P") {
        const seq = unicodeClassText(p, i);
        if (seq === undefined) stop = p.length; // `\p{` unclosed: left whole for the engine to report
        else {
          const cls = unicodeClass(n, p[i + 2] === "{" ? seq.slice(3, -1) : seq.slice(2), inClass);
          if (cls === undefined) unknownClasses.push(seq);
          emit(cls ?? `\\p{#${unknownClasses.length - 1}}`, i, seq.length);
          i += seq.length;
          continue;
        }
      }
      emit(p.slice(i, stop), i, stop - i);
      i = stop;
      continue;
    }
    if (inClass) {
      let stop = i + 1;
      if (c === "[" && p[i + 1] === ":") {
        const close = p.indexOf(":]", i + 2);
        if (close >= 0) stop = close + 2;
      } else if (c === "]" && !(i === classStart || (i === classStart + 1 && p[classStart] === "^"))) inClass = false;
      emit(p.slice(i, stop), i, stop - i);
      i = stop;
      continue;
    }
    if (c === "[") {
      inClass = true;
      classStart = i + 1;
    } else if (c === "{") {
      const m = repetitionAt(p, i);
      if (m) {
        emit(m, i, m.length);
        i += m.length;
      } else {
        // a literal `{`: the engine would take a following `*`, `+`, `?` for a nested repetition
        emit("\\{", i, 1);
        i++;
      }
      continue;
    } else if (c === "(" && p[i + 1] === "?") {
      // Named captures lose their names: Go allows a name twice, the engine does not.
      NAMED_CAPTURE_AT.lastIndex = i;
      const named = NAMED_CAPTURE_AT.exec(p);
      if (named) {
        emit("(?:", i, named[0].length);
        i += named[0].length;
        continue;
      }
    }
    emit(c, i, 1);
    i++;
  }
  return {
    source: out,
    unknownClasses,
    originalOffset(offset: number): number {
      let lo = 0;
      let hi = pieces.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (pieces[mid]!.out <= offset) lo = mid;
        else hi = mid - 1;
      }
      const piece = pieces[lo];
      if (piece === undefined) return offset;
      return piece.at + (piece.same ? offset - piece.out : 0);
    },
  };
}

/** The text of the `\p`/`\P` class at `i` (`\pL`, `\p{Greek}`), or undefined when it is malformed. */
function unicodeClassText(p: string, i: number): string | undefined {
  if (p[i + 2] === "{") {
    const close = p.indexOf("}", i + 3);
    return close < 0 ? undefined : p.slice(i, close + 1);
  }
  const cp = p.codePointAt(i + 2);
  return cp === undefined ? undefined : p.slice(i, i + 2 + String.fromCodePoint(cp).length);
}
