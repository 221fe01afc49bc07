// Conformance: deletion: finalizers and deletionTimestamp, preconditions, the answers of delete,
// deletecollection, and what follows a delete: owner-reference garbage collection and
// namespace termination. The real backend runs no kube-controller-manager (as envtest), so no
// garbage collector and no namespace controller: those tests pin that difference, by design.
import { expect, it } from "vitest";
import { failure, forEachBackend, invalidStatus, statusOf } from "./helpers.js";

const widget = (name: string, extra: object = {}): object => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name, ...extra }, spec: {} });

forEachBackend("conformance: deletion", (backend) => {
  it("deletes a built-in without finalizers at once, answering a Success Status", async () => {
    const b = backend();
    const ns = await b.namespace();
    const cm = (await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a" } })).body;
    const answer = await b.delete(`/api/v1/namespaces/${ns}/configmaps/a`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: "a", kind: "configmaps", uid: cm.metadata.uid } });
    expect((await b.get(`/api/v1/namespaces/${ns}/configmaps/a`)).status).toBe(404);
    expect(statusOf(await b.delete(`/api/v1/namespaces/${ns}/configmaps/a`))).toEqual(failure(404, "NotFound", 'configmaps "a" not found', { name: "a", kind: "configmaps" }));
  });

  it("deletes a custom resource at once, answering a Success Status too", async () => {
    const b = backend();
    const ns = await b.namespace();
    const w = (await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w"))).body;
    const answer = await b.delete(`/apis/example.com/v1/namespaces/${ns}/widgets/w`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: "w", group: "example.com", kind: "widgets", uid: w.metadata.uid } });
    expect((await b.get(`/apis/example.com/v1/namespaces/${ns}/widgets/w`)).status).toBe(404);
  });

  it("marks an object with finalizers (deletionTimestamp, generation bumped) and removes it when the last goes", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w", { finalizers: ["example.com/a", "example.com/b"] }));
    const marked = await b.delete(path);
    expect(marked.status).toBe(200);
    expect(marked.body.metadata).toMatchObject({ generation: 2, deletionGracePeriodSeconds: 0, finalizers: ["example.com/a", "example.com/b"] });
    expect(typeof marked.body.metadata.deletionTimestamp).toBe("string");
    // Deleting again changes nothing.
    const again = await b.delete(path);
    expect([again.status, again.body.metadata.resourceVersion, again.body.metadata.generation]).toEqual([200, marked.body.metadata.resourceVersion, 2]);
    // No finalizer can be added now.
    expect(statusOf(await b.patch(path, "merge", { metadata: { finalizers: ["example.com/a", "example.com/b", "example.com/c"] } }))).toEqual(
      invalidStatus('Widget.example.com "w" is invalid', { name: "w", group: "example.com", kind: "Widget" }, [
        {
          field: "metadata.finalizers",
          reason: "FieldValueForbidden",
          message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/c"}',
        },
      ]),
    );
    const one = await b.patch(path, "json", [{ op: "remove", path: "/metadata/finalizers/0" }]);
    expect([one.status, one.body.metadata.finalizers]).toEqual([200, ["example.com/b"]]);
    const last = await b.patch(path, "merge", { metadata: { finalizers: null } });
    expect(last.status).toBe(200);
    expect(last.body.metadata.finalizers).toBeUndefined();
    expect((await b.get(path)).status).toBe(404);
  });

  it("keeps a built-in with a finalizer: the object comes back, with deletionTimestamp", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps/a`;
    await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a", finalizers: ["example.com/f"] } });
    const marked = await b.delete(path);
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ kind: "ConfigMap", metadata: { name: "a", finalizers: ["example.com/f"], deletionGracePeriodSeconds: 0 } });
    expect(marked.body.metadata.generation).toBeUndefined();
    const again = await b.delete(path);
    expect([again.status, again.body.kind, again.body.metadata.resourceVersion]).toEqual([200, "ConfigMap", marked.body.metadata.resourceVersion]);
    const removed = await b.put(path, { ...marked.body, metadata: { ...marked.body.metadata, finalizers: [] } });
    expect(removed.status).toBe(200);
    expect((await b.get(path)).status).toBe(404);
  });

  it("checks delete preconditions (uid, resourceVersion) with the API server's 409, which names the kind", async () => {
    const b = backend();
    const ns = await b.namespace();
    const cm = (await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a" } })).body;
    const path = `/api/v1/namespaces/${ns}/configmaps/a`;
    expect(statusOf(await b.delete(path, { preconditions: { uid: "other" } }))).toEqual(
      failure(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ConfigMap "a": the UID in the precondition (other) does not match the UID in record (${cm.metadata.uid as string}). The object might have been deleted and then recreated`,
        { name: "a", kind: "ConfigMap" },
      ),
    );
    expect(statusOf(await b.delete(path, { preconditions: { resourceVersion: "1" } }))).toEqual(
      failure(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ConfigMap "a": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata.resourceVersion as string}). The object might have been modified`,
        { name: "a", kind: "ConfigMap" },
      ),
    );
    expect((await b.delete(path, { preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion } })).status).toBe(200);
    const w = (await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w"))).body;
    expect(statusOf(await b.delete(`/apis/example.com/v1/namespaces/${ns}/widgets/w`, { preconditions: { uid: "other" } }))).toEqual(
      failure(
        409,
        "Conflict",
        `Operation cannot be fulfilled on Widget.example.com "w": the UID in the precondition (other) does not match the UID in record (${w.metadata.uid as string}). The object might have been deleted and then recreated`,
        { name: "w", group: "example.com", kind: "Widget" },
      ),
    );
  });

  it("refuses an unknown propagation policy (422 DeleteOptions)", async () => {
    const b = backend();
    const ns = await b.namespace();
    await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a" } });
    const invalidPolicy = invalidStatus('DeleteOptions.meta.k8s.io "" is invalid', { group: "meta.k8s.io", kind: "DeleteOptions" }, [
      { field: "propagationPolicy", reason: "FieldValueNotSupported", message: 'Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"' },
    ]);
    expect(statusOf(await b.delete(`/api/v1/namespaces/${ns}/configmaps/a`, { propagationPolicy: "Sometimes" }))).toEqual(invalidPolicy);
    expect(statusOf(await b.delete(`/api/v1/namespaces/${ns}/configmaps/a`, undefined, { propagationPolicy: "Sometimes" }))).toEqual(invalidPolicy);
  });

  it("deletes a collection by selector, answering the deleted objects", async () => {
    const b = backend();
    const ns = await b.namespace();
    for (const [name, tier] of [
      ["a", "web"],
      ["b", "web"],
      ["c", "db"],
    ]) {
      await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name, labels: { tier } } });
    }
    const answer = await b.delete(`/api/v1/namespaces/${ns}/configmaps`, undefined, { labelSelector: "tier=web" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: "ConfigMapList", apiVersion: "v1" });
    expect(answer.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort()).toEqual(["a", "b"]);
    const left = (await b.get(`/api/v1/namespaces/${ns}/configmaps`)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(left).toEqual(["c"]);
  });
});

forEachBackend("conformance: garbage collection and namespaces (no controllers on the real backend, as envtest)", (backend) => {
  const owned = async (ns: string, owner: string, dependent: string, blockOwnerDeletion = true): Promise<{ ownerUid: string }> => {
    const b = backend();
    const o = (await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: owner } })).body;
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: owner, uid: o.metadata.uid, controller: true, blockOwnerDeletion };
    expect((await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: dependent, ownerReferences: [ref] } })).status).toBe(201);
    return { ownerUid: o.metadata.uid as string };
  };
  const get = async (ns: string, name: string): Promise<{ status: number; body: { metadata: { finalizers?: string[]; ownerReferences?: unknown[]; deletionTimestamp?: string } } }> =>
    await backend().get(`/api/v1/namespaces/${ns}/configmaps/${name}`);

  it("background: the owner goes at once; the collector deletes the dependents (none runs on the real backend)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const { ownerUid } = await owned(ns, "owner", "dep");
    const answer = await b.delete(`/api/v1/namespaces/${ns}/configmaps/owner`);
    expect(answer.body).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: "owner", kind: "configmaps", uid: ownerUid } });
    expect((await get(ns, "owner")).status).toBe(404);
    // In-process: collected within the request. Real: no garbage collector, the dependent stays.
    expect((await get(ns, "dep")).status).toBe(b.real ? 200 : 404);
  });

  it("foreground: the owner waits with the foregroundDeletion finalizer until its blocking dependents are gone", async () => {
    const b = backend();
    const ns = await b.namespace();
    await owned(ns, "owner", "dep");
    const answer = await b.delete(`/api/v1/namespaces/${ns}/configmaps/owner`, { propagationPolicy: "Foreground" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: "ConfigMap", metadata: { name: "owner", finalizers: ["foregroundDeletion"] } });
    expect(typeof answer.body.metadata.deletionTimestamp).toBe("string");
    if (b.real) {
      // No collector: the owner keeps waiting and the dependent is untouched.
      const owner = await get(ns, "owner");
      expect([owner.status, owner.body.metadata.finalizers]).toEqual([200, ["foregroundDeletion"]]);
      expect((await get(ns, "dep")).body.metadata.deletionTimestamp).toBeUndefined();
    } else {
      expect((await get(ns, "dep")).status).toBe(404);
      expect((await get(ns, "owner")).status).toBe(404);
    }
  });

  it("orphan: the owner waits with the orphan finalizer; the collector removes the references and then the owner", async () => {
    const b = backend();
    const ns = await b.namespace();
    await owned(ns, "owner", "dep");
    const answer = await b.delete(`/api/v1/namespaces/${ns}/configmaps/owner`, { propagationPolicy: "Orphan" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: "ConfigMap", metadata: { name: "owner", finalizers: ["orphan"] } });
    const dep = await get(ns, "dep");
    expect(dep.status).toBe(200);
    if (b.real) {
      expect((await get(ns, "owner")).body.metadata.finalizers).toEqual(["orphan"]);
      expect(dep.body.metadata.ownerReferences).toHaveLength(1);
    } else {
      expect((await get(ns, "owner")).status).toBe(404);
      expect(dep.body.metadata.ownerReferences).toBeUndefined();
    }
  });

  it("a deleted namespace is Terminating and refuses new content (403); the namespace controller empties and removes it (none on the real backend)", async () => {
    const b = backend();
    const ns = await b.namespace();
    await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a", finalizers: ["example.com/hold"] } });
    const answer = await b.delete(`/api/v1/namespaces/${ns}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: "Namespace", spec: { finalizers: ["kubernetes"] }, status: { phase: "Terminating" } });
    expect(typeof answer.body.metadata.deletionTimestamp).toBe("string");
    expect(statusOf(await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "late" } }))).toEqual(
      failure(403, "Forbidden", `configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        name: "late",
        kind: "configmaps",
        causes: [{ reason: "NamespaceTerminating", message: `namespace ${ns} is being terminated`, field: "metadata.namespace" }],
      }),
    );
    const held = await get(ns, "a");
    expect(held.status).toBe(200);
    // In-process: the namespace controller marked the content deleted; real: nothing touched it.
    expect(typeof held.body.metadata.deletionTimestamp).toBe(b.real ? "undefined" : "string");
    await b.patch(`/api/v1/namespaces/${ns}/configmaps/a`, "merge", { metadata: { finalizers: null } });
    expect((await b.get(`/api/v1/namespaces/${ns}`)).status).toBe(b.real ? 200 : 404);
  });
});
