import { KbError } from "../../diagnostics/index.js";

/** A bad flag value: refused before anything is read or written. */
export class FlagError extends KbError {
  constructor(flag: string, value: string, expected: string) {
    super("bad-flag", `${flag} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = "FlagError";
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 subdomain: dot-separated lower-case labels, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split(".").every((l) => l.length <= 63 && DNS_LABEL.test(l));
}

export function isDnsLabel(value: string): boolean {
  return value.length > 0 && value.length <= 63 && DNS_LABEL.test(value);
}

/** `v1`, `v2`, `v1alpha1`, `v1beta2`: the Kubernetes API version form. */
export function isApiVersion(value: string): boolean {
  return /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/.test(value);
}

/** PascalCase: an upper-case letter, then letters and digits. */
export function isPascalCase(value: string): boolean {
  return /^[A-Z][A-Za-z0-9]*$/.test(value);
}

export function checkDomain(domain: string, flag = "--domain"): string {
  if (!isDnsSubdomain(domain)) throw new FlagError(flag, domain, "a DNS subdomain such as example.com (lower-case letters, digits, '-' and '.')");
  return domain;
}

export function checkGroup(group: string): string {
  if (!isDnsSubdomain(group)) throw new FlagError("--group", group, "a DNS subdomain such as batch or ship (lower-case letters, digits, '-' and '.')");
  return group;
}

export function checkVersion(version: string, flag = "--version"): string {
  if (!isApiVersion(version)) throw new FlagError(flag, version, "a Kubernetes API version such as v1, v2, v1alpha1 or v1beta2");
  return version;
}

export function checkKind(kind: string): string {
  if (!isPascalCase(kind)) throw new FlagError("--kind", kind, "a PascalCase kind such as CronJob (an upper-case letter, then letters and digits)");
  if (kind.length > 63) throw new FlagError("--kind", kind, "at most 63 characters");
  return kind;
}

export function checkPlural(plural: string): string {
  if (!isDnsLabel(plural)) throw new FlagError("--plural", plural, "a lower-case DNS label such as cronjobs");
  return plural;
}

/**
 * Characters refused in free text that lands in comments of generated files: control
 * characters (a carriage return ends a `#` comment line), the line and paragraph separators
 * (which end a line in JavaScript) and the bidirectional overrides that make code read
 * differently from how it runs.
 */
const UNSAFE_TEXT = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Where `text` holds a character refused in free text (see {@link checkOwner}), with its code point. */
export function unsafeCharacter(text: string): { index: number; codePoint: string } | undefined {
  const m = UNSAFE_TEXT.exec(text);
  return m ? { index: m.index, codePoint: `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` } : undefined;
}

/**
 * The copyright owner: any printable text of one line (it is escaped where it lands:
 * comments end nowhere early, Markdown shows it as text), at most 200 characters.
 */
export function checkOwner(owner: string): string {
  const bad = unsafeCharacter(owner);
  if (bad) throw new FlagError("--owner", owner, `printable text on one line (${bad.codePoint} at character ${bad.index + 1} is not)`);
  if (owner.length > 200) throw new FlagError("--owner", owner, "at most 200 characters");
  return owner;
}

export function checkProjectName(name: string, flag = "--project-name"): string {
  if (!isDnsLabel(name)) throw new FlagError(flag, name, "a DNS label such as my-operator (lower-case letters, digits and '-', at most 63)");
  return name;
}

/**
 * Kubernetes' own API groups and the domain each lives under ("" for the legacy and the
 * unsuffixed groups), so `--group apps --kind Deployment` is known as a core kind.
 */
export const CORE_GROUPS: Readonly<Record<string, string>> = {
  admission: "k8s.io",
  admissionregistration: "k8s.io",
  apiextensions: "k8s.io",
  apiregistration: "k8s.io",
  apps: "",
  authentication: "k8s.io",
  authorization: "k8s.io",
  autoscaling: "",
  batch: "",
  certificates: "k8s.io",
  coordination: "k8s.io",
  core: "",
  discovery: "k8s.io",
  events: "k8s.io",
  flowcontrol: "apiserver.k8s.io",
  networking: "k8s.io",
  node: "k8s.io",
  policy: "",
  rbac: "authorization.k8s.io",
  resource: "k8s.io",
  scheduling: "k8s.io",
  storage: "k8s.io",
};

/** The API group as the API server names it: `<group>.<domain>`, or the group alone. */
export function qualifiedGroup(group: string, domain: string | undefined): string {
  if (group === "core" && !domain) return "";
  return domain ? `${group}.${domain}` : group;
}
