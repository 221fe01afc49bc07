import type { JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { present } from "./present.js";
import { parseSelection, type SelectionRequest } from "./selection.js";
import { badRequest, expired, invalid, timeout, unreasoned, type FieldCause, type StatusError } from "./status-error.js";
import { namespaceOf, nameOf, type StoreCore } from "./store-core.js";

/** A list request: selection, paging and resourceVersion semantics. */
export interface ListRequest extends SelectionRequest {
  readonly limit?: number | undefined;
  readonly continue?: string | undefined;
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: string | undefined;
}

/** A list as the API server answers it. */
export interface ListResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  readonly items: JsonObject[];
}

/** A continue token, as the API server encodes it: base64url (unpadded) JSON of `{ v, rv, start }`. */
interface ContinueToken {
  readonly rv: number;
  /** List after this key (`<namespace>/<name>` of the last item, then a NUL). */
  readonly start: string;
}

const TOKEN_VERSION = "meta.k8s.io/v1";

/** The 410 message of a list at a resourceVersion etcd no longer has. */
const LIST_TOO_OLD = "The resourceVersion for the provided list is too old.";

const CONTINUE_TOO_OLD =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/** A byte as Go's JSON decoder quotes it in `invalid character ...`. */
function goQuoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  if (c === 0x5c) return "'\\\\'";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u${c.toString(16).padStart(4, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

function invalidContinue(why: string): StatusError {
  return badRequest(`invalid continue token: continue key is not valid: ${why}`);
}

function decodeContinue(token: string): ContinueToken {
  const bad = token.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0 || token.length % 4 === 1) throw invalidContinue(`illegal base64 data at input byte ${bad >= 0 ? bad : token.length - 1}`);
  const bytes = Buffer.from(token, "base64url");
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
    throw invalidContinue(first < 0 ? "unexpected end of JSON input" : `invalid character ${goQuoteByte(bytes[first]!)} looking for beginning of value`);
  }
  const t = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (t.v !== TOKEN_VERSION) throw invalidContinue("server does not recognize this encoded key");
  if (typeof t.rv !== "number" || !Number.isInteger(t.rv) || t.rv <= 0) throw invalidContinue(`incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  if (typeof t.start !== "string" || t.start === "") throw invalidContinue(`encoded start key is empty (version ${TOKEN_VERSION})`);
  return { rv: t.rv, start: t.start };
}

const encodeContinue = (t: ContinueToken): string => Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv: t.rv, start: t.start }), "utf8").toString("base64url");

/** A ListOptions error: 422 `ListOptions.meta.k8s.io "" is invalid: ...`. */
function invalidListOptions(causes: FieldCause[]): StatusError {
  return invalid({ group: "meta.k8s.io", kind: "ListOptions" }, "", causes);
}

const forbidden = (field: string, detail: string): FieldCause => ({ reason: "FieldValueForbidden", message: `Forbidden: ${detail}`, field });

/** The checks the API server makes of a list's options before anything else (422 ListOptions). */
function validateListOptions(request: ListRequest): void {
  const match = request.resourceVersionMatch;
  if (!match) return;
  const causes: FieldCause[] = [];
  if (!request.resourceVersion) causes.push(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
  if (request.continue) causes.push(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
  if (match !== "Exact" && match !== "NotOlderThan") {
    causes.push({ reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`, field: "resourceVersionMatch" });
  }
  if (match === "Exact" && request.resourceVersion === "0") causes.push(forbidden("resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  if (causes.length > 0) throw invalidListOptions(causes);
}

/**
 * A resourceVersion parameter as a number. When it is not one: a list's 400, or (`watch`) the
 * 500 without a reason the API server answers a watch with.
 */
export function parseResourceVersion(text: string, watch = false): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(n)) return n;
  const why = `resourceVersion: Invalid value: ${JSON.stringify(text)}: strconv.ParseUint: parsing ${JSON.stringify(text)}: ${Number.isNaN(n) ? "invalid syntax" : "value out of range"}`;
  throw watch ? unreasoned(500, why) : badRequest(`invalid resource version: ${why}`);
}

