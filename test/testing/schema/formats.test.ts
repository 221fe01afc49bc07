import { describe, expect, it } from "vitest";
import { parseQuantity } from "../../../src/testing/schema/cel/quantity.js";
import { effectiveFormat, formatChecker } from "../../../src/testing/schema/formats.js";
import { compilePattern } from "../../../src/testing/schema/pattern.js";
import { parseDateTime, parseGoDuration } from "../../../src/testing/schema/time-formats.js";

const check = (format: string, value: string): boolean => formatChecker(format)!(value);

describe("string formats", () => {
  it.each([
    ["date-time", "2024-01-02T03:04:05Z", true],
    ["date-time", "2024-01-02t03:04:05.123+01:00", true],
    ["date-time", "2024-01-02T24:00:00Z", false],
    ["date-time", "2024-01-02 03:04:05Z", false],
    ["date", "2024-02-29", true],
    ["date", "2024-13-01", false],
    ["duration", "1h2m3.5s", true],
    ["duration", "3 days", true],
    ["duration", "10 parsecs", false],
    ["byte", "aGk=", true],
    ["byte", "", false],
    ["uuid", "123E4567E89B12D3A456426614174000", true],
    ["uuid4", "123e4567-e89b-42d3-a456-426614174000", true],
    ["uuid4", "123e4567-e89b-12d3-a456-426614174000", false],
    ["ipv4", "010.0.0.1", true],
    ["ipv4", "::ffff:10.0.0.1", true],
    ["ipv6", "fe80::1", true],
    ["ipv6", "10.0.0.1", false],
    ["ipv6", "1:2:3:4:5:6:7:8:9", false],
    ["cidr", "fd00::/64", true],
    ["cidr", "10.0.0.1", false],
    ["mac", "01:23:45:67:89:ab", true],
    ["mac", "0123.4567.89ab", true],
    ["mac", "01:23:45", false],
    ["hostname", "my-host.example.com", true],
    ["hostname", "a..b", false],
    ["email", "someone@example.com", true],
    ["email", "Someone <someone@example.com>", true],
    ["email", "not an email", false],
    ["uri", "https://example.com/a?b=c", true],
    ["uri", "/just/a/path", true],
    ["uri", "relative/path", false],
    ["uri", "http://exa mple.com", false],
    ["isbn10", "0-306-40615-2", true],
    ["isbn13", "978-0-306-40615-7", true],
    ["isbn13", "978-0-306-40615-8", false],
    ["creditcard", "4111 1111 1111 1111", true],
    ["creditcard", "4111 1111 1111 1112", false],
    ["ssn", "123-45-6789", true],
    ["hexcolor", "#a1B2c3", true],
    ["rgbcolor", "rgb(0, 128,255)", true],
    ["rgbcolor", "rgb(0,128,256)", false],
    ["bsonobjectid", "507f1f77bcf86cd799439011", true],
    ["k8s-long-name", "a.b-c.d", true],
    ["k8s-long-name", "A.b", false],
  ])("%s %j → %s", (format, value, ok) => {
    expect(check(format, value)).toBe(ok);
  });

  it("keeps only the formats the server supports for each type", () => {
    expect(effectiveFormat("string", "date-time")).toBe("date-time");
    expect(effectiveFormat("string", "int32")).toBe("");
    expect(effectiveFormat("integer", "int32")).toBe("int32");
    expect(effectiveFormat("integer", "uint64")).toBe("");
    expect(effectiveFormat("number", "double")).toBe("double");
    expect(effectiveFormat("boolean", "date")).toBe("");
  });
});

describe("time parsing", () => {
  it("parses Go durations to nanoseconds", () => {
    expect(parseGoDuration("1h30m")).toBe(5_400_000_000_000n);
    expect(parseGoDuration("-1.5s")).toBe(-1_500_000_000n);
    expect(parseGoDuration("300ms")).toBe(300_000_000n);
    expect(parseGoDuration("2 weeks")).toBe(1_209_600_000_000_000n);
    expect(parseGoDuration("")).toBeUndefined();
  });

  it("parses date-times to seconds and nanoseconds", () => {
    expect(parseDateTime("1970-01-01T00:00:01.5Z")).toEqual({ seconds: 1n, nanos: 500_000_000 });
    expect(parseDateTime("1970-01-01T01:00:00+01:00")).toEqual({ seconds: 0n, nanos: 0 });
    expect(parseDateTime("nope")).toBeUndefined();
  });
});

describe("quantities", () => {
  it("parse exactly, with binary, decimal and exponent suffixes", () => {
    expect(parseQuantity("1Ki").compare(parseQuantity("1024"))).toBe(0);
    expect(parseQuantity("1.5G").compare(parseQuantity("1500M"))).toBe(0);
    expect(parseQuantity("100m").compare(parseQuantity("0.1"))).toBe(0);
    expect(parseQuantity("1e3").toInt64()).toBe(1000n);
    expect(parseQuantity("-2").compare(parseQuantity("1"))).toBe(-1);
    expect(() => parseQuantity("abc")).toThrow(/quantities must match/);
    expect(() => parseQuantity("1Qi")).toThrow(/quantities must match/);
  });
});

describe("patterns", () => {
  it("report Go's error for invalid RE2", () => {
    expect(compilePattern("(a")).toEqual({ ok: false, error: "error parsing regexp: missing closing ): `(a`" });
    expect(compilePattern("a(?=b)").ok).toBe(false);
  });
});
