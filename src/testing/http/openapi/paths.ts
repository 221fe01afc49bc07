/**
 * The `paths` of the OpenAPI documents: the REST operations of every served resource, with
 * the `x-kubernetes-action` and `x-kubernetes-group-version-kind` extensions and the query
 * parameters the API server lists (kubectl looks for `fieldValidation` on PATCH to decide
 * that the server validates fields, and for `application/strategic-merge-patch+json` in
 * what PATCH consumes to choose its patch type). Built v2- or v3-shaped from one table.
 */
import type { JsonObject } from "../../store/json.js";
import type { KindInfo } from "../../store/kind-info.js";
import { gvk, META, operationGroupVersion, ref, V3_REF_PREFIX } from "./names.js";

/** Query parameters, with short descriptions. */
const QUERY_PARAMETERS: Readonly<Record<string, { readonly type: "string" | "boolean" | "integer"; readonly description: string }>> = {
  allowWatchBookmarks: { type: "boolean", description: "allowWatchBookmarks requests watch events with type BOOKMARK." },
  continue: { type: "string", description: "The continue option should be set when retrieving more results from the server." },
  dryRun: { type: "string", description: "When present, indicates that modifications should not be persisted. The only valid value is All." },
  fieldManager: { type: "string", description: "fieldManager is a name associated with the actor or entity that is making these changes." },
  fieldSelector: { type: "string", description: "A selector to restrict the list of returned objects by their fields." },
  fieldValidation: {
    type: "string",
    description:
      "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn (the default) or Strict.",
  },
  force: { type: "boolean", description: 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.' },
  gracePeriodSeconds: { type: "integer", description: "The duration in seconds before the object should be deleted." },
  labelSelector: { type: "string", description: "A selector to restrict the list of returned objects by their labels." },
  limit: { type: "integer", description: "limit is a maximum number of responses to return for a list call." },
  orphanDependents: { type: "boolean", description: "Deprecated: please use the PropagationPolicy." },
  propagationPolicy: { type: "string", description: "Whether and how garbage collection will be performed: Orphan, Background or Foreground." },
  resourceVersion: { type: "string", description: "resourceVersion sets a constraint on what resource versions a request may be served from." },
  resourceVersionMatch: { type: "string", description: "resourceVersionMatch determines how resourceVersion is applied to list calls." },
  sendInitialEvents: { type: "boolean", description: "`sendInitialEvents=true` may be set together with `watch=true`." },
  timeoutSeconds: { type: "integer", description: "Timeout for the list/watch call." },
  watch: { type: "boolean", description: "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications." },
};

const LIST_PARAMETERS = [
  "allowWatchBookmarks",
  "continue",
  "fieldSelector",
  "labelSelector",
  "limit",
  "resourceVersion",
  "resourceVersionMatch",
  "sendInitialEvents",
  "timeoutSeconds",
  "watch",
];
const WRITE_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation"];
const PATCH_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation", "force"];
const DELETE_PARAMETERS = ["dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"];
const DELETE_COLLECTION_PARAMETERS = [...DELETE_PARAMETERS, ...LIST_PARAMETERS.filter((p) => p !== "allowWatchBookmarks" && p !== "watch")];

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];
const BUILTIN_PATCH_TYPES = [...PATCH_TYPES, "application/strategic-merge-patch+json"];

type Action = "list" | "post" | "deletecollection" | "get" | "put" | "patch" | "delete";

/** One operation, in neither version's shape yet. */
interface OperationSpec {
  readonly method: "get" | "put" | "post" | "delete" | "patch";
  readonly action: Action;
  readonly operationId: string;
  readonly description: string;
  readonly parameters: readonly string[];
  /** The request body: the media types and the definition. */
  readonly body?: { readonly types: readonly string[]; readonly definition: string; readonly required: boolean };
  /** Response codes and the definition each answers with. */
  readonly responses: readonly (readonly [code: string, description: string, definition: string])[];
}