/** 504 for a resourceVersion the server has not reached (the API server waits 3 s first). */
export function tooLargeResourceVersion(rv: number, current: number): StatusError {
  return timeout(`Too large resource version: ${rv}, current: ${current}`, [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], 1);
}

/**
 * The objects of a kind as they were at `rv`: the current ones with every later change
 * undone from the event history; undefined when the history no longer reaches back there.
 */
function objectsAt(core: StoreCore, storageKey: string, rv: number): JsonObject[] | undefined {
  if (rv >= core.rv) return core.all(storageKey);
  const later = core.hub.history.since(rv);
  if (later === undefined) return undefined;
  const state = new Map<string, JsonObject>(core.all(storageKey).map((o) => [`${namespaceOf(o)}/${nameOf(o)}`, o]));
  for (let i = later.length - 1; i >= 0; i--) {
    const e = later[i]!;
    if (e.storageKey !== storageKey) continue;
    const key = `${namespaceOf(e.object)}/${nameOf(e.object)}`;
    if (e.type === "ADDED") state.delete(key);
    else if (e.previous) state.set(key, e.previous);
  }
  return [...state.values()];
}

/** Options of {@link listObjects} that come from the store rather than the request. */
export interface ListContext {
  /** Set by the expire-resourceVersions fault: any list at an older resourceVersion gets 410. */
  readonly strictExpiry: boolean;
}

/**
 * Lists objects in key order (namespace, then name). `limit` pages with a `continue` token;
 * later pages, and lists at an `Exact` resourceVersion, show the state at that version
 * (rebuilt from the event history), as the API server's consistent lists do. A continue
 * token or an `Exact` resourceVersion older than the history is 410 Expired; one newer than
 * the server's is 504 (the API server first waits 3 s for it).
 */
export function listObjects(core: StoreCore, res: ResolvedResource, request: ListRequest, context: ListContext): ListResult {
  validateListOptions(request);
  const selection = parseSelection(res, request);
  const compacted = core.hub.history.compactedThrough;
  let listRv = core.rv;
  let start = "";
  let objects: JsonObject[] | undefined = core.all(res.storageKey);
  if (request.continue) {
    const token = decodeContinue(request.continue);
    if (token.rv < compacted || token.rv > core.rv) throw expired(CONTINUE_TOO_OLD);
    listRv = token.rv;
    start = token.start;
    objects = objectsAt(core, res.storageKey, token.rv);
    if (!objects) throw expired(CONTINUE_TOO_OLD);
  } else if (request.resourceVersion && request.resourceVersion !== "0") {
    const rv = parseResourceVersion(request.resourceVersion);
    if (rv > core.rv) throw tooLargeResourceVersion(rv, core.rv);
    if ((request.resourceVersionMatch === "Exact" || context.strictExpiry) && rv < compacted) {
      throw expired(LIST_TOO_OLD);
    }
    if (request.resourceVersionMatch === "Exact") {
      objects = objectsAt(core, res.storageKey, rv);
      if (!objects) throw expired(LIST_TOO_OLD);
      listRv = rv;
    }
  }
  const keyed = objects
    .filter((o) => selection.matches(o))
    .map((o) => ({ key: `${namespaceOf(o)}/${nameOf(o)}`, o }))
    .filter((e) => e.key > start)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const limit = request.limit && request.limit > 0 ? request.limit : keyed.length;
  const page = keyed.slice(0, limit);
  const metadata: ListResult["metadata"] = { resourceVersion: String(listRv) };
  if (page.length < keyed.length) {
    metadata.continue = encodeContinue({ rv: listRv, start: `${page[page.length - 1]!.key}\u0000` });
    metadata.remainingItemCount = keyed.length - page.length;
  }
  return {
    apiVersion: res.apiVersion,
    kind: res.info.listKind,
    metadata,
    items: page.map(({ o }) => {
      const item = present(res, o);
      if (res.info.builtin) {
        delete item["apiVersion"];
        delete item["kind"];
      }
      return item;
    }),
  };
}
