/**
 * The string formats a CRD schema may declare and how the API server checks them (kube-openapi's
 * strfmt registry, restricted to what apiextensions-apiserver supports). Names are normalized
 * as go-openapi does: dashes removed (`date-time` is `datetime`).
 */
import { parseGoDuration, parseRfc3339Date } from "./time-formats.js";

const re = (s: string, flags = "u"): RegExp => new RegExp(s, flags);

const UUID = re("^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", "iu");
const UUID3 = re("^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$", "iu");
const UUID4 = re("^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", "iu");
const UUID5 = re("^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", "iu");
const HOSTNAME = re(
  "^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9\\-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$",
);
const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35[0-9]{3})[0-9]{11})$/;
const HEXCOLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const OCTET = "(0|[1-9][0-9]?|1[0-9][0-9]?|2[0-4][0-9]|25[0-5])";
const SP = "[\\t\\n\\v\\f\\r ]*";
const RGBCOLOR = re(`^rgb\\(${SP}${OCTET}${SP},${SP}${OCTET}${SP},${SP}${OCTET}${SP}\\)$`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const SSN = /^[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}$/;
const SHORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LONG_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATE_TIME_TAIL = /^([0-9]{2}):([0-9]{2}):([0-9]{2})([^\n][0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/u;
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
const ADDR = `(?:${DOT_ATOM}|"(?:[^"\\\\]|\\\\.)*")@(?:${DOT_ATOM}|\\[[^\\[\\]\\\\]*\\])`;
const EMAIL = re(`^(?:${ADDR}|[^<>]*<${ADDR}>)$`);

const utf8Length = (s: string): number => Buffer.byteLength(s, "utf8");

function isHostname(s: string): boolean {
  if (!HOSTNAME.test(s) || utf8Length(s) > 255) return false;
  return s.split(".").every((p) => utf8Length(p) <= 63);
}

/** Go's IPv4 parser; `sloppy` accepts leading zeros as k8s.io/utils/net does. */
export function parseIPv4(s: string, sloppy: boolean): number[] | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p) || (!sloppy && p.length > 1 && p[0] === "0") || p.length > 3) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Go's `net.ParseIP` for IPv6 text (with an optional trailing dotted IPv4). */
export function parseIPv6(s: string, sloppy: boolean): boolean {
  let text = s;
  let groupsNeeded = 8;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    if (parseIPv4(text.slice(lastColon + 1), sloppy) === undefined) return false;
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | undefined => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return false;
  for (const g of [...head, ...tail]) if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
  const count = head.length + tail.length;
  if (halves.length === 2) return count < groupsNeeded;
  return count === groupsNeeded;
}

function isIP(s: string, sloppy: boolean): boolean {
  return parseIPv4(s, sloppy) !== undefined || (s.includes(":") && parseIPv6(s, sloppy));
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^[0-9]+$/.test(bits)) return false;
  const n = Number(bits);
  if (parseIPv4(addr, true) !== undefined) return n <= 32;
  return addr.includes(":") && parseIPv6(addr, true) && n <= 128;
}

function isMAC(s: string): boolean {
  if (/^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4})+$/.test(s)) {
    const n = s.split(".").length;
    return n === 3 || n === 4 || n === 10;
  }
  const m = /^[0-9a-fA-F]{2}([:-])/.exec(s);
  if (m === null) return false;
  const sep = m[1]!;
  const parts = s.split(sep);
  if (![6, 8, 20].includes(parts.length)) return false;
  return parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p));
}

function isISBN(s: string, version: 10 | 13): boolean {
  const d = s.replace(/[\s-]/g, "");
  if (version === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * Number(d[i]);
    sum += d[9] === "X" ? 100 : 10 * Number(d[9]);
    return sum % 11 === 0;
  }
  if (!/^[0-9]{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(d[12]);
}

function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]/g, "");
  if (!CREDIT_CARD.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = Number(d[i]);
    if (double) {
      n *= 2;
      if (n >= 10) n = (n % 10) + 1;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

function isRequestURI(s: string): boolean {
  if (/[\x00-\x1f\x7f]/.test(s)) return false;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return false;
  if (s.startsWith("/")) return true;
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:(.*)$/s.exec(s);
  if (m === null) return false;
  const rest = m[1]!;
  if (!rest.startsWith("//") || rest.startsWith("///")) return true;
  const authority = rest.slice(2).split(/[/?#]/, 1)[0]!;
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  if (host.startsWith("[")) return /^\[[^\]]*\](:[0-9]*)?$/.test(host);
  return /^[^\s:]*(:[0-9]*)?$/.test(host);
}

function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split("t");
  if (parts.length < 2 || parseRfc3339Date(parts[0]!) === undefined) return false;
  const m = DATE_TIME_TAIL.exec(parts[1]!);
  if (m === null) return false;
  return m[1]! <= "23" && m[2]! <= "59" && m[3]! <= "59";
}

const FORMATS: ReadonlyMap<string, (s: string) => boolean> = new Map<string, (s: string) => boolean>([
  ["bsonobjectid", (s) => /^[0-9a-fA-F]{24}$/.test(s)],
  ["uri", isRequestURI],
  ["email", (s) => EMAIL.test(s)],
  ["hostname", isHostname],
  ["ipv4", (s) => isIP(s, true) && s.includes(".")],
  ["ipv6", (s) => isIP(s, false) && s.includes(":")],
  ["cidr", isCIDR],
  ["mac", isMAC],
  ["uuid", (s) => UUID.test(s)],
  ["uuid3", (s) => UUID3.test(s)],
  ["uuid4", (s) => UUID4.test(s)],
  ["uuid5", (s) => UUID5.test(s)],
  ["isbn", (s) => isISBN(s, 10) || isISBN(s, 13)],
  ["isbn10", (s) => isISBN(s, 10)],
  ["isbn13", (s) => isISBN(s, 13)],
  ["creditcard", isCreditCard],
  ["ssn", (s) => s.length === 11 && SSN.test(s)],
  ["hexcolor", (s) => HEXCOLOR.test(s)],
  ["rgbcolor", (s) => RGBCOLOR.test(s)],
  ["byte", (s) => BASE64.test(s)],
  ["password", () => true],
  ["date", (s) => parseRfc3339Date(s) !== undefined],
  ["duration", (s) => parseGoDuration(s) !== undefined],
  ["datetime", isDateTime],
  ["k8sshortname", (s) => s.length <= 63 && SHORT_NAME.test(s)],
  ["k8slongname", (s) => s.length <= 253 && LONG_NAME.test(s)],
]);

/** go-openapi's name normalization: dashes removed. */
export function normalizeFormat(name: string): string {
  return name.replace(/-/g, "");
}

/** The checker for a (supported) string format, or undefined. */
export function formatChecker(name: string): ((s: string) => boolean) | undefined {
  return FORMATS.get(normalizeFormat(name));
}

/**
 * The format the server keeps for a schema node: string formats it does not support, and
 * numeric formats other than int32/int64 (integer) and float/double (number), are dropped
 * (`StripUnsupportedFormatsPostProcessor`).
 */
export function effectiveFormat(type: string | undefined, format: string | undefined): string {
  if (format === undefined || format === "") return "";
  switch (type) {
    case undefined:
    case "string":
      return FORMATS.has(normalizeFormat(format)) ? format : "";
    case "integer":
      return format === "int32" || format === "int64" ? format : "";
    case "number":
      return format === "float" || format === "double" ? format : "";
    default:
      return "";
  }
}
