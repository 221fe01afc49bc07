import { describe, expect, it } from "vitest";
import type { TransportRequest } from "../../../src/runtime/client/transport.js";
import { TransportError } from "../../../src/runtime/client/transport-error.js";
import { ApiError } from "../../../src/runtime/errors.js";
import { ApiServerAuthorizer, bearerToken } from "../../../src/runtime/metrics/metrics-auth.js";
import { TtlCache } from "../../../src/runtime/metrics/ttl-cache.js";
import { FakeTransport } from "../client/fake-transport.js";

interface Body {
  spec: { token?: string; user?: string; nonResourceAttributes?: { path: string; verb: string } };
}

/** A fake API server: "good" is alice, "bob-token" is bob; alice may get /metrics. */
function fakeApiServer(): FakeTransport {
  return new FakeTransport((req: TransportRequest) => {
    const body = req.body as Body;
    if (req.path.endsWith("/tokenreviews")) {
      const user = { good: { username: "alice", groups: ["admins"] }, "bob-token": { username: "bob" } }[body.spec.token ?? ""];
      return { status: user ? { authenticated: true, user } : { authenticated: false, error: "unknown token" } };
    }
    return { status: { allowed: body.spec.user === "alice" && body.spec.nonResourceAttributes?.verb === "get" } };
  });
}

function authorizer(transport: FakeTransport, clock: { t: number }) {
  return new ApiServerAuthorizer({ transport, now: () => clock.t, retryDelayMs: 0 });
}

const get = (token?: string) => ({ authorization: token === undefined ? undefined : `Bearer ${token}`, method: "GET", path: "/metrics" });

describe("bearerToken", () => {
  it("takes the token of a Bearer header, whatever the scheme's case, and nothing else", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   abc ")).toBe("abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerToken("Bearer ")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe("ApiServerAuthorizer", () => {
  it("sends a TokenReview, then a SubjectAccessReview for the non-resource URL and verb", async () => {
    const transport = fakeApiServer();
    const decision = await authorizer(transport, { t: 0 }).authorize(get("good"));
    expect(decision).toEqual({ allowed: true, user: { username: "alice", groups: ["admins"] } });
    expect(transport.requests.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/apis/authentication.k8s.io/v1/tokenreviews"],
      ["POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews"],
    ]);
    expect(transport.requests[0]!.body).toEqual({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "good" } });
    expect(transport.requests[1]!.body).toMatchObject({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: { user: "alice", groups: ["admins"], nonResourceAttributes: { path: "/metrics", verb: "get" } },
    });
  });

  it("decides 401 for no or an unknown token, 403 for a user not allowed", async () => {
    const auth = authorizer(fakeApiServer(), { t: 0 });
    expect(await auth.authorize(get())).toMatchObject({ allowed: false, status: 401 });
    expect(await auth.authorize({ ...get(), authorization: "Basic eDp5" })).toMatchObject({ allowed: false, status: 401 });
    expect(await auth.authorize(get("nope"))).toMatchObject({ allowed: false, status: 401 });
    expect(await auth.authorize(get("bob-token"))).toMatchObject({ allowed: false, status: 403, message: expect.stringContaining("bob") });
    expect(await auth.authorize({ ...get("good"), method: "DELETE" })).toMatchObject({ allowed: false, status: 403 });
  });

  it("remembers tokens a minute, allowed access five minutes and denied access thirty seconds", async () => {
    const transport = fakeApiServer();
    const clock = { t: 0 };
    const auth = authorizer(transport, clock);
    const count = (kind: string) => transport.requests.filter((r) => r.path.includes(kind)).length;
    await auth.authorize(get("good"));
    await auth.authorize(get("bob-token"));
    await auth.authorize(get("nope"));
    expect([count("tokenreviews"), count("subjectaccessreviews")]).toEqual([3, 2]);

    clock.t = 29_000; // everything still cached
    await Promise.all([auth.authorize(get("good")), auth.authorize(get("bob-token")), auth.authorize(get("nope"))]);
    expect([count("tokenreviews"), count("subjectaccessreviews")]).toEqual([3, 2]);

    clock.t = 31_000; // bob's denial expired; the tokens did not
    await auth.authorize(get("good"));
    await auth.authorize(get("bob-token"));
    expect([count("tokenreviews"), count("subjectaccessreviews")]).toEqual([3, 3]);

    clock.t = 61_000; // tokens expired (the unknown one too); alice's access did not
    await auth.authorize(get("good"));
    await auth.authorize(get("nope"));
    expect([count("tokenreviews"), count("subjectaccessreviews")]).toEqual([5, 3]);

    clock.t = 301_000;
    await auth.authorize(get("good"));
    expect([count("tokenreviews"), count("subjectaccessreviews")]).toEqual([6, 4]);
  });

  it("shares one review between concurrent requests with the same token", async () => {
    const transport = fakeApiServer();
    const auth = authorizer(transport, { t: 0 });
    const decisions = await Promise.all(Array.from({ length: 20 }, () => auth.authorize(get("good"))));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(transport.requests).toHaveLength(2);
  });

  it("retries connection failures and 5xx, not 4xx, and caches no failure", async () => {
    let failures: unknown[] = [];
    const inner = fakeApiServer();
    const transport = new FakeTransport((req) => failures.shift() ?? inner.answer(req));
    const auth = authorizer(transport, { t: 0 });

    failures = [new TransportError("connection", "POST", "/x", "ECONNREFUSED"), new ApiError(503, {}, "POST", "/x")];
    expect(await auth.authorize(get("good"))).toMatchObject({ allowed: true });
    expect(transport.requests).toHaveLength(4);

    failures = [new ApiError(403, { reason: "Forbidden" }, "POST", "/x")];
    expect(await auth.authorize(get("bob-token"))).toMatchObject({ allowed: false, status: 500 });
    expect(transport.requests).toHaveLength(5);
    expect(await auth.authorize(get("bob-token"))).toMatchObject({ allowed: false, status: 403 });

    failures = [new TransportError("timeout", "POST", "/x", "slow")];
    expect(await new ApiServerAuthorizer({ transport, retryDelayMs: 0 }).authorize(get("good"))).toMatchObject({ status: 500 });
  });
});

describe("TtlCache", () => {
  it("drops the oldest entry when full", async () => {
    const cache = new TtlCache<number>(2, () => 0);
    let loads = 0;
    const load = (v: number) => () => Promise.resolve({ value: (loads++, v), ttlMs: 1_000 });
    await cache.getOrLoad("a", load(1));
    await cache.getOrLoad("b", load(2));
    await cache.getOrLoad("c", load(3));
    expect(cache.size).toBe(2);
    expect(await cache.getOrLoad("c", load(0))).toBe(3);
    expect(await cache.getOrLoad("a", load(4))).toBe(4); // "a" had been dropped
    expect(loads).toBe(4);
  });
});
