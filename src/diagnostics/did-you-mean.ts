/** Levenshtein distance, case-insensitive, with an early exit above `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > max) return max + 1;
  const big = s.length + t.length + 1;
  // Only cells within `max` of the diagonal can lead to a distance <= max (Ukkonen's band).
  const band = Number.isFinite(max) ? max : big;
  let prev = new Int32Array(t.length + 1).fill(big);
  let cur = new Int32Array(t.length + 1).fill(big);
  for (let j = 0; j <= Math.min(t.length, band); j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(t.length, i + band);
    cur.fill(big);
    if (i <= band) cur[0] = i;
    let rowMin = i <= band ? i : big;
    const si = s.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cost = si === t.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[t.length]!, big);
}

/**
 * The closest candidate to `input`, if one is close enough to be a likely typo: within a
 * third of the input's length (at least 2 edits), or equal but for letter case.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const d = editDistance(input, candidate, limit);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean "x"?` or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closest(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
