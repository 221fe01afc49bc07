// Conformance: lists: label and field selectors (each kind's field labels, the errors of both
// parsers), limit/continue paging with its consistent snapshot, and resourceVersion semantics.
import { expect, it } from "vitest";
import { failure, forEachBackend, invalidStatus, statusOf, type Backend } from "./helpers.js";

const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

/** ConfigMaps a..e in a fresh namespace, labelled by tier and index. */
async function seeded(b: Backend): Promise<string> {
  const ns = await b.namespace();
  for (const [name, tier, rank] of [
    ["a", "web", "1"],
    ["b", "web", "2"],
    ["c", "db", "3"],
    ["d", "db", "4"],
    ["e", "", "5"],
  ] as const) {
    await b.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name, labels: { ...(tier ? { tier } : {}), rank } } });
  }
  return ns;
}

forEachBackend("conformance: selectors", (backend) => {
  it("selects by label: equality, sets, existence, gt/lt", async () => {
    const b = backend();
    const ns = await seeded(b);
    const select = async (labelSelector: string): Promise<string[]> => names((await b.get(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector })).body);
    expect(await select("tier=web")).toEqual(["a", "b"]);
    expect(await select("tier==web")).toEqual(["a", "b"]);
    expect(await select("tier!=web")).toEqual(["c", "d", "e"]);
    expect(await select("tier in (web,db),rank notin (1)")).toEqual(["b", "c", "d"]);
    expect(await select("!tier")).toEqual(["e"]);
    expect(await select("tier")).toEqual(["a", "b", "c", "d"]);
    expect(await select("rank>3")).toEqual(["d", "e"]);
    expect(await select("rank<2,tier")).toEqual(["a"]);
    expect(await select("tier in ()")).toEqual([]);
    expect(await select("")).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("refuses malformed label selectors with the API server's messages (400)", async () => {
    const b = backend();
    const bad = async (labelSelector: string): Promise<unknown> => statusOf(await b.get("/api/v1/configmaps", { labelSelector }));
    expect(await bad("a in (b")).toEqual(failure(400, "BadRequest", "unable to parse requirement: found '', expected: ',' or ')'"));
    expect(await bad("a=b=c")).toEqual(failure(400, "BadRequest", "found '=', expected: ',' or 'end of string'"));
    expect(await bad("a=b,")).toEqual(failure(400, "BadRequest", "found '', expected: identifier after ','"));
    expect(await bad("a notin b")).toEqual(failure(400, "BadRequest", "unable to parse requirement: found 'b' expected: '('"));
    expect(await bad("rank>x")).toEqual(failure(400, "BadRequest", `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`));
    expect(await bad("-x")).toEqual(
      failure(
        400,
        "BadRequest",
        `unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ),
    );
    expect(await bad("a=-x-")).toEqual(
      failure(
        400,
        "BadRequest",
        `unable to parse requirement: values[0][a]: Invalid value: "-x-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ),
    );
  });

  it("selects by field: name and namespace everywhere, = == !=, escapes", async () => {
    const b = backend();
    const ns = await seeded(b);
    const select = async (path: string, fieldSelector: string): Promise<string[]> => names((await b.get(path, { fieldSelector })).body);
    expect(await select(`/api/v1/namespaces/${ns}/configmaps`, "metadata.name=a")).toEqual(["a"]);
    expect(await select(`/api/v1/namespaces/${ns}/configmaps`, "metadata.name==b")).toEqual(["b"]);
    expect(await select(`/api/v1/namespaces/${ns}/configmaps`, `metadata.name!=a,metadata.namespace=${ns}`)).toEqual(["b", "c", "d", "e"]);
    expect(await select("/api/v1/configmaps", `metadata.namespace=${ns}`)).toEqual(["a", "b", "c", "d", "e"]);
    expect(await select(`/api/v1/namespaces/${ns}/configmaps`, "metadata.name=a\\,b")).toEqual([]);
    expect(await select("/api/v1/namespaces", `metadata.name=${ns}`)).toEqual([ns]);
  });

  it("selects by each kind's own field labels (Pods, Secrets, custom resources' selectableFields)", async () => {
    const b = backend();
    const ns = await b.namespace();
    for (const [name, nodeName] of [
      ["p1", "n1"],
      ["p2", undefined],
    ] as const) {
      await b.post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "i" }] } });
    }
    const pods = async (fieldSelector: string): Promise<string[]> => names((await b.get(`/api/v1/namespaces/${ns}/pods`, { fieldSelector })).body);
    expect(await pods("spec.nodeName=n1")).toEqual(["p1"]);
    expect(await pods("spec.nodeName=")).toEqual(["p2"]);
    expect(await pods("status.phase=Pending")).toEqual(["p1", "p2"]);
    expect(await pods("spec.hostNetwork=false")).toEqual(["p1", "p2"]);
    await b.post(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: "s1" }, type: "example.com/custom" });
    await b.post(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: "s2" } });
    expect(names((await b.get(`/api/v1/namespaces/${ns}/secrets`, { fieldSelector: "type=Opaque" })).body)).toEqual(["s2"]);
    for (const [name, color] of [
      ["r", "red"],
      ["g", "green"],
    ]) {
      await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec: { color } });
    }
    expect(names((await b.get(`/apis/example.com/v1/namespaces/${ns}/widgets`, { fieldSelector: "spec.color=red" })).body)).toEqual(["r"]);
    expect(names((await b.get(`/apis/example.com/v1/namespaces/${ns}/widgets`, { fieldSelector: "spec.color!=red" })).body)).toEqual(["g"]);
  });

  it("refuses field labels a kind does not have (400), each kind in its own words", async () => {
    const b = backend();
    const bad = async (path: string, fieldSelector: string): Promise<unknown> => statusOf(await b.get(path, { fieldSelector }));
    expect(await bad("/api/v1/configmaps", "data.k=v")).toEqual(failure(400, "BadRequest", '"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"'));
    expect(await bad("/apis/apps/v1/deployments", "spec.replicas=1")).toEqual(
      failure(400, "BadRequest", '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'),
    );
    expect(await bad("/api/v1/pods", "spec.foo=1")).toEqual(failure(400, "BadRequest", "field label not supported: spec.foo"));
    expect(await bad("/api/v1/namespaces", "metadata.namespace=x")).toEqual(failure(400, "BadRequest", "field label not supported: metadata.namespace"));
    expect(await bad("/apis/batch/v1/jobs", "spec.x=1")).toEqual(failure(400, "BadRequest", 'field label "spec.x" not supported for Job'));
    expect(await bad("/apis/example.com/v1/widgets", "spec.size=1")).toEqual(failure(400, "BadRequest", "field label not supported: spec.size"));
    expect(await bad("/apis/example.com/v1/gadgets", "metadata.namespace=x")).toEqual(failure(400, "BadRequest", "field label not supported: metadata.namespace"));
    // Parse errors.
    expect(await bad("/api/v1/pods", "a=b,spec.nodeName")).toEqual(failure(400, "BadRequest", "invalid selector: 'a=b,spec.nodeName'; can't understand 'spec.nodeName'"));
    expect(await bad("/api/v1/pods", "metadata.name>a")).toEqual(failure(400, "BadRequest", "invalid selector: 'metadata.name>a'; can't understand 'metadata.name>a'"));
    expect(await bad("/api/v1/pods", "metadata.name=a\\b")).toEqual(failure(400, "BadRequest", "invalid field selector: invalid escape sequence: \\b"));
  });
});

