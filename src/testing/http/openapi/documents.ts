/**
 * The OpenAPI documents of one test server, built from what its registry serves: the
 * built-in kinds and every served version of every custom kind. `/openapi/v2` is one
 * document; `/openapi/v3` lists one document per group version with a `hash` of its text,
 * as kube-openapi's handler3 does. Documents are built when first asked for and rebuilt when
 * the kinds they describe change (a CRD installed, changed or removed).
 */
import { createHash } from "node:crypto";
import type { JsonObject } from "../../store/json.js";
import type { KindInfo, ResolvedResource } from "../../store/kind-info.js";
import type { ResourceRegistry } from "../../store/resource-registry.js";
import { builtinDefinitions } from "./builtin-definitions.js";
import { customDefinitions } from "./custom-definitions.js";
import { groupVersionPath } from "./names.js";
import { PATH_DEFINITIONS, resourcePathItems } from "./paths.js";
import { encodeOpenApiV2 } from "./protobuf-v2.js";
import { referencedDefinitions, toV3Schema } from "./schema-walk.js";

/** A document as served: its text and the hash of that text (kube-openapi's ETag: SHA-512, upper-case hex). */
export interface ServedDocument {
  readonly json: string;
  readonly hash: string;
  /** The document itself (not to be changed). */
  readonly value: JsonObject;
}

/** The OpenAPI version the documents report for the built-in API. */
const KUBERNETES_INFO = { title: "Kubernetes", version: "v1.33.0" };
/** What the apiextensions-apiserver's builder reports for documents of custom resources only. */
const CRD_INFO = { title: "Kubernetes CRD Swagger", version: "v0.1.0" };

function served(doc: JsonObject): ServedDocument {
  const json = JSON.stringify(doc);
  return { json, hash: createHash("sha512").update(json).digest("hex").toUpperCase(), value: doc };
}

/** The definitions and paths of a set of resources, in one OpenAPI version's shape. */
interface Parts {
  readonly definitions: Map<string, JsonObject>;
  readonly paths: Map<string, JsonObject>;
  /** No built-in kind among the resources. */
  readonly customOnly: boolean;
}

function parts(resources: readonly ResolvedResource[], v3: boolean): Parts {
  const builtins = builtinDefinitions();
  const own = new Map<string, JsonObject>();
  const roots: string[] = [...PATH_DEFINITIONS];
  const paths = new Map<string, JsonObject>();
  let customOnly = true;
  for (const r of resources) {
    const names = r.info.builtin ? builtins.kinds.get(`${r.info.group}/${r.version.name}/${r.info.kind}`) : undefined;
    let defs: { kind: string; list: string };
    if (names) {
      defs = names;
      customOnly = false;
    } else {
      const custom = customDefinitions(r.info, r.version);
      for (const [name, schema] of v3 ? custom.v3 : custom.v2) own.set(name, schema);
      defs = { kind: custom.kindName, list: custom.listName };
    }
    roots.push(defs.kind, defs.list);
    for (const [path, item] of resourcePathItems(r.info, r.version.name, r.version.statusSubresource, defs, v3)) paths.set(path, item);
  }
  // Every definition reachable from the kinds and the operations.
  const definitions = new Map<string, JsonObject>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (definitions.has(name)) continue;
    const schema = own.get(name) ?? builtins.definitions.get(name);
    if (!schema) continue;
    definitions.set(name, v3 ? (builtins.v3Overrides.get(name) ?? toV3Schema(schema)) : schema);
    for (const target of referencedDefinitions(schema)) if (!definitions.has(target)) pending.push(target);
  }
  return { definitions, paths, customOnly };
}

const sorted = (m: ReadonlyMap<string, JsonObject>): JsonObject => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Whether two lists hold the same kinds (the registry replaces a kind's object whenever it changes). */
function sameKinds(a: readonly KindInfo[], b: readonly KindInfo[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** The OpenAPI documents of one registry, cached until its kinds change. */
export class OpenApiDocuments {
  #v2: { kinds: KindInfo[]; doc: ServedDocument; proto?: Uint8Array } | undefined;
  readonly #v3 = new Map<string, { kinds: KindInfo[]; doc: ServedDocument }>();

  constructor(private readonly registry: ResourceRegistry) {}

  /** The served group versions, by their `/openapi/v3` path, with the resources served there. */
  #groupVersions(): Map<string, ResolvedResource[]> {
    const out = new Map<string, ResolvedResource[]>();
    for (const g of this.registry.groupVersions()) {
      for (const v of g.versions) out.set(groupVersionPath(g.group, v), this.registry.kindsAt(g.group, v));
    }
    return out;
  }

  /** `/openapi/v2` as JSON. */
  v2(): ServedDocument {
    return this.#v2Entry().doc;
  }

  /** `/openapi/v2` as gnostic protobuf. */
  v2Protobuf(): Uint8Array {
    const entry = this.#v2Entry();
    entry.proto ??= encodeOpenApiV2(entry.doc.value);
    return entry.proto;
  }

  #v2Entry(): { kinds: KindInfo[]; doc: ServedDocument; proto?: Uint8Array } {
    const kinds = this.registry.all();
    if (this.#v2 && sameKinds(this.#v2.kinds, kinds)) return this.#v2;
    const all = [...this.#groupVersions().values()].flat();
    const p = parts(all, false);
    const doc = { swagger: "2.0", info: KUBERNETES_INFO, paths: sorted(p.paths), definitions: sorted(p.definitions) };
    this.#v2 = { kinds, doc: served(doc) };
    return this.#v2;
  }

  /** The document of one group version (`api/v1`, `apis/apps/v1`), or undefined when none is served there. */
  v3(path: string): ServedDocument | undefined {
    const resources = this.#groupVersions().get(path);
    if (!resources) {
      this.#v3.delete(path);
      return undefined;
    }
    const kinds = resources.map((r) => r.info);
    const cached = this.#v3.get(path);
    if (cached && sameKinds(cached.kinds, kinds)) return cached.doc;
    const p = parts(resources, true);
    const doc = {
      openapi: "3.0.0",
      info: p.customOnly ? CRD_INFO : KUBERNETES_INFO,
      paths: sorted(p.paths),
      components: { schemas: sorted(p.definitions) },
    };
    const entry = { kinds, doc: served(doc) };
    this.#v3.set(path, entry);
    return entry.doc;
  }

  /** `/openapi/v3`: every group version's document, by path, with its `serverRelativeURL`. */
  v3Index(): JsonObject {
    const paths: JsonObject = {};
    for (const path of [...this.#groupVersions().keys()].sort()) {
      const doc = this.v3(path);
      if (doc) paths[path] = { serverRelativeURL: v3DocumentUrl(path, doc.hash) };
    }
    return { paths };
  }
}

/** Where a group version's document is served: `/openapi/v3/<path>?hash=<hash>`. */
export function v3DocumentUrl(path: string, hash: string): string {
  return `/openapi/v3/${path}?hash=${hash}`;
}

const documents = new WeakMap<ResourceRegistry, OpenApiDocuments>();

/** The documents of a registry (one cache per registry, so per test server and store). */
export function openApiDocuments(registry: ResourceRegistry): OpenApiDocuments {
  let d = documents.get(registry);
  if (!d) {
    d = new OpenApiDocuments(registry);
    documents.set(registry, d);
  }
  return d;
}