/** One path: its path parameters and operations. */
interface PathSpec {
  readonly path: string;
  readonly kind: string;
  readonly name: boolean;
  readonly namespace: boolean;
  readonly gvk: JsonObject;
  readonly tag: string;
  readonly operations: readonly OperationSpec[];
}

/** The definitions a resource's operations name. */
export interface ResourceDefinitions {
  readonly kind: string;
  readonly list: string;
}

/** The definitions every path document refers to (besides the kinds'). */
export const PATH_DEFINITIONS: readonly string[] = [`${META}.Status`, `${META}.Patch`, `${META}.DeleteOptions`];

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? "an" : "a";
}

/** The paths of one resource (a kind at one version). */
function resourcePaths(info: KindInfo, version: string, statusSubresource: boolean, defs: ResourceDefinitions): PathSpec[] {
  const { group, kind, plural, namespaced } = info;
  const base = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  const { prefix, tag } = operationGroupVersion(group, version);
  const scope = namespaced ? "Namespaced" : "";
  const id = (verb: string, suffix = ""): string => `${verb}${prefix}${scope}${kind}${suffix}`;
  const status = `${META}.Status`;
  const patchTypes = info.builtin ? BUILTIN_PATCH_TYPES : PATCH_TYPES;
  const collection = namespaced ? `${base}/namespaces/{namespace}/${plural}` : `${base}/${plural}`;
  const common = { kind, namespace: namespaced, gvk: gvk(group, version, kind), tag };
  const paths: PathSpec[] = [];
  if (namespaced) {
    paths.push({
      ...common,
      path: `${base}/${plural}`,
      namespace: false,
      name: false,
      operations: [
        {
          method: "get",
          action: "list",
          operationId: `list${prefix}${kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${kind}`,
          parameters: LIST_PARAMETERS,
          responses: [["200", "OK", defs.list]],
        },
      ],
    });
  }
  paths.push({
    ...common,
    path: collection,
    name: false,
    operations: [
      {
        method: "get",
        action: "list",
        operationId: id("list"),
        description: `list or watch objects of kind ${kind}`,
        parameters: LIST_PARAMETERS,
        responses: [["200", "OK", defs.list]],
      },
      {
        method: "post",
        action: "post",
        operationId: id("create"),
        description: `create ${article(kind)} ${kind}`,
        parameters: WRITE_PARAMETERS,
        body: { types: ["application/json"], definition: defs.kind, required: true },
        responses: [
          ["200", "OK", defs.kind],
          ["201", "Created", defs.kind],
          ["202", "Accepted", defs.kind],
        ],
      },
      {
        method: "delete",
        action: "deletecollection",
        operationId: id("deleteCollection"),
        description: `delete collection of ${kind}`,
        parameters: DELETE_COLLECTION_PARAMETERS,
        body: { types: ["application/json"], definition: `${META}.DeleteOptions`, required: false },
        responses: [["200", "OK", status]],
      },
    ],
  });
  const objectOperations = (suffix: string, what: string): OperationSpec[] => [
    {
      method: "get",
      action: "get",
      operationId: id("read", suffix),
      description: `read ${what}the specified ${kind}`,
      parameters: [],
      responses: [["200", "OK", defs.kind]],
    },
    {
      method: "put",
      action: "put",
      operationId: id("replace", suffix),
      description: `replace ${what}the specified ${kind}`,
      parameters: WRITE_PARAMETERS,
      body: { types: ["application/json"], definition: defs.kind, required: true },
      responses: [
        ["200", "OK", defs.kind],
        ["201", "Created", defs.kind],
      ],
    },
    {
      method: "patch",
      action: "patch",
      operationId: id("patch", suffix),
      description: `partially update ${what}the specified ${kind}`,
      parameters: PATCH_PARAMETERS,
      body: { types: patchTypes, definition: `${META}.Patch`, required: true },
      responses: [
        ["200", "OK", defs.kind],
        ["201", "Created", defs.kind],
      ],
    },
  ];
  paths.push({
    ...common,
    path: `${collection}/{name}`,
    name: true,
    operations: [
      ...objectOperations("", ""),
      {
        method: "delete",
        action: "delete",
        operationId: id("delete"),
        description: `delete ${article(kind)} ${kind}`,
        parameters: DELETE_PARAMETERS,
        body: { types: ["application/json"], definition: `${META}.DeleteOptions`, required: false },
        responses: [
          ["200", "OK", info.deleteReturnsObject ? defs.kind : status],
          ["202", "Accepted", info.deleteReturnsObject ? defs.kind : status],
        ],
      },
    ],
  });
  if (statusSubresource) paths.push({ ...common, path: `${collection}/{name}/status`, name: true, operations: objectOperations("Status", "status of ") });
  return paths;
}

