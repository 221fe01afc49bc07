import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, isIPv6 } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { CertificateAuthority } from "../pki/certificate-authority.js";
import { clone, isObject, type JsonObject } from "../store/json.js";

/**
 * Where the webhooks of a test environment come from and where the local webhook server
 * listens, as envtest's `WebhookInstallOptions`. Every webhook's `clientConfig` is rewritten
 * to call `https://<localServingHost>:<localServingPort><path>` with a CA made for the test,
 * so a `WebhookServer` started with {@link LocalWebhookServing}'s host, port and certDir is
 * what the API server calls.
 */
export interface WebhookInstallOptions {
  /**
   * Files or directories of YAML (e.g. `["config/webhook"]`; directories are not searched
   * recursively): their MutatingWebhookConfiguration and ValidatingWebhookConfiguration
   * documents are taken, documents of other kinds (a Service, kustomization.yaml) skipped.
   */
  readonly paths?: readonly string[] | undefined;
  /** MutatingWebhookConfiguration objects, besides those of `paths`. */
  readonly mutatingWebhooks?: readonly object[] | undefined;
  /** ValidatingWebhookConfiguration objects, besides those of `paths`. */
  readonly validatingWebhooks?: readonly object[] | undefined;
  /** The host the local webhook server listens on and the API server calls (default "127.0.0.1"). */
  readonly localServingHost?: string | undefined;
  /** Its port (default: a free port, found by binding port 0 once). */
  readonly localServingPort?: number | undefined;
  /** Where tls.crt and tls.key are written (default: a new temporary directory, removed by cleanup). */
  readonly localServingCertDir?: string | undefined;
  /**
   * CRD names (`<plural>.<group>`) whose conversion goes to the local server's `/convert`;
   * CRDs that already declare `conversion.strategy: Webhook` are included too.
   */
  readonly conversionCrds?: readonly string[] | undefined;
}

/** Where the local webhook server must serve: pass `{ host, port, certDir }` to `new WebhookServer(...)`. */
export interface LocalWebhookServing {
  readonly host: string;
  readonly port: number;
  /** Holds tls.crt and tls.key: a serving certificate for the host, localhost and 127.0.0.1. */
  readonly certDir: string;
  /** The CA certificate (PEM) the API server trusts for the webhooks (their caBundle). */
  readonly caData: Buffer;
  /** `https://<host>:<port><path>`. */
  url(path: string): string;
}

/** What {@link prepareWebhookInstall} made. */
export interface PreparedWebhooks {
  readonly serving: LocalWebhookServing;
  /** Copies of the configurations with every webhook's clientConfig pointing at the local server. */
  readonly configurations: JsonObject[];
  /**
   * Copies of `crds` where the CRDs named in `conversionCrds` and those declaring
   * `conversion.strategy: Webhook` convert through the local server's `/convert`. Throws
   * when a name of `conversionCrds` is not among `crds`.
   */
  patchCrds(crds: readonly object[]): JsonObject[];
  /** Removes the certificate directory when it was made here. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** A webhook file or configuration that cannot be used; the message names the file (or option) and what is wrong. */
export class WebhookInstallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WebhookInstallError";
  }
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const CONFIGURATION_KINDS = new Set(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

async function filesOf(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new WebhookInstallError(`webhookInstallOptions.paths: "${path}" cannot be read (${(e as Error).message}); expected a directory of webhook configuration YAML files, or one such file`, {
      cause: e,
    });
  }
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(path, e.name))
    .sort();
}

/** A configuration and where it came from (a file, or an option), for messages. */
interface Sourced {
  readonly source: string;
  readonly object: JsonObject;
}

async function readConfigurationFiles(paths: readonly string[]): Promise<Sourced[]> {
  const out: Sourced[] = [];
  for (const path of paths) {
    for (const file of await filesOf(path)) {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        throw new WebhookInstallError(`${file}: cannot be read: ${(e as Error).message}`, { cause: e });
      }
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) throw new WebhookInstallError(`${file}: not valid YAML: ${doc.errors[0]!.message}`);
        const value: unknown = doc.toJS();
        if (isObject(value) && CONFIGURATION_KINDS.has(str(value["kind"])) && str(value["apiVersion"]).startsWith("admissionregistration.k8s.io/")) {
          out.push({ source: file, object: value });
        }
      }
    }
  }
  return out;
}

function fromOption(objects: readonly object[] | undefined, option: string, kind: string): Sourced[] {
  return (objects ?? []).map((o, i) => {
    const source = `webhookInstallOptions.${option}[${i}]`;
    if (!isObject(o)) throw new WebhookInstallError(`${source}: expected a ${kind} object`);
    const object = clone(o);
    if (object["kind"] !== undefined && object["kind"] !== kind) throw new WebhookInstallError(`${source}: expected a ${kind}, got kind ${JSON.stringify(object["kind"])}`);
    object["kind"] = kind;
    object["apiVersion"] ??= "admissionregistration.k8s.io/v1";
    return { source, object };
  });
}

