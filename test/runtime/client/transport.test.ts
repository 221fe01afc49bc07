import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpTransport, encodeQuery } from "../../../src/runtime/client/transport.js";
import { TransportError } from "../../../src/runtime/client/transport-error.js";
import { ApiError, isConflict, isGone, isNotFound } from "../../../src/runtime/errors.js";
import { sendJson, startScriptedServer, status, type ScriptedServer } from "./scripted-server.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.seen.length = 0;
});

async function collect(iterable: AsyncIterable<unknown>, max = 100): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of iterable) {
    out.push(value);
    if (out.length >= max) break;
  }
  return out;
}

describe("HttpTransport.request", () => {
  it("sends JSON with the kubeconfig's bearer token and parses the answer", async () => {
    server.script((req, res) => sendJson(res, 201, { echoed: JSON.parse(req.body) }));
    const t = new HttpTransport({ kubeConfig: server.kubeConfig({ token: "s3cret" }) });
    const out = await t.request({
      method: "POST",
      path: "/api/v1/namespaces/a/configmaps",
      body: { a: 1 },
      query: { fieldManager: "m", dryRun: undefined },
    });
    expect(out).toEqual({ echoed: { a: 1 } });
    const seen = server.seen[0]!;
    expect(seen.method).toBe("POST");
    expect(seen.url.pathname).toBe("/api/v1/namespaces/a/configmaps");
    expect(seen.url.search).toBe("?fieldManager=m");
    expect(seen.headers["authorization"]).toBe("Bearer s3cret");
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(seen.headers["accept"]).toBe("application/json");
    expect(seen.headers["user-agent"]).toBe("kubebuilder-ts");
    t.close();
  });

  it("applies basic auth and a custom content type", async () => {
    server.script((_req, res) => sendJson(res, 200, {}));
    const t = new HttpTransport({ kubeConfig: server.kubeConfig({ basic: { username: "u", password: "p" } }) });
    await t.request({ method: "PATCH", path: "/x", body: [{ op: "add" }], contentType: "application/json-patch+json" });
    expect(server.seen[0]!.headers["authorization"]).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(server.seen[0]!.headers["content-type"]).toBe("application/json-patch+json");
    t.close();
  });

  it("reuses one kept-alive connection", async () => {
    const ports = new Set<number>();
    server.script((_req, res) => {
      ports.add(res.socket!.remotePort!);
      sendJson(res, 200, {});
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    for (let i = 0; i < 5; i++) await t.request({ method: "GET", path: "/x" });
    expect(ports.size).toBe(1);
    t.close();
  });

  it("resolves undefined for an empty answer", async () => {
    server.script((_req, res) => {
      res.statusCode = 200;
      res.end();
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    expect(await t.request({ method: "DELETE", path: "/x" })).toBeUndefined();
    t.close();
  });

  it("turns a Status answer into an ApiError with its code, reason and message", async () => {
    server.script((_req, res) =>
      sendJson(res, 404, { ...status(404, "NotFound", 'configmaps "x" not found'), details: { name: "x", kind: "configmaps" } }),
    );
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const error = await t.request({ method: "GET", path: "/api/v1/namespaces/a/configmaps/x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.statusCode).toBe(404);
    expect(e.reason).toBe("NotFound");
    expect(e.body.details?.name).toBe("x");
    expect(e.message).toBe('GET /api/v1/namespaces/a/configmaps/x: 404 NotFound: configmaps "x" not found');
    expect(isNotFound(e)).toBe(true);
    t.close();
  });

  it("synthesizes a Status for a non-JSON error answer", async () => {
    server.script((_req, res) => {
      res.writeHead(409, { "Content-Type": "text/plain" });
      res.end("conflict from a proxy");
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const e = (await t.request({ method: "PUT", path: "/x", body: {} }).catch((x: unknown) => x)) as ApiError;
    expect(e.body).toMatchObject({ kind: "Status", code: 409, reason: "Conflict", message: "conflict from a proxy" });
    expect(isConflict(e)).toBe(true);
    t.close();
  });

  it("throws a TransportError on a non-JSON success answer", async () => {
    server.script((_req, res) => {
      res.statusCode = 200;
      res.end("<html>");
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const e = await t.request({ method: "GET", path: "/x" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).code).toBe("invalid-response");
    t.close();
  });

  it("times out a request with no answer", async () => {
    server.script(() => undefined); // never answers
    const t = new HttpTransport({ kubeConfig: server.kubeConfig(), requestTimeoutMs: 30 });
    const e = (await t.request({ method: "GET", path: "/slow" }).catch((x: unknown) => x)) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.code).toBe("timeout");
    t.close();
  });

  it("aborts with the signal", async () => {
    server.script(() => undefined);
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const controller = new AbortController();
    const pending = t.request({ method: "GET", path: "/slow", signal: controller.signal }).catch((x: unknown) => x);
    setTimeout(() => controller.abort(), 5);
    const e = (await pending) as Error;
    expect(e.name).toBe("AbortError");
    t.close();
  });

  it("reports a refused connection as a TransportError", async () => {
    const other = await startScriptedServer();
    const kc = other.kubeConfig();
    await other.close();
    const t = new HttpTransport({ kubeConfig: kc });
    const e = (await t.request({ method: "GET", path: "/x" }).catch((x: unknown) => x)) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.code).toBe("connection");
    t.close();
  });

  it("retries once when a kept-alive connection was closed by the server", async () => {
    let n = 0;
    server.script((_req, res) => {
      n++;
      if (n === 2) {
        res.socket!.destroy(); // the server dropped the idle connection as the request came
        return;
      }
      sendJson(res, 200, { n });
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    expect(await t.request({ method: "GET", path: "/x" })).toEqual({ n: 1 });
    expect(await t.request({ method: "GET", path: "/x" })).toEqual({ n: 3 });
    t.close();
  });

  it("fails clearly without a current cluster", async () => {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const t = new HttpTransport({ kubeConfig: new KubeConfig() });
    await expect(t.request({ method: "GET", path: "/x" })).rejects.toThrow(/no cluster for the current context/);
  });

  it("reuses the kubeconfig's credentials for credentialsTtlMs, and asks again at once after a 401", async () => {
    const authorizations: (string | undefined)[] = [];
    const revoked = new Set<string>();
    server.script((req, res) => {
      const auth = req.headers["authorization"] ?? "";
      authorizations.push(auth);
      if (revoked.has(auth)) return sendJson(res, 401, status(401, "Unauthorized", "token revoked"));
      sendJson(res, 200, {});
    });
    const kc = server.kubeConfig({ token: "a" });
    const user = kc.getCurrentUser() as { token?: string };
    const t = new HttpTransport({ kubeConfig: kc });
    await t.request({ method: "GET", path: "/x" });
    user.token = "b"; // rotated; the transport has not asked yet
    await t.request({ method: "GET", path: "/x" });
    revoked.add("Bearer a");
    await t.request({ method: "POST", path: "/x", body: {} }); // "a" → 401 → asked again → "b"
    expect(authorizations).toEqual(["Bearer a", "Bearer a", "Bearer a", "Bearer b"]);
    authorizations.length = 0;
    user.token = "c";
    revoked.add("Bearer c");
    t.close(); // forgets what it read
    await expect(t.request({ method: "GET", path: "/x" })).rejects.toMatchObject({ statusCode: 401 });
    expect(authorizations).toEqual(["Bearer c"]); // just read: a 401 is final
    t.close();
  });

  it("asks the kubeconfig on every request with credentialsTtlMs 0", async () => {
    const authorizations: (string | undefined)[] = [];
    server.script((req, res) => {
      authorizations.push(req.headers["authorization"]);
      sendJson(res, 200, {});
    });
    const kc = server.kubeConfig({ token: "a" });
    const t = new HttpTransport({ kubeConfig: kc, credentialsTtlMs: 0 });
    await t.request({ method: "GET", path: "/x" });
    (kc.getCurrentUser() as { token?: string }).token = "b";
    await t.request({ method: "GET", path: "/x" });
    expect(authorizations).toEqual(["Bearer a", "Bearer b"]);
    t.close();
  });

  it("encodes queries and leaves out undefined", () => {
    expect(encodeQuery({ a: "x y", b: undefined, c: true, d: 3 })).toBe("a=x+y&c=true&d=3");
    expect(encodeQuery(undefined)).toBe("");
  });
});

describe("HttpTransport.stream", () => {
  it("yields newline-delimited JSON split across chunks", async () => {
    server.script((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      res.write('{"type":"ADDED","object":{"a":');
      setTimeout(() => {
        res.write('1}}\n{"type":"MODIFIED","object":{"a":2}}\n\n{"type":"DELETED",');
        setTimeout(() => res.end('"object":{"a":3}}'), 2);
      }, 2);
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const stream = await t.stream({ path: "/w", query: { watch: true } });
    expect(await collect(stream)).toEqual([
      { type: "ADDED", object: { a: 1 } },
      { type: "MODIFIED", object: { a: 2 } },
      { type: "DELETED", object: { a: 3 } },
    ]);
    expect(server.seen[0]!.url.search).toBe("?watch=true");
    t.close();
  });

  it("rejects with an ApiError when the watch is refused (410)", async () => {
    server.script((_req, res) => sendJson(res, 410, status(410, "Expired", "too old resource version: 1 (5)")));
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const e = await t.stream({ path: "/w" }).catch((x: unknown) => x);
    expect(isGone(e)).toBe(true);
    t.close();
  });

  it("kills a stream silent longer than the read timeout", async () => {
    server.script((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write('{"type":"ADDED","object":{}}\n'); // then silence
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const stream = await t.stream({ path: "/w", readTimeoutMs: 30 });
    const seen: unknown[] = [];
    const e = (await (async () => {
      for await (const v of stream) seen.push(v);
    })().catch((x: unknown) => x)) as TransportError;
    expect(seen).toHaveLength(1);
    expect(e).toBeInstanceOf(TransportError);
    expect(e.code).toBe("read-timeout");
    t.close();
  });

  it("times out a stream whose headers never come", async () => {
    server.script(() => undefined);
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const e = (await t.stream({ path: "/w", readTimeoutMs: 20 }).catch((x: unknown) => x)) as TransportError;
    expect(e.code).toBe("read-timeout");
    t.close();
  });

  it("does not count a slow consumer's time as silence", async () => {
    server.script((_req, res) => {
      res.writeHead(200);
      res.end('{"n":1}\n{"n":2}\n');
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const stream = await t.stream({ path: "/w", readTimeoutMs: 15 });
    const seen: unknown[] = [];
    for await (const v of stream) {
      seen.push(v);
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    t.close();
  });

  it("ends quietly on close() and throws the abort reason on abort", async () => {
    server.script((_req, res) => {
      res.writeHead(200);
      res.write('{"n":1}\n');
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const s1 = await t.stream({ path: "/w" });
    const seen: unknown[] = [];
    for await (const v of s1) {
      seen.push(v);
      s1.close();
    }
    expect(seen).toEqual([{ n: 1 }]);

    const controller = new AbortController();
    const s2 = await t.stream({ path: "/w", signal: controller.signal });
    const e = (await (async () => {
      for await (const _v of s2) controller.abort();
    })().catch((x: unknown) => x)) as Error;
    expect(e.name).toBe("AbortError");
    t.close();
  });

  it("reports invalid JSON and a broken connection as TransportErrors", async () => {
    server.script((_req, res) => {
      res.writeHead(200);
      res.end("{not json}\n");
    });
    const t = new HttpTransport({ kubeConfig: server.kubeConfig() });
    const e1 = (await collect(await t.stream({ path: "/w" })).catch((x: unknown) => x)) as TransportError;
    expect(e1.code).toBe("invalid-response");

    server.script((_req, res) => {
      res.writeHead(200);
      res.write('{"n":1}\n');
      setTimeout(() => res.socket!.destroy(), 2);
    });
    const e2 = (await collect(await t.stream({ path: "/w" })).catch((x: unknown) => x)) as TransportError;
    expect(e2).toBeInstanceOf(TransportError);
    expect(e2.code).toBe("connection");
    t.close();
  });
});
