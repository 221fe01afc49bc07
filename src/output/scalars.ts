/**
 * Scalars as controller-gen writes them. controller-gen marshals a CRD to JSON, reads the
 * JSON back with go-yaml v2 (gopkg.in/yaml.v2) into plain Go values and marshals those
 * with go-yaml v2. So a string is written plain unless go-yaml's resolver would read the
 * plain text as something else, and a number is written as the int or float64 go-yaml
 * read from Go's JSON text. The rules here follow go-yaml v2.4's resolve.go and encode.go
 * and the parts of Go's strconv and time packages they call.
 */

/**
 * Whether go-yaml double-quotes the string: when, written plain, its resolver would read
 * it as another type (an empty string or `~` as null, a YAML 1.1 boolean such as `yes` or
 * `on`, an int in any of Go's bases, a float, a timestamp such as `2024-06-30`), or it is
 * a base-60 float such as `1:20`, which go-yaml quotes for YAML 1.1 readers.
 */
export function looksLikeOtherScalar(value: string): boolean {
  return resolvesToOtherTag(value) || isBase60Float(value);
}

/** The strings go-yaml's resolver looks up whole: booleans, nulls, infinities, NaN. */
const RESOLVE_MAP = new Set([
  ..."y Y yes Yes YES true True TRUE on On ON".split(" "),
  ..."n N no No NO false False FALSE off Off OFF".split(" "),
  ..."~ null Null NULL".split(" "),
  "",
  ..."nan NaN NAN inf Inf INF".split(" ").map((s) => `.${s}`),
  ..."+.inf +.Inf +.INF -.inf -.Inf -.INF".split(" "),
]);

/** go-yaml's `yamlStyleFloat`: the floats it reads (after removing underscores). */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** go-yaml's resolve("", s) answers anything but !!str. */
function resolvesToOtherTag(s: string): boolean {
  if (s === "") return true;
  // the hint: which first characters make the resolver look further
  const c = s[0]!;
  const sign = c === "+" || c === "-";
  const digit = c >= "0" && c <= "9";
  if (!sign && !digit && c !== "." && !"yYnNtTfFoO~".includes(c)) return false;
  if (RESOLVE_MAP.has(s)) return true;
  if (c === ".") return parsesAsGoFloat(s);
  if (!sign && !digit) return false;
  if (isGoYamlTimestamp(s)) return true;
  const plain = s.replaceAll("_", "");
  if (goParseInt(plain, 0) || goParseUint(plain, 0)) return true;
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return true;
  if (plain.startsWith("0b")) return goParseInt(plain.slice(2), 2) || goParseUint(plain.slice(2), 2);
  if (plain.startsWith("-0b")) return goParseInt(`-${plain.slice(3)}`, 2);
  return false;
}

const MAX_UINT64 = (1n << 64n) - 1n;
const INT64_LIMIT = 1n << 63n;

/** The value strconv.ParseUint(s, base, 64) reads, or undefined where it fails (no underscores in s). */
function goUintValue(s: string, base: number): bigint | undefined {
  if (s === "") return undefined;
  if (base === 0) {
    base = 10;
    if (s[0] === "0") {
      // 0b, 0o, 0x (with a digit after them), else a leading 0 for octal
      const prefix = { b: 2, o: 8, x: 16 }[s.length >= 3 ? s[1]!.toLowerCase() : ""];
      base = prefix ?? 8;
      s = s.slice(prefix === undefined ? 1 : 2);
    }
  }
  let n = 0n;
  for (const ch of s) {
    const d = ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 48 : /^[a-zA-Z]$/.test(ch) ? ch.toLowerCase().charCodeAt(0) - 87 : 99;
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
    if (n > MAX_UINT64) return undefined;
  }
  return n;
}

/** Whether strconv.ParseUint(s, base, 64) succeeds. */
function goParseUint(s: string, base: number): boolean {
  return goUintValue(s, base) !== undefined;
}

/** Whether strconv.ParseInt(s, base, 64) succeeds: an optional sign, then an int64. */
function goParseInt(s: string, base: number): boolean {
  const neg = s.startsWith("-");
  const n = goUintValue(s[0] === "+" || neg ? s.slice(1) : s, base);
  return n !== undefined && (neg ? n <= INT64_LIMIT : n < INT64_LIMIT);
}

/**
 * Whether strconv.ParseFloat(s, 64) succeeds for a string that starts with `.`: digits
 * (underscores only between digits), an optional exponent, nothing after, and no overflow.
 */
function parsesAsGoFloat(s: string): boolean {
  const m = /^\.([0-9_]*)(?:[eE][-+]?[0-9][0-9_]*)?$/.exec(s);
  if (!m || !/[0-9]/.test(m[1]!)) return false;
  if (s.includes("_") && !underscoresBetweenDigits(s)) return false;
  return Number.isFinite(Number(s.replaceAll("_", "")));
}

