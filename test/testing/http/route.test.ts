import { describe, expect, it } from "vitest";
import { parseRoute } from "../../../src/testing/http/route.js";

describe("parseRoute", () => {
  it("parses discovery paths", () => {
    expect(parseRoute("/version")).toEqual({ kind: "version" });
    expect(parseRoute("/api")).toEqual({ kind: "core-versions" });
    expect(parseRoute("/apis")).toEqual({ kind: "groups" });
    expect(parseRoute("/apis/apps")).toEqual({ kind: "group", group: "apps" });
    expect(parseRoute("/api/v1")).toEqual({ kind: "resources", group: "", version: "v1" });
    expect(parseRoute("/apis/apps/v1/")).toEqual({ kind: "resources", group: "apps", version: "v1" });
    expect(parseRoute("/healthz")).toEqual({ kind: "health" });
  });

  it("parses collections, objects and subresources, namespaced or not", () => {
    expect(parseRoute("/api/v1/configmaps")).toMatchObject({ kind: "collection", plural: "configmaps" });
    expect(parseRoute("/api/v1/configmaps")).not.toHaveProperty("namespace");
    expect(parseRoute("/api/v1/namespaces/ns/configmaps")).toMatchObject({ kind: "collection", plural: "configmaps", namespace: "ns" });
    expect(parseRoute("/api/v1/namespaces/ns/configmaps/a")).toMatchObject({ kind: "object", name: "a", namespace: "ns" });
    expect(parseRoute("/apis/example.com/v1/namespaces/ns/widgets/w/status")).toMatchObject({ kind: "object", group: "example.com", plural: "widgets", name: "w", subresource: "status" });
    expect(parseRoute("/apis/example.com/v1/gadgets/g")).toMatchObject({ kind: "object", plural: "gadgets", name: "g" });
  });

  it("tells the namespaces resource from namespaced collections", () => {
    expect(parseRoute("/api/v1/namespaces")).toMatchObject({ kind: "collection", plural: "namespaces" });
    expect(parseRoute("/api/v1/namespaces/team")).toMatchObject({ kind: "object", plural: "namespaces", name: "team" });
    expect(parseRoute("/api/v1/namespaces/team/status")).toMatchObject({ kind: "object", plural: "namespaces", name: "team", subresource: "status" });
    expect(parseRoute("/api/v1/namespaces/team/finalize")).toMatchObject({ kind: "object", plural: "namespaces", subresource: "finalize" });
  });

  it("understands the legacy /watch/ prefix, percent-encoding, and rejects the rest", () => {
    expect(parseRoute("/api/v1/watch/namespaces/ns/pods")).toMatchObject({ kind: "collection", plural: "pods", namespace: "ns", legacyWatch: true });
    expect(parseRoute("/api/v1/namespaces/ns/configmaps/a%2Eb")).toMatchObject({ name: "a.b" });
    expect(parseRoute("/metrics")).toEqual({ kind: "unknown" });
    expect(parseRoute("/api/v1/namespaces/ns/configmaps/a/status/extra")).toEqual({ kind: "unknown" });
    expect(parseRoute("/api/v1/x/%E0%A4%A")).toEqual({ kind: "unknown" });
  });
});
