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

/** A read position over marker text, with the look-ahead the grammar needs. */
export class Cursor {
  pos: number;

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
    const rest = this.text.slice(this.pos);
    if (rest.length === 0) return "end of marker";
    return JSON.stringify(rest.length > 20 ? `${rest.slice(0, 20)}...` : rest);
  }

  fail(message: string, at = this.pos): never {
    throw new MarkerSyntaxError(message, this.base + at);
  }

  /** An identifier (`[A-Za-z_][A-Za-z0-9_]*`) or undefined. */
  ident(): string | undefined {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
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
