// Conformance: discovery, create/get/update of built-in and custom kinds, server-set metadata,
// generation and the status subresource, metadata validation, dry runs, and the Status of each
// error, the same assertions against the in-process server and a real kube-apiserver.
import { expect, it } from "vitest";
import { eventually, failure, forEachBackend, invalidStatus, shape, statusOf, unique } from "./helpers.js";

const WIDGET = "example.com/v1";
const widget = (name: string, spec: object = {}): object => ({ apiVersion: WIDGET, kind: "Widget", metadata: { name }, spec });

forEachBackend("conformance: discovery", (backend) => {
  it("lists the core version and the groups, custom groups by version priority", async () => {
    const b = backend();
    expect((await b.get("/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await b.get("/apis")).body;
    expect(groups).toMatchObject({ kind: "APIGroupList", apiVersion: "v1" });
    const byName = (name: string): unknown => groups.groups.find((g: { name: string }) => g.name === name);
    // v2 is preferred over v1 (Kubernetes version priority), whichever version stores.
    expect(byName("example.com")).toEqual({
      name: "example.com",
      versions: [
        { groupVersion: "example.com/v2", version: "v2" },
        { groupVersion: "example.com/v1", version: "v1" },
      ],
      preferredVersion: { groupVersion: "example.com/v2", version: "v2" },
    });
    expect(byName("apps")).toEqual({ name: "apps", versions: [{ groupVersion: "apps/v1", version: "v1" }], preferredVersion: { groupVersion: "apps/v1", version: "v1" } });
    expect((await b.get("/apis/example.com")).body).toEqual({ kind: "APIGroup", apiVersion: "v1", ...(byName("example.com") as object) });
  });

  it("lists a group version's resources with verbs, names, categories, subresources and storage version hashes", async () => {
    const b = backend();
    const v1 = (await b.get("/apis/example.com/v1")).body;
    // kube-apiserver lists a group version's CRD resources in the order its discovery handler
    // learnt them, which varies with the order the CRDs became Established: compare by name.
    v1.resources.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name));
    expect(v1).toEqual({
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: "example.com/v1",
      resources: [
        {
          name: "gadgets",
          singularName: "gadget",
          namespaced: false,
          kind: "Gadget",
          verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
          storageVersionHash: "ggWp2HxsL0Q=",
        },
        {
          name: "widgets",
          singularName: "widget",
          namespaced: true,
          kind: "Widget",
          verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
          shortNames: ["wd"],
          categories: ["all"],
          storageVersionHash: "gIwvi5rymmg=",
        },
        { name: "widgets/status", singularName: "", namespaced: true, kind: "Widget", verbs: ["get", "patch", "update"] },
      ],
    });
    const core = (await b.get("/api/v1")).body.resources as { name: string }[];
    const pick = (name: string): unknown => core.find((r) => r.name === name);
    const all = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    expect(pick("configmaps")).toEqual({ name: "configmaps", singularName: "configmap", namespaced: true, kind: "ConfigMap", verbs: all, shortNames: ["cm"], storageVersionHash: "qFsyl6wFWjQ=" });
    expect(pick("pods")).toEqual({
      name: "pods",
      singularName: "pod",
      namespaced: true,
      kind: "Pod",
      verbs: all,
      shortNames: ["po"],
      categories: ["all"],
      storageVersionHash: "xPOwRZ+Yhw8=",
    });
    expect(pick("namespaces")).toEqual({
      name: "namespaces",
      singularName: "namespace",
      namespaced: false,
      kind: "Namespace",
      verbs: all.filter((v) => v !== "deletecollection"),
      shortNames: ["ns"],
      storageVersionHash: "Q3oi5N2YM8M=",
    });
    expect(pick("namespaces/status")).toEqual({ name: "namespaces/status", singularName: "", namespaced: false, kind: "Namespace", verbs: ["get", "patch", "update"] });
    const apps = (await b.get("/apis/apps/v1")).body.resources as { name: string }[];
    expect(apps.find((r) => r.name === "deployments")).toEqual({
      name: "deployments",
      singularName: "deployment",
      namespaced: true,
      kind: "Deployment",
      verbs: all,
      shortNames: ["deploy"],
      categories: ["all"],
      storageVersionHash: "8aSe+NMegvE=",
    });
    // The scale subresource is not served by the in-process server (see docs/testing-differences.md).
    expect(apps.some((r) => r.name === "deployments/scale")).toBe(b.real);
  });

  it("answers an unknown group or resource with 404 (a real server: plain text for /apis paths)", async () => {
    const b = backend();
    const group = await b.get("/apis/nothing.example.com/v1");
    const kind = await b.get("/apis/example.com/v1/namespaces/default/nothings");
    expect([group.status, kind.status]).toEqual([404, 404]);
    if (b.real) {
      expect([group.body, kind.body]).toEqual(["404 page not found\n", "404 page not found\n"]);
    } else {
      expect(statusOf(group)).toEqual(failure(404, "NotFound", "the server could not find the requested resource", {}));
    }
    expect(statusOf(await b.get("/api/v1/namespaces/default/nothings"))).toEqual(failure(404, "NotFound", "the server could not find the requested resource", {}));
  });
});

forEachBackend("conformance: create, get, update", (backend) => {
  it("creates a ConfigMap: 201, server-set metadata, the writer's managedFields", async () => {
    const b = backend();
    const ns = await b.namespace();
    const created = await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a", labels: { x: "1" }, uid: "mine" }, data: { k: "v" } });
    expect(created.status).toBe(201);
    expect(shape(created.body)).toEqual({
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: {
        name: "a",
        namespace: ns,
        uid: "<set>",
        resourceVersion: "<set>",
        creationTimestamp: "<set>",
        labels: { x: "1" },
        managedFields: [
          {
            manager: "conformance",
            operation: "Update",
            apiVersion: "v1",
            time: "<time>",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:data": { ".": {}, "f:k": {} }, "f:metadata": { "f:labels": { ".": {}, "f:x": {} } } },
          },
        ],
      },
      data: { k: "v" },
    });
    expect(created.body.metadata.uid).not.toBe("mine");
    // A kind without a generation of its own keeps the one sent on create; a kind with one starts at 1.
    const generation = await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "b", generation: 5 } });
    expect(generation.body.metadata.generation).toBe(5);
    const w = await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { ...widget("w"), metadata: { name: "w", generation: 5 } });
    expect(w.body.metadata.generation).toBe(1);
    const got = await b.get(`/api/v1/namespaces/${ns}/configmaps/a`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it("creates a custom resource: defaults, generation 1, status dropped with a status subresource", async () => {
    const b = backend();
    const ns = await b.namespace();
    const created = await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { ...widget("w", { size: 2 }), status: { phase: "Ready" } });
    expect(created.status).toBe(201);
    expect(shape(created.body)).toEqual({
      apiVersion: WIDGET,
      kind: "Widget",
      metadata: {
        name: "w",
        namespace: ns,
        uid: "<set>",
        resourceVersion: "<set>",
        creationTimestamp: "<set>",
        generation: 1,
        managedFields: [
          {
            manager: "conformance",
            operation: "Update",
            apiVersion: WIDGET,
            time: "<time>",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:spec": { ".": {}, "f:color": {}, "f:size": {} } },
          },
        ],
      },
      spec: { size: 2, color: "blue" },
    });
    // Served at v2 too, as stored (conversion None).
    const v2 = await b.get(`/apis/example.com/v2/namespaces/${ns}/widgets/w`);
    expect(v2.body).toMatchObject({ apiVersion: "example.com/v2", kind: "Widget", spec: { size: 2, color: "blue" } });
  });

  it("generates names from generateName", async () => {
    const b = backend();
    const ns = await b.namespace();
    const created = await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { generateName: "gen-" } });
    expect(created.status).toBe(201);
    expect(created.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(created.body.metadata.generateName).toBe("gen-");
  });

  it("answers 404 NotFound for a missing object, namespace or cluster-scoped object", async () => {
    const b = backend();
    const ns = await b.namespace();
    expect(statusOf(await b.get(`/api/v1/namespaces/${ns}/configmaps/none`))).toEqual(
      failure(404, "NotFound", 'configmaps "none" not found', { name: "none", kind: "configmaps" }),
    );
    expect(statusOf(await b.get(`/apis/example.com/v1/namespaces/${ns}/widgets/none`))).toEqual(
      failure(404, "NotFound", 'widgets.example.com "none" not found', { name: "none", group: "example.com", kind: "widgets" }),
    );
    expect(statusOf(await b.get("/apis/example.com/v1/gadgets/none"))).toEqual(
      failure(404, "NotFound", 'gadgets.example.com "none" not found', { name: "none", group: "example.com", kind: "gadgets" }),
    );
    expect(statusOf(await b.get("/apis/apps/v1/namespaces/default/deployments/none"))).toEqual(
      failure(404, "NotFound", 'deployments.apps "none" not found', { name: "none", group: "apps", kind: "deployments" }),
    );
    const missingNs = unique("missing");
    expect(statusOf(await b.post(`/api/v1/namespaces/${missingNs}/configmaps`, { metadata: { name: "x" } }))).toEqual(
      failure(404, "NotFound", `namespaces "${missingNs}" not found`, { name: missingNs, kind: "namespaces" }),
    );
    expect(statusOf(await b.post(`/apis/example.com/v1/namespaces/${missingNs}/widgets`, widget("x")))).toEqual(
      failure(404, "NotFound", `namespaces "${missingNs}" not found`, { name: missingNs, kind: "namespaces" }),
    );
    // A subresource the kind does not serve: a custom resource's handler answers as for a missing object.
    const name = unique("g");
    expect((await b.post("/apis/example.com/v1/gadgets", { apiVersion: WIDGET, kind: "Gadget", metadata: { name } })).status).toBe(201);
    expect(statusOf(await b.get(`/apis/example.com/v1/gadgets/${name}/status`))).toEqual(
      failure(404, "NotFound", `gadgets.example.com "${name}" not found`, { name, group: "example.com", kind: "gadgets" }),
    );
    expect(statusOf(await b.get(`/apis/example.com/v1/gadgets/${name}/scale`)).message).toBe(`gadgets.example.com "${name}" not found`);
    await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "cm" } });
    for (const sub of ["status", "scale"]) {
      expect(statusOf(await b.get(`/api/v1/namespaces/${ns}/configmaps/cm/${sub}`))).toEqual(failure(404, "NotFound", "the server could not find the requested resource", {}));
    }
  });

  it("answers 409 AlreadyExists and 409 Conflict with the API server's Status", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const first = (await b.post(path, { metadata: { name: "a" } })).body;
    expect(statusOf(await b.post(path, { metadata: { name: "a" } }))).toEqual(
      failure(409, "AlreadyExists", 'configmaps "a" already exists', { name: "a", kind: "configmaps" }),
    );
    const updated = await b.put(`${path}/a`, { ...first, data: { k: "1" } });
    expect(updated.status).toBe(200);
    expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(statusOf(await b.put(`${path}/a`, { ...first, data: { k: "2" } }))).toEqual(
      failure(409, "Conflict", 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again', {
        name: "a",
        kind: "configmaps",
      }),
    );
    const w = (await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w"))).body;
    await b.patch(`/apis/example.com/v1/namespaces/${ns}/widgets/w`, "merge", { spec: { size: 2 } });
    expect(statusOf(await b.put(`/apis/example.com/v1/namespaces/${ns}/widgets/w`, w))).toEqual(
      failure(409, "Conflict", 'Operation cannot be fulfilled on widgets.example.com "w": the object has been modified; please apply your changes to the latest version and try again', {
        name: "w",
        group: "example.com",
        kind: "widgets",
      }),
    );
    expect(statusOf(await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w")))).toEqual(
      failure(409, "AlreadyExists", 'widgets.example.com "w" already exists', { name: "w", group: "example.com", kind: "widgets" }),
    );
  });

  it("updates built-ins without a resourceVersion, but not custom resources (422)", async () => {
    const b = backend();
    const ns = await b.namespace();
    await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a" } });
    const unconditional = await b.put(`/api/v1/namespaces/${ns}/configmaps/a`, { metadata: { name: "a" }, data: { k: "v" } });
    expect([unconditional.status, unconditional.body.data]).toEqual([200, { k: "v" }]);
    await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w"));
    expect(statusOf(await b.put(`/apis/example.com/v1/namespaces/${ns}/widgets/w`, widget("w", { size: 2 })))).toEqual(
      invalidStatus('widgets.example.com "w" is invalid', { name: "w", group: "example.com", kind: "widgets" }, [
        { field: "metadata.resourceVersion", reason: "FieldValueInvalid", message: "Invalid value: 0: must be specified for an update" },
      ]),
    );
    expect(statusOf(await b.put(`/apis/example.com/v1/namespaces/${ns}/widgets/none`, widget("none")))).toMatchObject({ code: 404 });
  });

  it("keeps server-set metadata on updates; another uid is a failed precondition (PUT) or immutable (PATCH)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const cm = (await b.post(path, { metadata: { name: "a" } })).body;
    const kept = await b.put(`${path}/a`, { ...cm, metadata: { ...cm.metadata, generation: 9, creationTimestamp: "2020-01-01T00:00:00Z" } });
    expect(kept.status).toBe(200);
    expect(kept.body.metadata).toMatchObject({ uid: cm.metadata.uid, creationTimestamp: cm.metadata.creationTimestamp });
    expect(kept.body.metadata.generation).toBeUndefined();
    const otherUid = await b.put(`${path}/a`, { ...kept.body, metadata: { ...kept.body.metadata, uid: "abc" } });
    expect(statusOf(otherUid)).toEqual(
      failure(
        409,
        "Conflict",
        `Operation cannot be fulfilled on configmaps "a": StorageError: invalid object, Code: 4, Key: /registry/configmaps/${ns}/a, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: abc, UID in object meta: ${cm.metadata.uid as string}`,
        { name: "a", kind: "configmaps" },
      ),
    );
    expect(statusOf(await b.patch(`${path}/a`, "merge", { metadata: { uid: "abc" } }))).toEqual(
      invalidStatus('ConfigMap "a" is invalid', { name: "a", kind: "ConfigMap" }, [{ field: "metadata.uid", reason: "FieldValueInvalid", message: 'Invalid value: "abc": field is immutable' }]),
    );
    const d = (
      await b.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
        metadata: { name: "d" },
        spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } },
      })
    ).body;
    expect(statusOf(await b.put(`/apis/apps/v1/namespaces/${ns}/deployments/d`, { ...d, metadata: { ...d.metadata, uid: "abc" } })).message).toBe(
      `Operation cannot be fulfilled on deployments.apps "d": StorageError: invalid object, Code: 4, Key: /registry/deployments/${ns}/d, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: abc, UID in object meta: ${d.metadata.uid as string}`,
    );
  });

  it("bumps generation on spec changes only; the status subresource splits spec from status", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    const c = (await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("w"))).body;
    const main = (await b.put(path, { ...c, spec: { size: 3, color: "blue" }, status: { phase: "Ignored" } })).body;
    expect([main.metadata.generation, main.spec, main.status]).toEqual([2, { size: 3, color: "blue" }, undefined]);
    const status = (await b.put(`${path}/status`, { ...main, spec: { size: 4, color: "blue" }, status: { phase: "Ready" } })).body;
    expect([status.metadata.generation, status.spec, status.status]).toEqual([2, { size: 3, color: "blue" }, { phase: "Ready" }]);
    const labels = (await b.patch(path, "merge", { metadata: { labels: { a: "b" } } })).body;
    expect([labels.metadata.generation, labels.status]).toEqual([2, { phase: "Ready" }]);
    const statusPatch = (await b.patch(`${path}/status`, "merge", { status: { phase: "Done" }, spec: { size: 9 } })).body;
    expect([statusPatch.metadata.generation, statusPatch.spec.size, statusPatch.status.phase]).toEqual([2, 3, "Done"]);
    // Without a status subresource status is an ordinary field and bumps generation.
    const g = (await b.post("/apis/example.com/v1/gadgets", { apiVersion: WIDGET, kind: "Gadget", metadata: { name: unique("g") }, status: { ready: true } })).body;
    expect([g.metadata.generation, g.status]).toEqual([1, { ready: true }]);
    const g2 = (await b.patch(`/apis/example.com/v1/gadgets/${g.metadata.name as string}`, "merge", { status: { ready: false } })).body;
    expect(g2.metadata.generation).toBe(2);
  });

  it("bumps a Deployment's generation on spec and annotation changes, not label or status changes", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const d = await b.post(path, {
      metadata: { name: "d" },
      spec: { replicas: 1, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } },
    });
    expect(d.body.metadata.generation).toBe(1);
    expect((await b.patch(`${path}/d`, "merge", { metadata: { annotations: { x: "y" } } })).body.metadata.generation).toBe(2);
    expect((await b.patch(`${path}/d`, "merge", { metadata: { labels: { x: "y" } } })).body.metadata.generation).toBe(2);
    expect((await b.patch(`${path}/d`, "merge", { spec: { replicas: 2 } })).body.metadata.generation).toBe(3);
    const status = (await b.patch(`${path}/d/status`, "merge", { status: { observedGeneration: 3 } })).body;
    expect([status.metadata.generation, status.status.observedGeneration]).toEqual([3, 3]);
  });

  it("validates metadata on create with the API server's causes", async () => {
    const b = backend();
    const ns = await b.namespace();
    const bad = await b.post(`/api/v1/namespaces/${ns}/configmaps`, {
      metadata: {
        name: "A_B",
        labels: { "bad key": "x", ok: "-x-" },
        annotations: { "bad key": "x" },
        finalizers: ["bad finalizer", "plain"],
        ownerReferences: [
          { apiVersion: "", kind: "", name: "", uid: "" },
          { apiVersion: "v1", kind: "Event", name: "e", uid: "u" },
        ],
      },
    });
    const qualified =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    expect(statusOf(bad)).toEqual(
      invalidStatus('ConfigMap "A_B" is invalid', { name: "A_B", kind: "ConfigMap" }, [
        {
          field: "metadata.name",
          reason: "FieldValueInvalid",
          message:
            "Invalid value: \"A_B\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        },
        { field: "metadata.labels", reason: "FieldValueInvalid", message: `Invalid value: "bad key": name part ${qualified}` },
        {
          field: "metadata.labels",
          reason: "FieldValueInvalid",
          message:
            "Invalid value: \"-x-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        },
        { field: "metadata.annotations", reason: "FieldValueInvalid", message: `Invalid value: "bad key": name part ${qualified}` },
        { field: "metadata.ownerReferences.apiVersion", reason: "FieldValueInvalid", message: 'Invalid value: "": version must not be empty' },
        { field: "metadata.ownerReferences.kind", reason: "FieldValueInvalid", message: 'Invalid value: "": must not be empty' },
        { field: "metadata.ownerReferences.name", reason: "FieldValueInvalid", message: 'Invalid value: "": must not be empty' },
        { field: "metadata.ownerReferences.uid", reason: "FieldValueInvalid", message: 'Invalid value: "": must not be empty' },
        {
          field: "metadata.ownerReferences",
          reason: "FieldValueInvalid",
          message: 'Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner',
        },
        { field: "metadata.finalizers", reason: "FieldValueInvalid", message: `Invalid value: "bad finalizer": name part ${qualified}` },
        { field: "metadata.finalizers[0]", reason: "FieldValueInvalid", message: 'Invalid value: "bad finalizer": name is neither a standard finalizer name nor is it fully qualified' },
        { field: "metadata.finalizers[1]", reason: "FieldValueInvalid", message: 'Invalid value: "plain": name is neither a standard finalizer name nor is it fully qualified' },
      ]),
    );
    const ctl = { apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "u1", controller: true };
    expect(statusOf(await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "c", ownerReferences: [ctl, { ...ctl, name: "y", uid: "u2" }] } }))).toEqual(
      invalidStatus('ConfigMap "c" is invalid', { name: "c", kind: "ConfigMap" }, [
        {
          field: "metadata.ownerReferences",
          reason: "FieldValueInvalid",
          message:
            'Invalid value: [{"apiVersion":"v1","kind":"ConfigMap","name":"x","uid":"u1","controller":true},{"apiVersion":"v1","kind":"ConfigMap","name":"y","uid":"u2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ConfigMap/x and ConfigMap/y',
        },
      ]),
    );
    // Custom resources: no standard-finalizer rule, but orphan and foregroundDeletion exclude each other.
    expect(
      statusOf(await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { ...widget("w"), metadata: { name: "w", finalizers: ["plain", "orphan", "foregroundDeletion"] } })),
    ).toEqual(
      invalidStatus('Widget.example.com "w" is invalid', { name: "w", group: "example.com", kind: "Widget" }, [
        { field: "metadata.finalizers", reason: "FieldValueInvalid", message: 'Invalid value: ["plain","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set' },
      ]),
    );
    expect(statusOf(await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: {} }))).toEqual(
      invalidStatus('ConfigMap "" is invalid', { kind: "ConfigMap" }, [{ field: "metadata.name", reason: "FieldValueRequired", message: "Required value: name or generateName is required" }]),
    );
    expect(statusOf(await b.post("/api/v1/namespaces", { metadata: { name: "Bad.Name" } }))).toEqual(
      invalidStatus('Namespace "Bad.Name" is invalid', { name: "Bad.Name", kind: "Namespace" }, [
        {
          field: "metadata.name",
          reason: "FieldValueInvalid",
          message:
            "Invalid value: \"Bad.Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        },
      ]),
    );
  });

  it("validates metadata on update (a real server repeats some causes; compared without repeats)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const cm = (await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "a" } })).body;
    const answer = await b.put(`/api/v1/namespaces/${ns}/configmaps/a`, { ...cm, metadata: { ...cm.metadata, labels: { a: "-x-" } } });
    expect(statusOf(answer)).toEqual(
      invalidStatus('ConfigMap "a" is invalid', { name: "a", kind: "ConfigMap" }, [
        {
          field: "metadata.labels",
          reason: "FieldValueInvalid",
          message:
            "Invalid value: \"-x-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        },
      ]),
    );
    // The difference itself: the real server validates update metadata in several layers.
    expect(answer.body.details.causes.length).toBe(b.real ? 4 : 1);
  });

  it("checks a custom resource's apiVersion and kind as the API server decodes them", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets`;
    expect(statusOf(await b.post(path, { metadata: { name: "x" } }))).toEqual(
      failure(400, "BadRequest", `the object provided is unrecognized (must be of type Widget): Object 'Kind' is missing in '{"metadata":{"name":"x"}}' ({"metadata":{"name":"x"}})`),
    );
    const long = { apiVersion: WIDGET, metadata: { name: "a-long-name" } };
    expect(statusOf(await b.post(path, long))).toEqual(
      failure(400, "BadRequest", `the object provided is unrecognized (must be of type Widget): Object 'Kind' is missing in '${JSON.stringify(long)}' ({"apiVersion":"example.com/v1" ...)`),
    );
    expect(statusOf(await b.post(path, { kind: "Widget", metadata: { name: "x" } }))).toEqual(
      failure(400, "BadRequest", "the API version in the data () does not match the expected API version (example.com/v1)"),
    );
    expect(statusOf(await b.post(path, { ...widget("x"), apiVersion: "example.com/v2" }))).toEqual(
      failure(400, "BadRequest", "the API version in the data (example.com/v2) does not match the expected API version (example.com/v1)"),
    );
    // (With another kind a real server does not default the object, so its spec must be valid without defaults.)
    expect(statusOf(await b.post(path, { ...widget("x", { size: 1, color: "blue" }), kind: "Gadget" }))).toEqual(
      invalidStatus('Gadget.example.com "x" is invalid', { name: "x", group: "example.com", kind: "Gadget" }, [{ field: "kind", reason: "FieldValueInvalid", message: 'Invalid value: "Gadget": must be Widget' }]),
    );
    const w = (await b.post(path, widget("w"))).body;
    expect(statusOf(await b.patch(`${path}/w`, "merge", { kind: "Gadget" })).message).toBe('Gadget.example.com "w" is invalid: kind: Invalid value: "Gadget": must be Widget');
    expect(statusOf(await b.put(`${path}/w`, { ...w, kind: "Gadget" })).code).toBe(422);
    // Built-ins take their type from the URL; a body of another kind is refused (in other words by the real server).
    expect((await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "no-type" } })).status).toBe(201);
    const mismatch = statusOf(await b.post(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }));
    expect([mismatch.code, mismatch.reason]).toEqual([400, "BadRequest"]);
    expect(mismatch.message).toBe(
      b.real
        ? 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion'
        : "the kind in the data (Secret) does not match the expected kind (ConfigMap)",
    );
  });

  it("honours dryRun=All and refuses other dryRun values (422)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets`;
    const dry = await b.post(path, widget("dry"), { dryRun: "All" });
    expect(dry.status).toBe(201);
    expect([typeof dry.body.metadata.uid, dry.body.metadata.resourceVersion, dry.body.metadata.generation, dry.body.spec]).toEqual(["string", undefined, 1, { size: 1, color: "blue" }]);
    expect((await b.get(`${path}/dry`)).status).toBe(404);
    await b.post(path, widget("w"));
    const patched = await b.patch(`${path}/w`, "merge", { spec: { size: 4 } }, { dryRun: "All" });
    expect([patched.status, patched.body.spec.size, patched.body.metadata.generation]).toEqual([200, 4, 2]);
    const deleted = await b.delete(`${path}/w`, undefined, { dryRun: "All" });
    expect(deleted.status).toBe(200);
    const after = (await b.get(`${path}/w`)).body;
    expect([after.spec.size, after.metadata.generation, after.metadata.deletionTimestamp]).toEqual([1, 1, undefined]);
    expect(statusOf(await b.post(path, widget("x"), { dryRun: "Some" }))).toEqual(
      invalidStatus('CreateOptions.meta.k8s.io "" is invalid', { group: "meta.k8s.io", kind: "CreateOptions" }, [
        { field: "dryRun", reason: "FieldValueNotSupported", message: 'Unsupported value: ["Some"]: supported values: "All"' },
      ]),
    );
    expect(statusOf(await b.patch(`${path}/w`, "merge", {}, { dryRun: "x" })).message).toBe('PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["x"]: supported values: "All"');
  });

  it("answers a verb a route does not have with 405 (custom resources: 400 without a name)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const notAllowed = failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
    expect(statusOf(await b.put(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "x" } }))).toEqual(notAllowed);
    expect(statusOf(await b.request("POST", `/api/v1/namespaces/${ns}/configmaps/x`, { body: { metadata: { name: "x" } } }))).toEqual(notAllowed);
    expect(statusOf(await b.delete("/api/v1/namespaces"))).toEqual(notAllowed);
    expect(statusOf(await b.put(`/apis/example.com/v1/namespaces/${ns}/widgets`, widget("x")))).toEqual(failure(400, "BadRequest", "name must be provided"));
  });
});

