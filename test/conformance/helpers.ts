// The differential conformance suites: the same assertions against the in-process API server
// and a real kube-apiserver (when KUBEBUILDER_ASSETS names its binaries), over HTTP through the
// runtime's transport. See docs/testing-differences.md for the differences the suites pin.
import type http from "node:http";
import { afterAll, beforeAll, describe } from "vitest";
import { KubeConfigCredentials } from "../../src/runtime/client/kube-credentials.js";
import { HttpTransport, type JsonStream } from "../../src/runtime/client/transport.js";
import { ApiError } from "../../src/runtime/errors.js";
import { startTestEnv, type TestEnv, type TestEnvOptions } from "../../src/testing/env/start-test-env.js";
import { realAssets, skipReal } from "../helpers/real-kubernetes.js";
import { CRD_DIR } from "../testing/helpers.js";

/** The two backends every conformance suite runs on. */
export type BackendName = "in-process" | "real";

/** An HTTP answer: status code, parsed JSON body (or text), headers. */
export interface Answer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly headers: http.IncomingHttpHeaders;
}

/** What a request sends besides method and path. */
export interface Send {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  readonly body?: unknown;
  readonly contentType?: string | undefined;
}

/** One started backend: its environment and a raw client for it. */
export interface Backend {
  readonly name: BackendName;
  readonly env: TestEnv;
  /** Sends one request; any status code resolves (the body parsed when it is JSON). */
  request(method: string, path: string, send?: Send): Promise<Answer>;
  get(path: string, query?: Send["query"]): Promise<Answer>;
  post(path: string, body: unknown, query?: Send["query"]): Promise<Answer>;
  put(path: string, body: unknown, query?: Send["query"]): Promise<Answer>;
  patch(path: string, type: "merge" | "json" | "strategic" | "apply", body: unknown, query?: Send["query"]): Promise<Answer>;
  delete(path: string, body?: unknown, query?: Send["query"]): Promise<Answer>;
  /** Starts a watch (a GET with watch=true) through the runtime's HttpTransport. */
  watch(path: string, query?: Send["query"]): Promise<Watch>;
  /** A fresh namespace for one test (created, Active). */
  namespace(prefix?: string): Promise<string>;
  /** Whether this is the real API server. */
  readonly real: boolean;
}

