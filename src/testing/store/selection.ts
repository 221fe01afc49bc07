import { matchesFields, parseFieldSelector, type FieldSelector } from "../selectors/field-selector.js";
import { matchesLabels, parseLabelSelector, SelectorParseError, type LabelSelector } from "../selectors/label-selector.js";
import { isObject, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { fieldLabelsOf } from "./field-labels.js";
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
 * Parses selectors into a predicate; a selector that does not parse is a 400, and so is a
 * field label the kind does not accept, with the API server's message (see field-labels.ts).
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
  const labelsOfKind = fieldLabelsOf(res);
  const readers = new Map<string, (object: JsonObject) => string>();
  for (const f of fields) {
    const read = labelsOfKind.read(f.path);
    if (!read) throw badRequest(labelsOfKind.unsupported(f.path));
    readers.set(f.path, read);
  }
  const namespace = res.info.namespaced && request.namespace ? request.namespace : undefined;
  return {
    namespace,
    matches(object) {
      const m = meta(object);
      if (namespace !== undefined && m["namespace"] !== namespace) return false;
      const l = isObject(m["labels"]) ? (m["labels"] as Record<string, string>) : undefined;
      return matchesLabels(labels, l) && matchesFields(fields, object, (o, path) => readers.get(path)!(o as JsonObject));
    },
  };
}
