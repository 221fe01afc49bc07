import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { statusOf, testStore } from "../helpers.js";

const md = (o: JsonObject): JsonObject => o["metadata"] as JsonObject;

describe("object store: create, get, update", () => {
  it("sets uid, creationTimestamp and a global, increasing resourceVersion", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const before = Number(store.resourceVersion);
    const a = store.create(cms, "default", { metadata: { name: "a" }, data: { k: "v" } }, { manager: "t" });
    const b = store.create(cms, "default", { metadata: { name: "b" } }, { manager: "t" });
    expect(md(a)["uid"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(md(a)["creationTimestamp"]).toBe("2025-01-01T00:00:00Z");
    expect(Number(md(a)["resourceVersion"])).toBe(before + 1);
    expect(Number(md(b)["resourceVersion"])).toBe(before + 2);
    expect(store.resourceVersion).toBe(md(b)["resourceVersion"]);
    expect(a).toMatchObject({ kind: "ConfigMap", apiVersion: "v1", data: { k: "v" } });
    expect(md(a)["generation"]).toBeUndefined();
    expect(store.get(cms, "default", "a")).toEqual(a);
  });

  it("answers 409 AlreadyExists for a taken name and 404 NotFound for a missing object", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    expect(statusOf(() => store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" }))).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'configmaps "a" already exists',
      reason: "AlreadyExists",
      details: { name: "a", kind: "configmaps" },
      code: 409,
    });
    expect(statusOf(() => store.get(cms, "default", "zz"))).toMatchObject({ code: 404, reason: "NotFound", message: 'configmaps "zz" not found' });
    const deps = store.resolve("apps", "v1", "deployments");
    expect(statusOf(() => store.get(deps, "default", "d")).details).toEqual({ name: "d", group: "apps", kind: "deployments" });
    expect(statusOf(() => store.get(deps, "default", "d")).message).toBe('deployments.apps "d" not found');
  });

  it("answers 409 Conflict for an update with a stale resourceVersion, and allows unconditional updates of built-ins", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" }, data: { n: "1" } }, { manager: "t" });
    const a2 = store.update(cms, "default", "a", { ...a, data: { n: "2" } }, { manager: "t" });
    expect(Number(md(a2)["resourceVersion"])).toBeGreaterThan(Number(md(a)["resourceVersion"]));
    const stale = statusOf(() => store.update(cms, "default", "a", { ...a, data: { n: "3" } }, { manager: "t" }));
    expect(stale).toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: "a", kind: "configmaps" },
    });
    const { resourceVersion: _rv, ...noRv } = md(a2);
    const a3 = store.update(cms, "default", "a", { ...a2, metadata: noRv, data: { n: "4" } }, { manager: "t" });
    expect(a3["data"]).toEqual({ n: "4" });
  });

  it("requires a resourceVersion to update a custom resource, as the API server does", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const w = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 2 } }, { manager: "t" });
    const { resourceVersion: _rv, ...noRv } = md(w);
    expect(statusOf(() => store.update(widgets, "default", "w", { ...w, metadata: noRv }, { manager: "t" }))).toMatchObject({
      code: 422,
      message: 'widgets.example.com "w" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
    });
  });

  it("does not write an update that changes nothing (same resourceVersion, no event)", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" }, data: { n: "1" } }, { manager: "t" });
    const same = store.update(cms, "default", "a", a, { manager: "t" });
    expect(md(same)["resourceVersion"]).toBe(md(a)["resourceVersion"]);
  });

  it("checks names, namespaces and kinds against the URL", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    expect(statusOf(() => store.update(cms, "default", "b", a, { manager: "t" })).message).toBe("the name of the object (a) does not match the name on the URL (b)");
    expect(statusOf(() => store.create(cms, "default", { metadata: { name: "x", namespace: "other" } }, { manager: "t" })).message).toBe(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
    expect(statusOf(() => store.create(cms, "default", { apiVersion: "v2", metadata: { name: "x" } }, { manager: "t" })).code).toBe(400);
    expect(statusOf(() => store.create(cms, "default", { kind: "Secret", metadata: { name: "x" } }, { manager: "t" })).code).toBe(400);
  });

  it("validates names, and generates them from generateName", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const missing = statusOf(() => store.create(cms, "default", { metadata: {} }, { manager: "t" }));
    expect(missing).toMatchObject({ code: 422, reason: "Invalid", message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' });
    expect(statusOf(() => store.create(cms, "default", { metadata: { name: "Bad_Name" } }, { manager: "t" })).details?.causes?.[0]).toMatchObject({
      reason: "FieldValueInvalid",
      field: "metadata.name",
    });
    const gen = store.create(cms, "default", { metadata: { generateName: "job-" } }, { manager: "t" });
    expect(md(gen)["name"]).toMatch(/^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("requires the namespace to exist and not be terminating", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    expect(statusOf(() => store.create(cms, "nope", { metadata: { name: "a" } }, { manager: "t" }))).toMatchObject({
      code: 404,
      message: 'namespaces "nope" not found',
      details: { name: "nope", kind: "namespaces" },
    });
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) expect(() => store.get(store.resolve("", "v1", "namespaces"), undefined, ns)).not.toThrow();
  });

  it("dry-run writes return the result without storing it", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const rv = store.resourceVersion;
    const dry = store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t", dryRun: true });
    expect(md(dry)["name"]).toBe("a");
    expect(store.resourceVersion).toBe(rv);
    expect(statusOf(() => store.get(cms, "default", "a")).code).toBe(404);
  });

  it("moves a Secret's stringData into data, and defaults Namespaces and Pods", () => {
    const { store } = testStore();
    const secret = store.create(store.resolve("", "v1", "secrets"), "default", { metadata: { name: "s" }, stringData: { pw: "hi" } }, { manager: "t" });
    expect(secret).toMatchObject({ data: { pw: Buffer.from("hi").toString("base64") }, type: "Opaque" });
    expect(secret["stringData"]).toBeUndefined();
    const ns = store.create(store.resolve("", "v1", "namespaces"), undefined, { metadata: { name: "team" } }, { manager: "t" });
    expect(ns).toMatchObject({ spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
    const pod = store.create(store.resolve("", "v1", "pods"), "default", { metadata: { name: "p" }, spec: { containers: [] }, status: { phase: "Running" } }, { manager: "t" });
    expect(pod["status"]).toEqual({ phase: "Pending" });
  });

  it("serves unknown resources as 404 'the server could not find the requested resource'", () => {
    const { store } = testStore();
    expect(statusOf(() => store.resolve("nope.io", "v1", "things"))).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server could not find the requested resource",
      reason: "NotFound",
      details: {},
      code: 404,
    });
  });
});

describe("immutable ConfigMaps and Secrets", () => {
  it("refuse changes to data once immutable is set", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" }, data: { k: "v" }, immutable: true }, { manager: "t" });
    const status = statusOf(() => store.update(cms, "default", "a", { ...a, data: { k: "w" } }, { manager: "t" }));
    expect(status).toMatchObject({ code: 422, message: 'ConfigMap "a" is invalid: data: Forbidden: field is immutable when `immutable` is set' });
    expect(() => store.update(cms, "default", "a", { ...a, metadata: { ...md(a), labels: { x: "y" } } }, { manager: "t" })).not.toThrow();
  });
});