/** A watch's events, collected as they arrive. */
export interface Watch {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly events: { type: string; object: any }[];
  /** Whether the server ended the stream. */
  readonly ended: boolean;
  /** Waits until `check` holds over the events (or the stream ended, if `orEnd`). */
  until(check: (events: Watch["events"]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

const CONTENT_TYPES = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

/** Polls until `check` holds: short rounds, a generous bound (robust on a loaded machine). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const got = await check();
    if (got) return got as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let counter = 0;
/** A name unique in this test file. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

function makeBackend(name: BackendName, env: TestEnv): Backend & { close(): void } {
  const credentials = new KubeConfigCredentials(env.kubeConfig, { userAgent: "conformance/1.0", ttlMs: 60_000 });
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig, userAgent: "conformance/1.0" });
  const request = async (method: string, path: string, send: Send = {}): Promise<Answer> => {
    const { credentials: c } = await credentials.current();
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(send.query ?? {})) if (v !== undefined) params.append(k, String(v));
    const qs = params.toString();
    const payload = send.body === undefined ? undefined : typeof send.body === "string" ? send.body : JSON.stringify(send.body);
    const headers: http.OutgoingHttpHeaders = { ...c.headers, Accept: "application/json" };
    if (payload !== undefined) {
      headers["Content-Type"] = send.contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(payload);
    }
    return await new Promise<Answer>((resolve, reject) => {
      const req = c.module.request(
        { protocol: c.protocol, hostname: c.hostname, port: c.port, path: `${c.basePath}${path}${qs ? `?${qs}` : ""}`, method, headers, agent: c.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = text.length > 0 ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: the text
            }
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
          });
        },
      );
      req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${path}: no answer within 120 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  };
  const backend: Backend & { close(): void } = {
    name,
    env,
    real: name === "real",
    request,
    get: (path, query) => request("GET", path, { query }),
    post: (path, body, query) => request("POST", path, { body, query }),
    put: (path, body, query) => request("PUT", path, { body, query }),
    patch: (path, type, body, query) =>
      request("PATCH", path, { body: typeof body === "string" ? body : JSON.stringify(body), contentType: CONTENT_TYPES[type], query }),
    delete: (path, body, query) => request("DELETE", path, { body, query }),
    async watch(path, query = {}) {
      let stream: JsonStream;
      const events: Watch["events"] = [];
      let ended = false;
      try {
        stream = await transport.stream({ path, query: { ...query, watch: true }, readTimeoutMs: 300_000 });
      } catch (e) {
        if (e instanceof ApiError) throw new Error(`watch ${path}: ${e.statusCode} ${JSON.stringify(e.body)}`);
        throw e;
      }
      const done = (async () => {
        try {
          for await (const value of stream) events.push(value as Watch["events"][number]);
        } catch {
          // closed
        } finally {
          ended = true;
        }
      })();
      void done;
      return {
        events,
        get ended() {
          return ended;
        },
        async until(check, what, timeoutMs = 30_000) {
          await eventually(() => check(events) || (ended && check(events)), `${what} (events so far: ${JSON.stringify(events.map((e) => `${e.type} ${e.object?.metadata?.name ?? e.object?.metadata?.resourceVersion ?? ""}`))})`, timeoutMs);
        },
        close: () => stream.close(),
      };
    },
    async namespace(prefix = "ns") {
      const ns = unique(prefix);
      const r = await request("POST", "/api/v1/namespaces", { body: { metadata: { name: ns } } });
      if (r.status !== 201) throw new Error(`creating namespace ${ns}: ${r.status} ${JSON.stringify(r.body)}`);
      return ns;
    },
    close() {
      credentials.close();
      transport.close();
    },
  };
  return backend;
}

/** The fixture CRDs of the conformance suites: the testing kit's (widgets, gadgets) and the conformance ones. */
export const CONFORMANCE_CRDS = [CRD_DIR, new URL("./fixtures/crds", import.meta.url).pathname];

/** What a suite's environments are started with: the same for both backends, or per backend. */
export type BackendOptions = Omit<TestEnvOptions, "backend" | "binaryAssetsDirectory"> | ((name: BackendName) => Omit<TestEnvOptions, "backend" | "binaryAssetsDirectory">);

/** Starts one backend with the conformance CRDs (and `options`). */
export async function startBackend(name: BackendName, options: BackendOptions = {}): Promise<Backend & { close(): void }> {
  const found = realAssets();
  const env = await startTestEnv({
    crdDirectoryPaths: CONFORMANCE_CRDS,
    ...(typeof options === "function" ? options(name) : options),
    ...(name === "real" ? { backend: "real", binaryAssetsDirectory: "directory" in found ? found.directory : undefined } : { backend: "in-process" }),
  });
  return makeBackend(name, env);
}

/** The environments of this test file, by backend and options: one each, shared by its suites. */
const shared = new Map<string, Promise<Backend & { close(): void }>>();
let stopRegistered = false;

/** The file's environment for `name` and `options`, started on first use; stopped after the file's last test. */
function sharedBackend(name: BackendName, options: BackendOptions): Promise<Backend & { close(): void }> {
  const resolved = typeof options === "function" ? options(name) : options;
  const key = `${name} ${JSON.stringify(resolved)}`;
  let started = shared.get(key);
  if (!started) {
    started = startBackend(name, resolved);
    shared.set(key, started);
  }
  return started;
}

/**
 * Declares `title` once per backend: `[in-process]` always, `[real]` when the assets are there
 * (else skipped, and the skip is noted for the run's summary). The environment of each backend
 * is started once per test file (in the first suite's beforeAll) and shared by the file's
 * suites, with the conformance CRDs; tests get it through `backend()` and keep apart in
 * namespaces of their own.
 */
export function forEachBackend(title: string, body: (backend: () => Backend) => void, options: BackendOptions = {}): void {
  if (!stopRegistered) {
    stopRegistered = true;
    afterAll(async () => {
      const all = await Promise.allSettled([...shared.values()]);
      shared.clear();
      for (const r of all) {
        if (r.status !== "fulfilled") continue;
        r.value.close();
        await r.value.env.stop();
      }
    }, 60_000);
  }
  for (const name of ["in-process", "real"] as const) {
    const skip = name === "real" && skipReal(title);
    describe.skipIf(skip)(`${title} [${name}]`, () => {
      let started: Backend | undefined;
      beforeAll(async () => {
        started = await sharedBackend(name, options);
      }, 120_000);
      body(() => {
        if (!started) throw new Error(`the ${name} backend did not start`);
        return started;
      });
    });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const VOLATILE_META = new Set(["uid", "creationTimestamp", "resourceVersion", "deletionTimestamp"]);

/**
 * An object with what differs between any two servers replaced: uid, timestamps and
 * resourceVersion become "<set>" (absent stays absent), managedFields times "<time>".
 */
export function shape(object: Any): Any {
  if (object === null || typeof object !== "object") return object;
  const out: Any = structuredClone(object);
  const m = out.metadata;
  if (m && typeof m === "object") {
    for (const k of VOLATILE_META) if (m[k] !== undefined) m[k] = "<set>";
    if (Array.isArray(m.managedFields)) for (const f of m.managedFields) if (f.time !== undefined) f.time = "<time>";
    if (Array.isArray(m.ownerReferences)) for (const r of m.ownerReferences) if (r.uid !== undefined) r.uid = "<uid>";
  }
  if (Array.isArray(out.items)) out.items = out.items.map(shape);
  if (out.metadata && typeof out.metadata.resourceVersion === "string" && out.kind?.endsWith?.("List")) out.metadata.resourceVersion = "<set>";
  return out;
}

/** A field error's text as a Status message prints it. */
const causeText = (c: { field?: string; message?: string }): string => `${c.field ?? ""}: ${c.message ?? ""}`;

/**
 * An error answer as code and Status, made comparable across servers: causes deduplicated
 * and sorted, and a message listing several causes (`... is invalid: [a, b]`) with them in
 * sorted order. A real API server reports OpenAPI validation errors in Go map order (so in
 * any order) and repeats metadata errors of updates (see docs/testing-differences.md).
 */
export function statusOf(answer: Answer): Any {
  const body: Any = structuredClone(answer.body);
  if (body === null || typeof body !== "object" || body.kind !== "Status") {
    throw new Error(`expected a Status body, got ${answer.status}: ${typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body)}`);
  }
  const causes: Any[] | undefined = body.details?.causes;
  if (causes) {
    const seen = new Map<string, Any>();
    for (const c of causes) seen.set(JSON.stringify([c.field, c.reason, c.message]), c);
    body.details.causes = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
    const texts = [...new Set(body.details.causes.map(causeText))] as string[];
    const at = typeof body.message === "string" ? body.message.indexOf(": [") : -1;
    if (at >= 0 && texts.length > 1 && body.message.endsWith("]")) {
      const inside = body.message.slice(at + 3, -1) as string;
      const expected = texts.reduce((n, t) => n + t.length, 0) + 2 * (texts.length - 1);
      if (inside.length === expected && texts.every((t) => inside.includes(t))) body.message = `${body.message.slice(0, at)}: [${[...texts].sort().join(", ")}]`;
    }
  }
  return { code: answer.status, ...body };
}

/** The Status the API server builds: kind, apiVersion, metadata, status Failure, and what is given. */
export function failure(code: number, reason: string, message: string, details?: Any): Any {
  return { code, kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details !== undefined ? { details } : {}) };
}

/** A 422's Status: causes sorted as {@link statusOf} sorts them, the message listing their texts. */
export function invalidStatus(head: string, details: { name?: string; group?: string; kind: string }, causes: { field: string; reason: string; message: string }[]): Any {
  const sorted = [...causes].sort((a, b) => {
    const ka = JSON.stringify([a.field, a.reason, a.message]);
    const kb = JSON.stringify([b.field, b.reason, b.message]);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const texts = [...new Set(sorted.map(causeText))].sort();
  const message = texts.length === 1 ? `${head}: ${texts[0]!}` : `${head}: [${texts.join(", ")}]`;
  return failure(422, "Invalid", message, { ...details, causes: sorted });
}
