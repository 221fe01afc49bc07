/** One requirement of a label selector. */
export type LabelRequirement =
  | { readonly op: "exists" | "!exists"; readonly key: string }
  | { readonly op: "=" | "!="; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] }
  | { readonly op: ">" | "<"; readonly key: string; readonly value: number };

/** A parsed label selector: every requirement must hold. An empty one matches everything. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

/**
 * Parses a label selector as the API server does: `app=web`, `app==web`, `tier!=db`,
 * `env in (prod, staging)`, `env notin (dev)`, `canary` (exists), `!canary` (does not),
 * `replicas>2`, `replicas<5`, joined by commas. An object is read as equality on every pair.
 * Throws a `SyntaxError` naming the position and what was expected.
 * @example
 * ```ts
 * parseLabelSelector("app=web,env in (prod,staging)").matches({ app: "web", env: "prod" }); // true
 * ```
 */
export function parseLabelSelector(selector: string | Readonly<Record<string, string>> | undefined): LabelSelector {
  if (selector === undefined) return labelSelector([]);
  if (typeof selector !== "string") {
    return labelSelector(
      Object.keys(selector)
        .sort()
        .map((key) => ({ op: "=" as const, key, value: selector[key]! })),
    );
  }
  return labelSelector(new Parser(selector).parse());
}

function labelSelector(requirements: readonly LabelRequirement[]): LabelSelector {
  return {
    requirements,
    matches: (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {})),
  };
}

function matchesRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.op) {
    case "exists":
      return has;
    case "!exists":
      return !has;
    case "=":
      return has && value === r.value;
    case "!=":
      return !has || value !== r.value;
    case "in":
      return has && r.values.includes(value!);
    case "notin":
      return !has || !r.values.includes(value!);
    case ">":
    case "<": {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const n = Number(value);
      return r.op === ">" ? n > r.value : n < r.value;
    }
    default: {
      const never: never = r;
      throw new Error(`unknown label requirement ${JSON.stringify(never)}`);
    }
  }
}

const KEY_CHAR = /[A-Za-z0-9._\-/]/;

class Parser {
  #pos = 0;
  constructor(readonly text: string) {}

  parse(): LabelRequirement[] {
    const out: LabelRequirement[] = [];
    this.#skipSpace();
    if (this.#pos >= this.text.length) return out;
    for (;;) {
      out.push(this.#requirement());
      this.#skipSpace();
      if (this.#pos >= this.text.length) return out;
      this.#expect(",");
    }
  }

  #requirement(): LabelRequirement {
    this.#skipSpace();
    if (this.#peek() === "!") {
      this.#pos++;
      return { op: "!exists", key: this.#key() };
    }
    const key = this.#key();
    this.#skipSpace();
    const rest = this.text.slice(this.#pos);
    if (rest.length === 0 || rest[0] === ",") return { op: "exists", key };
    if (rest.startsWith("==")) return ((this.#pos += 2), { op: "=", key, value: this.#value() });
    if (rest.startsWith("!=")) return ((this.#pos += 2), { op: "!=", key, value: this.#value() });
    if (rest.startsWith("=")) return ((this.#pos += 1), { op: "=", key, value: this.#value() });
    if (rest[0] === ">" || rest[0] === "<") {
      const op = rest[0];
      this.#pos++;
      const raw = this.#value();
      if (!/^-?\d+$/.test(raw)) this.#fail(`an integer after "${op}"`);
      return { op, key, value: Number(raw) };
    }
    const word = /^(notin|in)(?=[\s(])/.exec(rest);
    if (word) {
      this.#pos += word[1]!.length;
      return { op: word[1] as "in" | "notin", key, values: this.#set() };
    }
    return this.#fail(`an operator (=, ==, !=, in, notin, >, <) or "," after "${key}"`);
  }

  #key(): string {
    this.#skipSpace();
    const start = this.#pos;
    while (this.#pos < this.text.length && KEY_CHAR.test(this.text[this.#pos]!)) this.#pos++;
    if (this.#pos === start) this.#fail("a label key");
    return this.text.slice(start, this.#pos);
  }

  #value(): string {
    this.#skipSpace();
    const start = this.#pos;
    while (this.#pos < this.text.length && KEY_CHAR.test(this.text[this.#pos]!)) this.#pos++;
    return this.text.slice(start, this.#pos);
  }

  #set(): string[] {
    this.#skipSpace();
    this.#expect("(");
    const values: string[] = [];
    for (;;) {
      values.push(this.#value());
      this.#skipSpace();
      if (this.#peek() === ")") {
        this.#pos++;
        return values;
      }
      this.#expect(",");
    }
  }

  #expect(ch: string): void {
    this.#skipSpace();
    if (this.#peek() !== ch) this.#fail(`"${ch}"`);
    this.#pos++;
  }

  #peek(): string | undefined {
    return this.text[this.#pos];
  }

  #skipSpace(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos++;
  }

  #fail(expected: string): never {
    const found = this.#pos < this.text.length ? `"${this.text.slice(this.#pos, this.#pos + 10)}"` : "the end";
    throw new SyntaxError(`label selector "${this.text}": expected ${expected} at column ${this.#pos + 1}, found ${found}`);
  }
}
