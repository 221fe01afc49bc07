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

/** A controller's name (`--controller-name`): a DNS-1035 label, as kubebuilder checks it (`captain-backup`). */
export function isControllerName(value: string): boolean {
  return value.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** What two controller names must not share: they would give the same file, class and setup function (`foo-bar`, `foobar`). */
export function controllerKey(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
}

export function checkControllerName(name: string): string {
  if (!isControllerName(name)) throw new FlagError("--controller-name", name, "a DNS-1035 label such as captain-backup (a lower-case letter, then lower-case letters, digits and '-', at most 63)");
  return name;
}

/**
 * An admission webhook's path: `/` then letters, digits and `-._~/`, no empty or `..` segment,
 * at most 253 characters; the characters a `+kubebuilder:webhook` marker's `path=` carries
 * unquoted and a URL carries unescaped. `/convert` is the conversion webhook's.
 */
export function isWebhookPath(value: string): boolean {
  return value.length <= 253 && /^(\/[A-Za-z0-9._~-]+)+$/.test(value) && !value.split("/").includes("..") && !value.split("/").includes(".") && value !== "/convert";
}

export function checkWebhookPath(path: string, flag: string): string {
  if (!isWebhookPath(path)) throw new FlagError(flag, path, "an HTTP path such as /mutate-ship (a '/' then letters, digits and '-._~/', no empty, '.' or '..' segment; not /convert, the conversion webhook's)");
  return path;
}

const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** The package an npm module specifier or package spec names (`@acme/types/v1` → `@acme/types`). */
export function npmPackageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * Where an external kind's TypeScript type is imported from (`--external-api-path`): an npm
 * module specifier (`@acme/certmanager-types`, `certmanager-types/v1`), or `./` and a file of
 * the project without its extension (`./src/external/certmanager-v1`).
 */
export function isExternalApiPath(value: string): boolean {
  if (value.length > 214) return false;
  const segments = value.startsWith("./") ? value.slice(2).split("/") : value.split("/").slice(value.startsWith("@") ? 2 : 1);
  if (!value.startsWith("./") && !NPM_NAME.test(npmPackageOf(value))) return false;
  return segments.every((s) => /^[A-Za-z0-9_][A-Za-z0-9_.~-]*$/.test(s)) && (value.startsWith("./") ? segments.length > 0 && segments[0] !== "" : true);
}

export function checkExternalApiPath(path: string): string {
  if (!isExternalApiPath(path)) {
    throw new FlagError("--external-api-path", path, "an npm module exporting the kind's type, such as @acme/certmanager-types or certmanager-types/v1, or ./ and a file of this project without its extension, such as ./src/external/certmanager-v1");
  }
  return path;
}

/** An npm package to depend on, with an optional version or range (`--external-api-module`): `@acme/certmanager-types@1.2.0`. */
export function isExternalApiModule(value: string): boolean {
  const { name, version } = splitExternalApiModule(value);
  return name.length <= 214 && NPM_NAME.test(name) && /^[0-9A-Za-z.^~*+<>=|-]+$/.test(version);
}

export function checkExternalApiModule(module: string): string {
  if (!isExternalApiModule(module)) throw new FlagError("--external-api-module", module, "an npm package with an optional version, such as @acme/certmanager-types@1.2.0 or certmanager-types");
  return module;
}

/** The package name and version range of an `--external-api-module` value (`*` when it gives none). */
export function splitExternalApiModule(module: string): { name: string; version: string } {
  const at = module.indexOf("@", 1);
  return at < 0 ? { name: module, version: "*" } : { name: module.slice(0, at), version: module.slice(at + 1) };
}
