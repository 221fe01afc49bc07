import { describe, expect, it } from "vitest";
import { formatGoFloat, formatNumber, isGoYamlTimestamp, looksLikeOtherScalar } from "../../src/output/scalars.js";
import { toYaml } from "../../src/output/yaml.js";

/** Expected answers are go-yaml v2.4.0's (controller-gen's), checked against it. */
const quoted = (xs: readonly string[]) => xs.filter((s) => !looksLikeOtherScalar(s));
const plain = (xs: readonly string[]) => xs.filter((s) => looksLikeOtherScalar(s));

describe("strings go-yaml quotes: those its resolver reads as another type", () => {
  it("the whole words: YAML 1.1 booleans, nulls, infinities and NaN, in their three spellings", () => {
    const words = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE"];
    words.push("on", "On", "ON", "off", "Off", "OFF", "", "~", "null", "Null", "NULL");
    words.push(".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF");
    expect(quoted(words)).toEqual([]);
    // other spellings, and strings whose first character the resolver does not look at
    expect(plain(["yES", "tRUE", "nil", "None", "Online", ".nAn", "+.iNf", "<<", "_1", "a1", "x:1", "Z"])).toEqual([]);
  });

  it("after a `.`: what strconv.ParseFloat reads, underscores only between digits, no overflow", () => {
    expect(quoted([".5", ".5e3", ".5E-3", ".0", ".5_5", ".5e3_3", ".5e-400"])).toEqual([]);
    expect(plain([".", "._5", ".5_", ".5__5", ".5e", ".5e_3", ".5e400", ".5.5", ".x", "..5"])).toEqual([]);
  });

  it("ints as strconv.ParseInt or ParseUint read them in base 0, underscores removed", () => {
    const ints = ["0", "-0", "+0", "1", "-1", "+5", "0755", "0o17", "0O17", "0x1F", "0X1f", "-0x10", "+0x10", "0b101", "0B11", "-0b101"];
    ints.push("1_000", "1__0", "1_", "9223372036854775807", "-9223372036854775808", "18446744073709551615", "-0x8000000000000000");
    expect(quoted(ints)).toEqual([]);
    // beyond uint64 in hex, a lone prefix, a digit beyond the base, two signs
    expect(plain(["0x10000000000000000", "-0x8000000000000001", "0x", "0o", "0x1g", "0o8", "+-5", "--1", "-", "+", "0b"])).toEqual([]);
  });

  it("and ParseInt in base 2 after a 0b prefix, which takes a sign after the prefix", () => {
    expect(quoted(["0b-101", "0b+1", "0b1111111111111111111111111111111111111111111111111111111111111111"])).toEqual([]);
    expect(plain(["-0b-1", "-0b+1", "0b2", "0b-"])).toEqual([]);
  });

  it("floats go-yaml's pattern matches and strconv.ParseFloat reads without overflow", () => {
    // 08 is not octal, so it is read as the float 8; 2^64 is beyond uint64, so a float too
    const floats = ["1.5", "-1.", "+.5", "1e5", "1E+5", "1.5e-3", "08", "0_8", "-09.5", "18446744073709551616", "1e-400"];
    expect(quoted(floats)).toEqual([]);
    expect(plain(["1e400", "-1e400", "1.5.5", "1e", "1e+", "1.5f", "1,5", "1e5.5", "0x1p4"])).toEqual([]);
  });

  it("base-60 floats, which go-yaml quotes for YAML 1.1 readers", () => {
    expect(quoted(["1:20", "-1:20:30.5", "+1:2:3", "1_0:59", "190:20:30."])).toEqual([]);
    expect(plain(["1:60", "1:", ":1", "a:20", "1:2a", "1::2"])).toEqual([]);
  });
});

