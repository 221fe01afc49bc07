/**
 * Splits text arriving in chunks into lines and parses each non-empty one as JSON: the
 * framing of a Kubernetes watch (one JSON object per line, chunked). A line may span many
 * chunks and a chunk may hold many lines.
 */
export class JsonLineDecoder {
  #pending = "";

  /** Feeds a chunk; returns the values of the lines it completed. Throws on invalid JSON. */
  push(chunk: string): unknown[] {
    const out: unknown[] = [];
    let text = this.#pending + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl >= 0; nl = text.indexOf("\n", start)) {
      const line = text.slice(start, nl).trim();
      start = nl + 1;
      if (line.length > 0) out.push(JSON.parse(line));
    }
    text = text.slice(start);
    this.#pending = text;
    return out;
  }

  /** Ends the input: parses a last line that had no newline. */
  end(): unknown[] {
    const line = this.#pending.trim();
    this.#pending = "";
    return line.length > 0 ? [JSON.parse(line)] : [];
  }
}
