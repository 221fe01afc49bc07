import type { JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { present } from "./present.js";
import { parseSelection, type SelectionRequest } from "./selection.js";
import { badRequest, expired } from "./status-error.js";
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

interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

const CONTINUE_TOO_OLD =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<ContinueToken>;
    if (typeof parsed.rv === "number" && typeof parsed.start === "string") return { rv: parsed.rv, start: parsed.start };
  } catch {
    // reported below
  }
  throw badRequest(`continue key is not valid: expected a token from the metadata.continue of a previous list, got "${token}"`);
}

const encodeContinue = (t: ContinueToken): string => Buffer.from(JSON.stringify(t), "utf8").toString("base64url");

/** Options of {@link listObjects} that come from the store rather than the request. */
export interface ListContext {
  /** Set by the expire-resourceVersions fault: any list at an older resourceVersion gets 410. */
  readonly strictExpiry: boolean;
}

/**
 * Lists objects in key order (namespace, then name). `limit` pages with a `continue` token;
 * later pages are read from the current state, not from a snapshot (see the differences
 * document). A continue token or an `Exact` resourceVersion older than the event history
 * is 410 Expired.
 */
export function listObjects(core: StoreCore, res: ResolvedResource, request: ListRequest, context: ListContext): ListResult {
  const selection = parseSelection(res, request);
  const compacted = core.hub.history.compactedThrough;
  let listRv = core.rv;
  let start = "";
  if (request.continue) {
    const token = decodeContinue(request.continue);
    if (token.rv < compacted) throw expired(CONTINUE_TOO_OLD);
    listRv = token.rv;
    start = token.start;
  } else if (request.resourceVersion && request.resourceVersion !== "0") {
    const rv = Number(request.resourceVersion);
    if (!Number.isInteger(rv) || rv < 0) throw badRequest(`resourceVersion: Invalid value: "${request.resourceVersion}": must be a non-negative integer`);
    if ((request.resourceVersionMatch === "Exact" || context.strictExpiry) && rv < compacted) {
      throw expired(`too old resource version: ${rv} (${compacted + 1})`);
    }
  }
  const keyed = core
    .all(res.storageKey)
    .filter((o) => selection.matches(o))
    .map((o) => ({ key: `${namespaceOf(o)}/${nameOf(o)}`, o }))
    .filter((e) => e.key > start)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const limit = request.limit && request.limit > 0 ? request.limit : keyed.length;
  const page = keyed.slice(0, limit);
  const metadata: ListResult["metadata"] = { resourceVersion: String(listRv) };
  if (page.length < keyed.length) {
    metadata.continue = encodeContinue({ rv: listRv, start: page[page.length - 1]!.key });
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