forEachBackend("conformance: paging and resourceVersions", (backend) => {
  it("pages with limit and continue, counting what remains, from a consistent snapshot", async () => {
    const b = backend();
    const ns = await seeded(b);
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const first = (await b.get(path, { limit: 2 })).body;
    expect([first.kind, first.apiVersion, names(first), first.metadata.remainingItemCount, typeof first.metadata.continue]).toEqual(["ConfigMapList", "v1", ["a", "b"], 3, "string"]);
    // Items of built-in lists carry no apiVersion and kind.
    expect([first.items[0].kind, first.items[0].apiVersion]).toEqual([undefined, undefined]);
    // Changes after the first page do not show in the next ones: they read the first page's snapshot.
    await b.post(path, { metadata: { name: "bb" } });
    await b.delete(`${path}/e`);
    await b.patch(`${path}/c`, "merge", { data: { changed: "yes" } });
    const second = (await b.get(path, { limit: 2, continue: first.metadata.continue })).body;
    expect([names(second), second.metadata.remainingItemCount, second.metadata.resourceVersion]).toEqual([["c", "d"], 1, first.metadata.resourceVersion]);
    expect(second.items[0].data).toBeUndefined();
    const third = (await b.get(path, { limit: 2, continue: second.metadata.continue })).body;
    expect([names(third), third.metadata.remainingItemCount, third.metadata.continue]).toEqual([["e"], undefined, undefined]);
    // A fresh list sees the changes.
    expect(names((await b.get(path)).body)).toEqual(["a", "b", "bb", "c", "d"]);
    // Custom resources' list items keep apiVersion and kind.
    await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: {} });
    const widgets = (await b.get(`/apis/example.com/v1/namespaces/${ns}/widgets`)).body;
    expect([widgets.kind, widgets.items[0].kind, widgets.items[0].apiVersion]).toEqual(["WidgetList", "Widget", "example.com/v1"]);
  });

  it("lists at an Exact resourceVersion as things were then; newer than the server's is 504", async () => {
    const b = backend();
    const ns = await seeded(b);
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const then = (await b.get(path)).body.metadata.resourceVersion as string;
    await b.delete(`${path}/a`);
    await b.post(path, { metadata: { name: "z" } });
    expect(names((await b.get(path, { resourceVersion: then, resourceVersionMatch: "Exact" })).body)).toEqual(["a", "b", "c", "d", "e"]);
    expect(names((await b.get(path, { resourceVersion: then, resourceVersionMatch: "NotOlderThan" })).body)).toEqual(["b", "c", "d", "e", "z"]);
    expect(names((await b.get(path, { resourceVersion: "0" })).body)).toEqual(["b", "c", "d", "e", "z"]);
    const future = String(Number(then) + 1_000_000);
    expect(statusOf(await b.get(path, { resourceVersion: future, resourceVersionMatch: "NotOlderThan" }))).toMatchObject({
      code: 504,
      reason: "Timeout",
      details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 },
    });
    expect(statusOf(await b.get(path, { resourceVersion: future })).message).toMatch(new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
  });

  it("validates list options: resourceVersion, resourceVersionMatch, continue (400, 422)", async () => {
    const b = backend();
    const path = "/api/v1/namespaces/default/configmaps";
    expect(statusOf(await b.get(path, { resourceVersion: "abc" }))).toEqual(
      failure(400, "BadRequest", 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'),
    );
    expect(statusOf(await b.get(path, { resourceVersionMatch: "Exact" }))).toEqual(
      invalidStatus('ListOptions.meta.k8s.io "" is invalid', { group: "meta.k8s.io", kind: "ListOptions" }, [
        { field: "resourceVersionMatch", reason: "FieldValueForbidden", message: "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided" },
      ]),
    );
    expect(statusOf(await b.get(path, { resourceVersion: "0", resourceVersionMatch: "Exact" })).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
    expect(statusOf(await b.get(path, { resourceVersion: "1", resourceVersionMatch: "Sometimes" })).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Sometimes": supported values: "Exact", "NotOlderThan", ""',
    );
    expect(statusOf(await b.get(path, { limit: 1, continue: "garbage" }))).toEqual(
      failure(400, "BadRequest", "invalid continue token: continue key is not valid: invalid character '\\u0081' looking for beginning of value"),
    );
    expect(statusOf(await b.get(path, { limit: 1, continue: "a*b" })).message).toBe("invalid continue token: continue key is not valid: illegal base64 data at input byte 1");
  });
});
