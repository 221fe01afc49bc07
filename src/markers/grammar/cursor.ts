const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** An error in marker text, at an offset into the text that was parsed. */
export class MarkerSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "MarkerSyntaxError";
  }
}

/**
 * How deep lists and maps may nest in one marker value. The parser recurses once per level,
 * and so does everything after it (schema defaults, YAML output): a bound keeps a hostile
 * `{a:{a:...}}` from overflowing the stack. Real values nest a handful of levels.
 */
export const MAX_VALUE_DEPTH = 64;

/** A read position over marker text, with the look-ahead the grammar needs. */
export class Cursor {
  pos: number;
  /** How many lists and maps enclose the position (see {@link MAX_VALUE_DEPTH}). */
  depth = 0;

  constructor(
    readonly text: string,
    start = 0,
    /** Added to offsets in errors, so they point into the whole marker line. */
    readonly base = 0,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** Enters a list or map; fails past {@link MAX_VALUE_DEPTH} levels. */
  enter(): void {
    if (++this.depth > MAX_VALUE_DEPTH) this.fail(`value nests deeper than ${MAX_VALUE_DEPTH} levels of lists and maps`);
  }

  leave(): void {
    this.depth--;
  }

  /**
   * The match of a sticky regular expression at the position, or undefined. Sticky: the
   * text is not copied, so a value of many items parses in time linear in its length.
   */
  match(re: RegExp): RegExpExecArray | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.text) ?? undefined;
  }

  /** The next non-space character, without consuming it; "" at the end. */
  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? "";
  }

  /** Consumes `ch` (after spaces) or fails with `what` expected. */
  expect(ch: string, what: string): void {
    if (this.peek() !== ch) this.fail(`expected ${what}, got ${this.describeNext()}`);
    this.pos++;
  }

  describeNext(): string {
    if (this.pos >= this.text.length) return "end of marker";
    const rest = this.text.slice(this.pos, this.pos + 21);
    return JSON.stringify(rest.length > 20 ? `${rest.slice(0, 20)}...` : rest);
  }

  fail(message: string, at = this.pos): never {
    throw new MarkerSyntaxError(message, this.base + at);
  }

  /** An identifier (`[A-Za-z_][A-Za-z0-9_]*`) or undefined. */
  ident(): string | undefined {
    this.skipSpace();
    const m = this.match(IDENT);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** The offset just past a quoted string starting at `at`, or fails. */
  endOfQuoted(at: number): number {
    const quote = this.text[at]!;
    let i = at + 1;
    while (i < this.text.length) {
      const ch = this.text[i]!;
      if (ch === "\\" && quote !== "`") {
        i += 2;
        continue;
      }
      if (ch === quote) return i + 1;
      i++;
    }
    return this.fail(`unterminated string (missing closing ${quote})`, at);
  }
}