function pathParameters(p: PathSpec, v3: boolean): JsonObject[] {
  const param = (name: string, description: string): JsonObject =>
    v3
      ? { name, in: "path", description, required: true, schema: { type: "string", uniqueItems: true } }
      : { name, in: "path", description, required: true, type: "string", uniqueItems: true };
  const out: JsonObject[] = [];
  if (p.name) out.push(param("name", `name of the ${p.kind}`));
  if (p.namespace) out.push(param("namespace", "object name and auth scope, such as for teams and projects"));
  const pretty = "If 'true', then the output is pretty printed.";
  out.push(
    v3
      ? { name: "pretty", in: "query", description: pretty, schema: { type: "string", uniqueItems: true } }
      : { name: "pretty", in: "query", description: pretty, type: "string", uniqueItems: true },
  );
  return out;
}

function queryParameter(name: string, v3: boolean): JsonObject {
  const q = QUERY_PARAMETERS[name]!;
  return v3
    ? { name, in: "query", description: q.description, schema: { type: q.type, uniqueItems: true } }
    : { name, in: "query", description: q.description, type: q.type, uniqueItems: true };
}

function operation(p: PathSpec, op: OperationSpec, v3: boolean): JsonObject {
  const schemaRef = (name: string): JsonObject => (v3 ? { $ref: `${V3_REF_PREFIX}${name}` } : ref(name));
  const out: JsonObject = { tags: [p.tag], description: op.description, operationId: op.operationId };
  const parameters = op.parameters.map((n) => queryParameter(n, v3));
  if (v3) {
    if (parameters.length > 0) out["parameters"] = parameters;
    if (op.body) {
      const content: JsonObject = {};
      for (const t of op.body.types) content[t] = { schema: schemaRef(op.body.definition) };
      out["requestBody"] = op.body.required ? { content, required: true } : { content };
    }
    const responses: JsonObject = {};
    for (const [code, description, definition] of op.responses)
      responses[code] = { description, content: { "application/json": { schema: schemaRef(definition) } } };
    out["responses"] = responses;
  } else {
    if (op.body) {
      out["consumes"] = [...op.body.types];
      parameters.unshift({ name: "body", in: "body", required: op.body.required, schema: ref(op.body.definition) });
    } else {
      out["consumes"] = ["*/*"];
    }
    out["produces"] = ["application/json"];
    out["schemes"] = ["https"];
    if (parameters.length > 0) out["parameters"] = parameters;
    const responses: JsonObject = {};
    for (const [code, description, definition] of op.responses) responses[code] = { description, schema: ref(definition) };
    out["responses"] = responses;
  }
  out["x-kubernetes-action"] = op.action;
  out["x-kubernetes-group-version-kind"] = p.gvk;
  return out;
}

/**
 * The path items of one resource (a kind at one version), v2- or v3-shaped.
 */
export function resourcePathItems(
  info: KindInfo,
  version: string,
  statusSubresource: boolean,
  defs: ResourceDefinitions,
  v3: boolean,
): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const p of resourcePaths(info, version, statusSubresource, defs)) {
    const item: JsonObject = {};
    for (const op of p.operations) item[op.method] = operation(p, op, v3);
    item["parameters"] = pathParameters(p, v3);
    out.set(p.path, item);
  }
  return out;
}
