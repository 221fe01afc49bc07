/**
 * The checks the API server makes on literal arguments when it compiles a rule (Kubernetes
 * turns on cel-go's literal validators): `duration()` and `timestamp()` of a string literal
 * must parse. (Regular expressions must compile as Go's regexp: ../../../regexp/go-regexp.ts.)
 */

/** Go's time.ParseDuration: "0", or signed decimal numbers each with a unit (ns, us, µs, ms, s, m, h). */
const DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

/** RFC 3339, as Go's time.Parse(time.RFC3339, ...) reads it. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Why `duration(text)` would not compile, or undefined. */
export function durationProblem(text: string): string | undefined {
  return DURATION.test(text) ? undefined : `"${text}" is not a duration such as "1h30m", "90s" or "250ms"`;
}

/** Why `timestamp(text)` would not compile, or undefined. */
export function timestampProblem(text: string): string | undefined {
  const m = TIMESTAMP.exec(text);
  const bad = `"${text}" is not an RFC 3339 timestamp such as "2030-01-01T00:00:00Z"`;
  if (!m) return bad;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return bad;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return bad;
  return undefined;
}
