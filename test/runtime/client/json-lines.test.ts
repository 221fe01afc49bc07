import { describe, expect, it } from "vitest";
import { JsonLineDecoder } from "../../../src/runtime/client/json-lines.js";

describe("JsonLineDecoder", () => {
  it("joins lines across chunks, skips blank lines, parses a last unterminated line", () => {
    const d = new JsonLineDecoder();
    expect(d.push('{"a":')).toEqual([]);
    expect(d.push('1}\n\n  \n{"b":2}\n{"c"')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(d.push(":3}")).toEqual([]);
    expect(d.end()).toEqual([{ c: 3 }]);
    expect(d.end()).toEqual([]);
  });

  it("keeps multi-byte characters whole when the caller decodes with a streaming decoder", () => {
    const d = new JsonLineDecoder();
    expect(d.push('{"s":"é€😀"}\r\n')).toEqual([{ s: "é€😀" }]);
  });

  it("throws on invalid JSON", () => {
    expect(() => new JsonLineDecoder().push("{x}\n")).toThrow(SyntaxError);
  });
});