/** The path a webhook is called on: its service's path, or its URL's path and query. */
function pathOf(source: string, label: string, webhook: JsonObject): string {
  const cc = isObject(webhook["clientConfig"]) ? webhook["clientConfig"] : undefined;
  if (!cc) throw new WebhookInstallError(`${source}: ${label} has no clientConfig`);
  const service = isObject(cc["service"]) ? cc["service"] : undefined;
  if (service && str(service["path"])) {
    const path = str(service["path"]);
    return path.startsWith("/") ? path : `/${path}`;
  }
  const url = str(cc["url"]);
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new WebhookInstallError(`${source}: ${label} has clientConfig.url "${url}", which is not a URL`);
    }
    if (parsed.pathname !== "/" || parsed.search) return `${parsed.pathname}${parsed.search}`;
  }
  throw new WebhookInstallError(
    `${source}: ${label} has no path: set clientConfig.service.path (kb generate writes it from the +kubebuilder:webhook marker's path) or a clientConfig.url with a path`,
  );
}

function checkAndRewrite(item: Sourced, serving: LocalWebhookServing, caBundle: string): JsonObject {
  const object = clone(item.object);
  const kind = str(object["kind"]);
  const name = isObject(object["metadata"]) ? str(object["metadata"]["name"]) : "";
  if (!name) throw new WebhookInstallError(`${item.source}: a ${kind} needs metadata.name`);
  const webhooks = Array.isArray(object["webhooks"]) ? object["webhooks"] : [];
  if (webhooks.length === 0) throw new WebhookInstallError(`${item.source}: ${kind} "${name}" has no webhooks`);
  webhooks.forEach((w, i) => {
    if (!isObject(w)) throw new WebhookInstallError(`${item.source}: ${kind} "${name}": webhooks[${i}] is not an object`);
    const label = `${kind} "${name}" webhooks[${i}]${str(w["name"]) ? ` ("${str(w["name"])}")` : ""}`;
    if (!str(w["name"])) throw new WebhookInstallError(`${item.source}: ${label} has no name`);
    const path = pathOf(item.source, label, w);
    w["clientConfig"] = { url: serving.url(path), caBundle };
  });
  return object;
}

/** A port that is free on `host` now (bound once, then released). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (e) => reject(new WebhookInstallError(`cannot find a free port on ${host}: ${e.message}`, { cause: e })));
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Prepares webhooks for a test environment, as envtest's `WebhookInstallOptions` does:
 * reads the configurations, makes a CA and a serving certificate (tls.crt, tls.key in
 * `certDir`) for the local webhook server, and points every webhook (and, through
 * `patchCrds`, every conversion) at that server with the CA as caBundle. Any backend
 * installs `configurations` and the patched CRDs; `startTestEnv({ webhookInstallOptions })`
 * does all of it.
 * @example
 * ```ts
 * const prepared = await prepareWebhookInstall({ paths: ["config/webhook"] });
 * const server = new WebhookServer({ host: prepared.serving.host, port: prepared.serving.port, certDir: prepared.serving.certDir });
 * ```
 */
export async function prepareWebhookInstall(options: WebhookInstallOptions = {}): Promise<PreparedWebhooks> {
  const sourced = [
    ...(await readConfigurationFiles(options.paths ?? [])),
    ...fromOption(options.mutatingWebhooks, "mutatingWebhooks", "MutatingWebhookConfiguration"),
    ...fromOption(options.validatingWebhooks, "validatingWebhooks", "ValidatingWebhookConfiguration"),
  ];
  const host = options.localServingHost ?? "127.0.0.1";
  const port = options.localServingPort ?? (await freePort(host));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new WebhookInstallError(`webhookInstallOptions.localServingPort: ${port} is not a port (1-65535)`);
  const ca = await CertificateAuthority.create("kubebuilder-ts-webhook-ca");
  const hostInUrl = isIPv6(host) ? `[${host}]` : host;
  let certDir = options.localServingCertDir;
  const madeDir = certDir === undefined;
  certDir ??= await mkdtemp(join(tmpdir(), "kb-webhook-serving-"));
  const dir = certDir;
  const serving: LocalWebhookServing = {
    host,
    port,
    certDir: dir,
    caData: ca.cert,
    url: (path) => `https://${hostInUrl}:${port}${path.startsWith("/") ? path : `/${path}`}`,
  };
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    if (madeDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const caBundle = ca.cert.toString("base64");
    const configurations = sourced.map((s) => checkAndRewrite(s, serving, caBundle));
    const pair = await ca.issueServing([...new Set([host, "localhost", "127.0.0.1"])]);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "tls.crt"), pair.cert);
    await writeFile(join(dir, "tls.key"), pair.key, { mode: 0o600 });
    const conversionCrds = options.conversionCrds ?? [];
    return {
      serving,
      configurations,
      patchCrds(crds) {
        const names = new Set<string>();
        const out = crds.map((crd) => {
          const copy = clone(crd) as JsonObject;
          const name = isObject(copy["metadata"]) ? str(copy["metadata"]["name"]) : "";
          names.add(name);
          const spec = isObject(copy["spec"]) ? copy["spec"] : undefined;
          const declared = spec && isObject(spec["conversion"]) && spec["conversion"]["strategy"] === "Webhook";
          if (spec && (declared || conversionCrds.includes(name))) {
            spec["conversion"] = { strategy: "Webhook", webhook: { clientConfig: { url: serving.url("/convert"), caBundle }, conversionReviewVersions: ["v1"] } };
          }
          return copy;
        });
        const missing = conversionCrds.filter((n) => !names.has(n));
        if (missing.length > 0) {
          throw new WebhookInstallError(
            `webhookInstallOptions.conversionCrds: no CRD named ${missing.map((n) => `"${n}"`).join(", ")} among the CRDs installed (${[...names].sort().join(", ") || "none"}); names are <plural>.<group>`,
          );
        }
        return out;
      },
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