describe("timestamps as go-yaml's parseTimestamp reads them (Go's time.Parse)", () => {
  it("a date: four digits of year, a month and a day of one or two digits, checked against the calendar", () => {
    const dates = ["2024-06-30", "2024-6-3", "0001-01-01", "2024-02-29", "2000-02-29", "0000-02-29", "9999-12-31", "2024-04-30"];
    expect(dates.filter((s) => !isGoYamlTimestamp(s))).toEqual([]);
    const not = ["2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-01", "2024-1-00", "2024-1-0", "2024-001-01"];
    not.push("2024-01-001", "24-01-01", "20240-01-01", "2024/01/01", "2024-01-01x", "2024-01", "2024-01-", "-2024-01-01");
    expect(not.filter(isGoYamlTimestamp)).toEqual([]);
  });

  it("a date and time with T or t, a fraction after . or , and a zone Z or ±hh:mm (up to 24:60)", () => {
    const stamps = ["2024-01-01T00:00:00Z", "2024-01-01t1:2:3Z", "2024-01-01T23:59:59.123456789123+05:30", "2024-01-01T00:00:00,5Z"];
    stamps.push("2024-01-01T00:00:00-24:60", "2024-1-1T1:2:3+00:00");
    expect(stamps.filter((s) => !isGoYamlTimestamp(s))).toEqual([]);
    const not = ["2024-01-01T00:00:00", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z", "2024-01-01T00:00:00z"];
    not.push("2024-01-01T00:00:00+0530", "2024-01-01T00:00:00+25:00", "2024-01-01T00:00:00+05:61", "2024-01-01T00:00:00+5:30");
    not.push("2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Z ", "2024-01-01T00:00Z", "2024-01-01T000:00:00Z", "2024-01-01X00:00:00Z");
    expect(not.filter(isGoYamlTimestamp)).toEqual([]);
  });

  it("a date and time after spaces, without a zone", () => {
    expect(["2024-01-01 00:00:00", "2024-01-01   1:2:3.5", "2024-01-01 00:00:00,25"].filter((s) => !isGoYamlTimestamp(s))).toEqual([]);
    expect(["2024-01-01 00:00:00Z", "2024-01-01 ", "2024-01-01 00:00", "2024-01-01 00:00:00 +01:00"].filter(isGoYamlTimestamp)).toEqual([]);
  });

  it("are the strings go-yaml quotes for being timestamps", () => {
    expect(looksLikeOtherScalar("2024-06-30")).toBe(true);
    expect(looksLikeOtherScalar("2024-01-01T00:00:00Z")).toBe(true);
    expect(looksLikeOtherScalar("2023-02-29")).toBe(false);
  });
});

describe("numbers as controller-gen writes them", () => {
  it("an integer that fits int64 or uint64 in digits, as Go's JSON writes it and go-yaml reads it back as an int", () => {
    expect(formatNumber(1)).toBe("1");
    expect(formatNumber(-1)).toBe("-1");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(-0)).toBe("0"); // JSON -0 reads as the int 0
    expect(formatNumber(1e6)).toBe("1000000");
    expect(formatNumber(2 ** 53)).toBe("9007199254740992");
    // the float64 2^63 is written as its shortest digits, 9223372036854776000, which fits uint64
    expect(formatNumber(2 ** 63)).toBe("9223372036854776000");
    expect(formatNumber(18446744073709549568)).toBe("18446744073709550000");
    expect(formatNumber(10 ** 19)).toBe("10000000000000000000");
  });

  it("an integer beyond int64 and uint64 as a float64", () => {
    expect(formatNumber(-(2 ** 63))).toBe("-9.223372036854776e+18"); // -9223372036854776000 < MinInt64
    expect(formatNumber(2 ** 64)).toBe("1.8446744073709552e+19");
    expect(formatNumber(1e20)).toBe("1e+20");
    expect(formatNumber(-1e20)).toBe("-1e+20");
    expect(formatNumber(1e21)).toBe("1e+21");
    expect(formatNumber(1.5e300)).toBe("1.5e+300");
  });

  it("a fraction in Go's shortest %g: an exponent of two digits or more below -4 and from 6 up", () => {
    expect(formatNumber(0.5)).toBe("0.5");
    expect(formatNumber(-0.25)).toBe("-0.25");
    expect(formatNumber(0.0001)).toBe("0.0001");
    expect(formatNumber(0.00012)).toBe("0.00012");
    expect(formatNumber(0.00001)).toBe("1e-05");
    expect(formatNumber(0.000001)).toBe("1e-06");
    expect(formatNumber(-1.5e-7)).toBe("-1.5e-07");
    expect(formatNumber(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(formatNumber(999999.5)).toBe("999999.5");
    expect(formatNumber(1234567.5)).toBe("1.2345675e+06");
    expect(formatNumber(-1234567.5)).toBe("-1.2345675e+06");
    expect(formatNumber(5e-324)).toBe("5e-324");
    expect(formatNumber(Number.MAX_VALUE)).toBe("1.7976931348623157e+308");
  });

  it("formats a float64 as strconv.FormatFloat(f, 'g', -1, 64)", () => {
    expect(formatGoFloat(1)).toBe("1");
    expect(formatGoFloat(100000)).toBe("100000");
    expect(formatGoFloat(1e6)).toBe("1e+06");
    expect(formatGoFloat(123456789)).toBe("1.23456789e+08");
    expect(formatGoFloat(0)).toBe("0");
    expect(formatGoFloat(-0)).toBe("-0");
    expect(formatGoFloat(1e100)).toBe("1e+100");
  });

  it("keeps go-yaml's words for the non-finite floats JSON cannot hold", () => {
    expect([Infinity, -Infinity, NaN].map(formatNumber)).toEqual([".inf", "-.inf", ".nan"]);
  });
});

describe("toYaml", () => {
  it("writes timestamps double-quoted and numbers as controller-gen does", () => {
    const doc = { default: "2024-06-30", at: "2024-01-01T00:00:00Z", list: ["2024-6-3", "2023-02-29"], min: 0.000001, max: 1234567.5, big: 1e21, i: 3 };
    expect(toYaml([doc])).toBe(
      `---\nat: "2024-01-01T00:00:00Z"\nbig: 1e+21\ndefault: "2024-06-30"\ni: 3\nlist:\n- "2024-6-3"\n- 2023-02-29\nmax: 1.2345675e+06\nmin: 1e-06\n`,
    );
  });

  it("double-quotes a map key a reader would take for another type", () => {
    expect(toYaml([{ "2024-06-30": 1, "0755": 2, "1e400": 3 }])).toBe(`---\n"0755": 2\n1e400: 3\n"2024-06-30": 1\n`);
  });
});
