/**
 * Orders strings as Go's `strings.Compare` does: by their UTF-8 bytes (which is code point
 * order, unlike JavaScript's `<` on UTF-16 code units).
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // Two ASCII-only strings compare the same either way; skip the encoding then.
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The distinct values of `values`, sorted with {@link compareGoStrings}. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
