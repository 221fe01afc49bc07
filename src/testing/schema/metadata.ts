/**
 * ObjectMeta as the API server round-trips it through Go's `metav1.ObjectMeta`: unknown fields
 * dropped, empty optional fields omitted, timestamps in RFC 3339 seconds (UTC), and a value of
 * the wrong type rejected with Go's unmarshal message.
 */
import { invalid, type SchemaCause } from "./field-error.js";
import { isInt64, isObject, type JsonObject } from "./json.js";
import { parseDateTime } from "./time-formats.js";

type Kind = "string" | "int64" | "time" | "stringMap" | "stringList" | "objectList";

const FIELDS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ["name", "string"],
  ["generateName", "string"],
  ["namespace", "string"],
  ["selfLink", "string"],
  ["uid", "string"],
  ["resourceVersion", "string"],
  ["generation", "int64"],
  ["creationTimestamp", "time"],
  ["deletionTimestamp", "time"],
  ["deletionGracePeriodSeconds", "int64"],
  ["labels", "stringMap"],
  ["annotations", "stringMap"],
  ["ownerReferences", "objectList"],
  ["finalizers", "stringList"],
  ["managedFields", "objectList"],
]);

const GO_TYPES: Readonly<Record<Kind, string>> = {
  string: "string",
  int64: "int64",
  time: "v1.Time",
  stringMap: "map[string]string",
  stringList: "[]string",
  objectList: "[]v1.OwnerReference",
};

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}

/** RFC 3339 seconds in UTC, as `metav1.Time` marshals. */
function formatTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function typeError(k: string, kind: Kind, v: unknown): string {
  return `json: cannot unmarshal ${jsonKind(v)} into Go struct field ObjectMeta.${k} of type ${GO_TYPES[kind]}`;
}

/**
 * The metadata the server keeps for `meta` (at `path`), or a cause when a known field has a
 * value of the wrong type.
 */
export function normalizeObjectMeta(meta: unknown, path: string): { value: JsonObject } | { cause: SchemaCause } {
  if (meta === null) return { value: {} };
  if (!isObject(meta))
    return {
      cause: invalid(path, meta, `json: cannot unmarshal ${jsonKind(meta)} into Go value of type v1.ObjectMeta`),
    };
  const out: JsonObject = {};
  for (const k of Object.keys(meta)) {
    const kind = FIELDS.get(k);
    if (kind === undefined) continue;
    const v = meta[k];
    if (v === null) continue;
    switch (kind) {
      case "string":
        if (typeof v !== "string") return { cause: invalid(path, meta, typeError(k, kind, v)) };
        if (v !== "") out[k] = v;
        break;
      case "int64":
        if (typeof v !== "number" || !isInt64(v)) return { cause: invalid(path, meta, typeError(k, kind, v)) };
        if (v !== 0 || k === "deletionGracePeriodSeconds") out[k] = v;
        break;
      case "time": {
        const t = typeof v === "string" ? parseDateTime(v) : undefined;
        if (t === undefined) return { cause: invalid(path, meta, typeError(k, kind, v)) };
        out[k] = formatTime(t.seconds);
        break;
      }
      case "stringMap":
        if (!isObject(v) || Object.values(v).some((x) => typeof x !== "string" && x !== null)) {
          return { cause: invalid(path, meta, typeError(k, kind, v)) };
        }
        if (Object.keys(v).length > 0) {
          out[k] = Object.fromEntries(Object.entries(v).map(([a, b]) => [a, b ?? ""]));
        }
        break;
      case "stringList":
        if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
          return { cause: invalid(path, meta, typeError(k, kind, v)) };
        }
        if (v.length > 0) out[k] = v;
        break;
      case "objectList":
        if (!Array.isArray(v) || v.some((x) => !isObject(x)))
          return { cause: invalid(path, meta, typeError(k, kind, v)) };
        if (v.length > 0) out[k] = v;
        break;
    }
  }
  return { value: out };
}
