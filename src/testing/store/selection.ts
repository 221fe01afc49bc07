import { matchesFields, parseFieldSelector, type FieldSelector } from "../selectors/field-selector.js";
import { matchesLabels, parseLabelSelector, SelectorParseError, type LabelSelector } from "../selectors/label-selector.js";
import { isObject, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { badRequest } from "./status-error.js";
import { meta } from "./store-core.js";

/** Which objects a list or watch selects. */
export interface SelectionRequest {
  /** Only this namespace; all when undefined or "". */
  readonly namespace?: string | undefined;
  readonly labelSelector?: string | Readonly<Record<string, string>> | undefined;
  readonly fieldSelector?: string | undefined;
}

/** A parsed selection: a predicate over stored objects. */
export interface Selection {
  readonly namespace: string | undefined;
  matches(object: JsonObject): boolean;
}

/**
 * Parses selectors into a predicate; a selector that does not parse is a 400. Custom
 * resources accept only `metadata.name`, `metadata.namespace` and their CRD's
 * `selectableFields` in field selectors, as the API server does; built-ins accept any path.
 */
export function parseSelection(res: ResolvedResource, request: SelectionRequest): Selection {
  let labels: LabelSelector;
  let fields: FieldSelector;
  try {
    labels = parseLabelSelector(request.labelSelector);
    fields = parseFieldSelector(request.fieldSelector);
  } catch (e) {
    if (e instanceof SelectorParseError) throw badRequest(e.message);
    throw e;
  }
  if (!res.info.builtin) {
    const allowed = ["metadata.name", ...(res.info.namespaced ? ["metadata.namespace"] : []), ...res.version.selectableFields];
    for (const f of fields) {
      if (!allowed.includes(f.path)) throw badRequest(`"${f.path}" is not a known field selector: only ${allowed.map((a) => `"${a}"`).join(", ")}`);
    }
  }
  const namespace = res.info.namespaced && request.namespace ? request.namespace : undefined;
  return {
    namespace,
    matches(object) {
      const m = meta(object);
      if (namespace !== undefined && m["namespace"] !== namespace) return false;
      const l = isObject(m["labels"]) ? (m["labels"] as Record<string, string>) : undefined;
      return matchesLabels(labels, l) && matchesFields(fields, object);
    },
  };
}
