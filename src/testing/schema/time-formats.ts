/**
 * Go's parsing of the time-like string formats: RFC 3339 full-date, the date-time layouts of
 * kube-openapi's strfmt, and `time.ParseDuration` with strfmt's looser fallback.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** `time.Parse("2006-01-02", s)`: the date as [year, month, day], or undefined. */
export function parseRfc3339Date(s: string): [number, number, number] | undefined {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const max = mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1]!;
  return d > max ? undefined : [y, mo, d];
}

/** An instant: seconds since the Unix epoch and nanoseconds. */
export interface Instant {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** The instant of a full-date at midnight UTC. */
export function dateInstant(s: string): Instant | undefined {
  const d = parseRfc3339Date(s);
  if (d === undefined) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(d[0], d[1] - 1, d[2]);
  return { seconds: BigInt(Math.floor(date.getTime() / 1000)), nanos: 0 };
}

const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

/**
 * strfmt's `ParseDateTime`: RFC 3339 with any fraction of a second, or a local time without
 * offset (read as UTC).
 */
export function parseDateTime(s: string): Instant | undefined {
  const m = DATE_TIME.exec(s);
  if (m === null) return undefined;
  const date = parseRfc3339Date(`${m[1]}-${m[2]}-${m[3]}`);
  if (date === undefined) return undefined;
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = Number(m[6]);
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  const fraction = m[7] === undefined ? "" : m[7].slice(1);
  if (fraction.length > 9) return undefined;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const d = new Date(0);
  d.setUTCFullYear(date[0], date[1] - 1, date[2]);
  d.setUTCHours(h, mi, sec, 0);
  const seconds = BigInt(Math.floor(d.getTime() / 1000) - offset);
  return { seconds, nanos: Number(fraction.padEnd(9, "0") || "0") };
}

const UNIT_NANOS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n],
  ["\u03bcs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const MAX_INT64 = (1n << 63n) - 1n;

/** Go's `time.ParseDuration`, in nanoseconds, or undefined. */
export function parseStrictDuration(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  let total = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    const whole = m[1]!;
    const frac = m[3];
    if (whole === "" && (frac === undefined || frac === "")) return undefined;
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && s[i] !== "." && !(s[i]! >= "0" && s[i]! <= "9")) i++;
    const unit = s.slice(0, i);
    s = s.slice(i);
    const scale = UNIT_NANOS.get(unit);
    if (scale === undefined) return undefined;
    let v = BigInt(whole === "" ? "0" : whole) * scale;
    if (frac !== undefined && frac !== "") {
      v += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) return undefined;
  }
  return neg ? -total : total;
}

const LOOSE_UNITS: readonly (readonly string[])[] = [
  ["ns", "nano"],
  ["us", "\u00b5s", "micro"],
  ["ms", "milli"],
  ["s", "sec"],
  ["m", "min"],
  ["h", "hr", "hour"],
  ["d", "day"],
  ["w", "wk", "week"],
];
const LOOSE_NANOS = [
  1n,
  1_000n,
  1_000_000n,
  1_000_000_000n,
  60_000_000_000n,
  3_600_000_000_000n,
  86_400_000_000_000n,
  604_800_000_000_000n,
];

/**
 * strfmt's `ParseDuration`: Go's syntax first, then any `<digits> <unit>` pairs found in the
 * text (`3 days`, `1 hour 5 min`), in nanoseconds, or undefined.
 */
export function parseGoDuration(text: string): bigint | undefined {
  const strict = parseStrictDuration(text);
  if (strict !== undefined) return strict;
  let ok = false;
  let total = 0n;
  for (const m of text.matchAll(/([0-9]+)[\t\n\v\f\r ]*([A-Za-z\u00b5]+)/g)) {
    const factor = BigInt(m[1]!);
    const unit = m[2]!.toLowerCase();
    LOOSE_UNITS.forEach((variants, k) => {
      variants.forEach((variant, i) => {
        if ((i === variants.length - 1 && unit.startsWith(variant)) || variant.toLowerCase() === unit) {
          ok = true;
          total += factor * LOOSE_NANOS[k]!;
        }
      });
    });
  }
  return ok ? total : undefined;
}