forEachBackend("conformance: built-in kinds' own rules", (backend) => {
  it("moves a Secret's stringData into data and defaults its type", async () => {
    const b = backend();
    const ns = await b.namespace();
    const created = await b.post(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: "s" }, stringData: { k: "v" }, data: { d: "eA==" } });
    expect([created.status, created.body.data, created.body.stringData, created.body.type]).toEqual([201, { k: "dg==", d: "eA==" }, undefined, "Opaque"]);
  });

  it("keeps the data of an immutable ConfigMap (422 with the API server's causes)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    await b.post(path, { metadata: { name: "imm" }, data: { a: "1" }, immutable: true });
    const forbidden = (field: string): { field: string; reason: string; message: string } => ({ field, reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set" });
    expect(statusOf(await b.patch(`${path}/imm`, "merge", { data: { a: "2" } }))).toEqual(invalidStatus('ConfigMap "imm" is invalid', { name: "imm", kind: "ConfigMap" }, [forbidden("data")]));
    expect(statusOf(await b.patch(`${path}/imm`, "merge", { immutable: false }))).toEqual(invalidStatus('ConfigMap "imm" is invalid', { name: "imm", kind: "ConfigMap" }, [forbidden("immutable")]));
    expect((await b.patch(`${path}/imm`, "merge", { metadata: { labels: { ok: "yes" } } })).status).toBe(200);
  });

  it("defaults a Namespace (finalizer kubernetes, Active) and a Pod's phase (Pending)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const namespace = (await b.get(`/api/v1/namespaces/${ns}`)).body;
    expect([namespace.spec, namespace.status]).toEqual([{ finalizers: ["kubernetes"] }, { phase: "Active" }]);
    const pod = await b.post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i" }] } });
    expect([pod.status, pod.body.status.phase]).toEqual([201, "Pending"]);
    // A real server defaults much more (see docs/testing-differences.md): Pod spec defaults, QoS class.
    expect(pod.body.spec.restartPolicy).toBe(b.real ? "Always" : undefined);
    expect(pod.body.status.qosClass).toBe(b.real ? "BestEffort" : undefined);
  });

  it("gives a Service a cluster IP and defaults on a real server, none in-process (no allocators)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const svc = await b.post(`/api/v1/namespaces/${ns}/services`, { metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } });
    expect(svc.status).toBe(201);
    if (b.real) {
      expect(svc.body.spec).toMatchObject({ type: "ClusterIP", sessionAffinity: "None", ports: [{ port: 80, protocol: "TCP", targetPort: 80 }] });
      expect(svc.body.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    } else {
      expect(svc.body.spec).toEqual({ ports: [{ port: 80 }] });
    }
  });

  it("deletes a CRD's instances before the CRD (the CRD finalizer runs inside the API server)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "temps.conformance.example.com" },
      spec: {
        group: "conformance.example.com",
        names: { kind: "Temp", plural: "temps" },
        scope: "Namespaced",
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
      },
    };
    expect((await b.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).status).toBe(201);
    const path = `/apis/conformance.example.com/v1/namespaces/${ns}/temps`;
    await eventually(async () => (await b.post(path, { apiVersion: "conformance.example.com/v1", kind: "Temp", metadata: { name: "t" } })).status === 201, "the new kind is served");
    const deleted = await b.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/temps.conformance.example.com");
    expect(deleted.status).toBe(200);
    await eventually(async () => (await b.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/temps.conformance.example.com")).status === 404, "the CRD is gone");
    await eventually(
      async () => !((await b.get("/apis/conformance.example.com/v1")).body.resources as { name: string }[]).some((r) => r.name === "temps"),
      "discovery no longer lists temps",
    );
    expect((await b.get(`${path}/t`)).status).toBe(404);
  });
});