/** strconv's underscoreOK for a decimal number: each `_` has a digit on both sides. */
function underscoresBetweenDigits(s: string): boolean {
  return !/(?:^|[^0-9])_|_(?:[^0-9]|$)/.test(s);
}

/** go-yaml's isBase60Float: `1:20`, `-1:20:30.5`, which YAML 1.1 reads as sexagesimal. */
function isBase60Float(s: string): boolean {
  if (!s.includes(":")) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/**
 * Whether go-yaml's parseTimestamp accepts the string: it starts with four digits and `-`,
 * and Go's time.Parse accepts it in one of the layouts `2006-1-2T15:4:5.999999999Z07:00`
 * (also with a lower-case `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`.
 */
export function isGoYamlTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  const p = new TimeParser(s);
  const year = Number(s.slice(0, 4));
  p.pos = 5;
  const month = p.num();
  if (month === undefined || month < 1 || month > 12 || !p.literal("-")) return false;
  const day = p.num();
  if (day === undefined || day < 1 || day > daysIn(month, year)) return false;
  if (p.done()) return true; // 2006-1-2
  const sep = s[p.pos];
  if (sep === "T" || sep === "t") {
    p.pos++;
    return p.clock() && p.zone() && p.done();
  }
  if (sep !== " ") return false;
  while (s[p.pos] === " ") p.pos++; // a space in a layout matches a run of spaces
  return p.clock() && p.done();
}

/** Reads the parts of time.Parse's layouts that go-yaml uses. */
class TimeParser {
  pos = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.pos === this.s.length;
  }

  literal(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private digit(at: number): boolean {
    const c = this.s[at];
    return c !== undefined && c >= "0" && c <= "9";
  }

  /** time's getnum: one or two digits (two with `fixed`). */
  num(fixed = false): number | undefined {
    if (!this.digit(this.pos)) return undefined;
    const two = this.digit(this.pos + 1);
    if (!two && fixed) return undefined;
    const n = Number(this.s.slice(this.pos, this.pos + (two ? 2 : 1)));
    this.pos += two ? 2 : 1;
    return n;
  }

  /** `15:4:5.999999999`: hour, minute, second, and an optional fraction after `.` or `,`. */
  clock(): boolean {
    const hour = this.num();
    if (hour === undefined || hour >= 24 || !this.literal(":")) return false;
    const minute = this.num();
    if (minute === undefined || minute >= 60 || !this.literal(":")) return false;
    const second = this.num();
    if (second === undefined || second >= 60) return false;
    if ((this.s[this.pos] === "." || this.s[this.pos] === ",") && this.digit(this.pos + 1)) {
      this.pos++;
      while (this.digit(this.pos)) this.pos++;
    }
    return true;
  }

  /** `Z07:00`: `Z`, or a sign, two digits of hours (up to 24), `:` and two of minutes (up to 60). */
  zone(): boolean {
    if (this.literal("Z")) return true;
    const sign = this.s[this.pos];
    if (this.s.length - this.pos < 6 || this.s[this.pos + 3] !== ":") return false;
    this.pos++;
    const hours = this.num(true);
    this.pos++; // the colon
    const minutes = this.num(true);
    if (hours === undefined || minutes === undefined || hours > 24 || minutes > 60) return false;
    return sign === "+" || sign === "-";
  }
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A number as controller-gen writes it. Go's JSON encoder writes a float64 as its shortest
 * decimal (an exponent below 1e-6 and from 1e21 up, like JavaScript); go-yaml reads an
 * integer literal that fits int64 or uint64 back as an integer and writes its digits, and
 * anything else as a float64, which it writes with strconv.FormatFloat(f, 'g', -1, 64):
 * the shortest digits, with an exponent (at least two digits, with its sign) when that is
 * below -4 or from 6 up. So 1 → `1`, -0 → `0`, 2^63 → `9223372036854775808`... in digits as
 * JavaScript prints it, 1e20 (beyond uint64) → `1e+20`, 0.000001 → `1e-06`, 1234567.5 →
 * `1.2345675e+06`, 0.5 → `0.5`.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? ".inf" : n < 0 ? "-.inf" : ".nan";
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const text = String(n); // Go's JSON text of the float64 has the same digits; -0 reads as 0
    const value = BigInt(text);
    if (value >= -INT64_LIMIT && value <= MAX_UINT64) return text;
  }
  return formatGoFloat(n);
}

/** strconv.FormatFloat(n, 'g', -1, 64) for a finite n. */
export function formatGoFloat(n: number): string {
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [digits = "", e = "0"] = Math.abs(n).toExponential().split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const magnitude = String(Math.abs(exp)).padStart(2, "0");
    return `${n < 0 ? "-" : ""}${digits}e${exp < 0 ? "-" : "+"}${magnitude}`;
  }
  return String(n); // JavaScript writes these exponents without one, as Go does
}
