// Reads samples out of a Prometheus text exposition, as a scraper sees them.

/** The value of the sample `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map([...(m[2] ?? "").matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

/** The label sets of every sample called `name`. */
export function sampleLabels(text: string, name: string): Record<string, string>[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => Object.fromEntries([...line.slice(name.length + 1, line.lastIndexOf("}")).matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!])));
}
