import { describe, expect, it } from "vitest";
import { compareUtf8, goFloat, goJson, goNumber, goQuote } from "../../../src/testing/schema/go-format.js";

describe("goQuote", () => {
  it("quotes like strconv.Quote", () => {
    expect(goQuote("abc")).toBe('"abc"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote("tab\there\nnl")).toBe('"tab\\there\\nnl"');
    expect(goQuote("\x00\x1f\x7f")).toBe('"\\x00\\x1f\\x7f"');
    expect(goQuote("héllo wörld ✓")).toBe('"héllo wörld ✓"');
    expect(goQuote("\u00a0")).toBe('"\\u00a0"');
    expect(goQuote("\u{e0001}")).toBe('"\\U000e0001"');
  });
});

describe("goFloat and goNumber", () => {
  it("print %v of a float64 with Go's exponent thresholds", () => {
    expect(goFloat(1.5)).toBe("1.5");
    expect(goFloat(100000)).toBe("100000");
    expect(goFloat(1e6)).toBe("1e+06");
    expect(goFloat(1234567.5)).toBe("1.2345675e+06");
    expect(goFloat(0.0001)).toBe("0.0001");
    expect(goFloat(0.00001)).toBe("1e-05");
    expect(goFloat(-2.5e-7)).toBe("-2.5e-07");
    expect(goFloat(1e21)).toBe("1e+21");
  });

  it("prints integral numbers as int64", () => {
    expect(goNumber(1000000)).toBe("1000000");
    expect(goNumber(-3)).toBe("-3");
    expect(goNumber(0.5)).toBe("0.5");
    expect(goNumber(1e19)).toBe("1e+19");
  });
});

describe("goJson", () => {
  it("marshals like encoding/json: sorted keys, HTML escapes", () => {
    expect(goJson({ b: 1, a: [true, null, "x"] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(goJson("<a&b>")).toBe('"\\u003ca\\u0026b\\u003e"');
    expect(goJson(1.5)).toBe("1.5");
    expect(goJson(1e21)).toBe("1e+21");
    expect(goJson("\u2028")).toBe('"\\u2028"');
  });

  it("orders keys by UTF-8 bytes", () => {
    expect(["é", "z", "a", "Z"].sort(compareUtf8)).toEqual(["Z", "a", "z", "é"]);
  });
});
