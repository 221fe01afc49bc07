/**
 * The protobuf form of an OpenAPI v2 document, as the API server serves `/openapi/v2` for
 * `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (the only form
 * client-go's discovery client asks for, and so the one kubectl reads): gnostic's
 * `openapi.v2.Document` message (google/gnostic-models `openapiv2/OpenAPIv2.proto`).
 *
 * Only what the test server's documents contain is encoded: the document's swagger
 * version, info, paths (operations with query, path and body parameters, and responses with
 * a schema) and definitions (JSON Schema keywords, properties, items, additionalProperties,
 * allOf, vendor extensions). Values of `default`, `enum`, `example` and vendor extensions
 * are gnostic `Any`s holding their YAML text, as gnostic's compiler stores them; JSON text is
 * YAML, so it is written as is.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { isObject, type Json, type JsonObject } from "../../store/json.js";

type Writer = BinaryWriter;

function str(w: Writer, field: number, v: Json | undefined): void {
  if (typeof v === "string" && v !== "") w.tag(field, WireType.LengthDelimited).string(v);
}

function strings(w: Writer, field: number, v: Json | undefined): void {
  if (Array.isArray(v)) for (const s of v) if (typeof s === "string") w.tag(field, WireType.LengthDelimited).string(s);
}

function bool(w: Writer, field: number, v: Json | undefined): void {
  if (v === true) w.tag(field, WireType.Varint).bool(true);
}

function double(w: Writer, field: number, v: Json | undefined): void {
  if (typeof v === "number") w.tag(field, WireType.Bit64).double(v);
}

function int64(w: Writer, field: number, v: Json | undefined): void {
  if (typeof v === "number" && Number.isInteger(v)) w.tag(field, WireType.Varint).int64(v);
}

function message(w: Writer, field: number, write: (w: Writer) => void): void {
  w.tag(field, WireType.LengthDelimited).fork();
  write(w);
  w.join();
}

/** A gnostic `Any`: the value's YAML (here JSON) text in field 2. */
function any(w: Writer, field: number, v: Json | undefined): void {
  if (v === undefined) return;
  message(w, field, (m) => m.tag(2, WireType.LengthDelimited).string(JSON.stringify(v)));
}

/** `repeated NamedAny vendor_extension` for every `x-` key. */
function vendorExtensions(w: Writer, field: number, o: JsonObject): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith("x-")) continue;
    message(w, field, (m) => {
      str(m, 1, k);
      any(m, 2, v);
    });
  }
}

/** `openapi.v2.Schema`. */
function schema(w: Writer, s: JsonObject): void {
  str(w, 1, s["$ref"]);
  str(w, 2, s["format"]);
  str(w, 3, s["title"]);
  str(w, 4, s["description"]);
  any(w, 5, s["default"]);
  double(w, 6, s["multipleOf"]);
  double(w, 7, s["maximum"]);
  bool(w, 8, s["exclusiveMaximum"]);
  double(w, 9, s["minimum"]);
  bool(w, 10, s["exclusiveMinimum"]);
  int64(w, 11, s["maxLength"]);
  int64(w, 12, s["minLength"]);
  str(w, 13, s["pattern"]);
  int64(w, 14, s["maxItems"]);
  int64(w, 15, s["minItems"]);
  bool(w, 16, s["uniqueItems"]);
  int64(w, 17, s["maxProperties"]);
  int64(w, 18, s["minProperties"]);
  strings(w, 19, s["required"]);
  if (Array.isArray(s["enum"])) for (const e of s["enum"]) any(w, 20, e);
  const additional = s["additionalProperties"];
  if (typeof additional === "boolean") message(w, 21, (m) => m.tag(2, WireType.Varint).bool(additional));
  else if (isObject(additional)) message(w, 21, (m) => message(m, 1, (x) => schema(x, additional)));
  const type = s["type"];
  if (typeof type === "string") message(w, 22, (m) => str(m, 1, type));
  else if (Array.isArray(type)) message(w, 22, (m) => strings(m, 1, type));
  const items = s["items"];
  const itemList = isObject(items) ? [items] : Array.isArray(items) ? items.filter(isObject) : [];
  if (itemList.length > 0) message(w, 23, (m) => itemList.forEach((i) => message(m, 1, (x) => schema(x, i))));
  if (Array.isArray(s["allOf"])) for (const a of s["allOf"]) if (isObject(a)) message(w, 24, (m) => schema(m, a));
  const properties = s["properties"];
  if (isObject(properties)) {
    message(w, 25, (m) => {
      for (const [name, p] of Object.entries(properties)) {
        if (!isObject(p)) continue;
        message(m, 1, (n) => {
          str(n, 1, name);
          message(n, 2, (x) => schema(x, p));
        });
      }
    });
  }
  str(w, 26, s["discriminator"]);
  bool(w, 27, s["readOnly"]);
  any(w, 30, s["example"]);
  vendorExtensions(w, 31, s);
}

/** `openapi.v2.ParametersItem` (a body parameter, or a query or path parameter). */
function parameter(w: Writer, p: JsonObject): void {
  message(w, 1, (param) => {
    if (p["in"] === "body") {
      message(param, 1, (b) => {
        str(b, 1, p["description"]);
        str(b, 2, p["name"]);
        str(b, 3, p["in"]);
        bool(b, 4, p["required"]);
        if (isObject(p["schema"])) message(b, 5, (x) => schema(x, p["schema"] as JsonObject));
      });
      return;
    }
    // NonBodyParameter: header (1), formData (2), query (3), path (4) sub-schemas; query and path share their first fields.
    const which = p["in"] === "path" ? 4 : p["in"] === "header" ? 1 : 3;
    message(param, 2, (nb) =>
      message(nb, which, (q) => {
        bool(q, 1, p["required"]);
        str(q, 2, p["in"]);
        str(q, 3, p["description"]);
        str(q, 4, p["name"]);
        if (which === 3) {
          str(q, 6, p["type"]);
          bool(q, 20, p["uniqueItems"]);
        } else {
          str(q, 5, p["type"]);
          bool(q, 19, p["uniqueItems"]);
        }
      }),
    );
  });
}

/** `openapi.v2.Operation`. */
function operation(w: Writer, op: JsonObject): void {
  strings(w, 1, op["tags"]);
  str(w, 2, op["summary"]);
  str(w, 3, op["description"]);
  str(w, 5, op["operationId"]);
  strings(w, 6, op["produces"]);
  strings(w, 7, op["consumes"]);
  if (Array.isArray(op["parameters"])) for (const p of op["parameters"]) if (isObject(p)) message(w, 8, (m) => parameter(m, p));
  const responses = op["responses"];
  if (isObject(responses)) {
    message(w, 9, (rs) => {
      for (const [code, r] of Object.entries(responses)) {
        if (!isObject(r)) continue;
        message(rs, 1, (named) => {
          str(named, 1, code);
          message(named, 2, (value) =>
            message(value, 1, (response) => {
              str(response, 1, r["description"]);
              if (isObject(r["schema"])) message(response, 2, (item) => message(item, 1, (x) => schema(x, r["schema"] as JsonObject)));
            }),
          );
        });
      }
    });
  }
  strings(w, 10, op["schemes"]);
  bool(w, 11, op["deprecated"]);
  vendorExtensions(w, 13, op);
}

const PATH_ITEM_FIELDS: Readonly<Record<string, number>> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

/** `openapi.v2.PathItem`. */
function pathItem(w: Writer, item: JsonObject): void {
  for (const [method, field] of Object.entries(PATH_ITEM_FIELDS)) {
    const op = item[method];
    if (isObject(op)) message(w, field, (m) => operation(m, op));
  }
  if (Array.isArray(item["parameters"])) for (const p of item["parameters"]) if (isObject(p)) message(w, 9, (m) => parameter(m, p));
  vendorExtensions(w, 10, item);
}

/** Encodes a v2 document (`swagger`, `info`, `paths`, `definitions`) as gnostic's `openapi.v2.Document`. */
export function encodeOpenApiV2(doc: JsonObject): Uint8Array {
  const w = new BinaryWriter();
  str(w, 1, doc["swagger"]);
  const info = doc["info"];
  if (isObject(info)) {
    message(w, 2, (m) => {
      str(m, 1, info["title"]);
      str(m, 2, info["version"]);
    });
  }
  const paths = doc["paths"];
  if (isObject(paths)) {
    message(w, 8, (m) => {
      for (const [path, item] of Object.entries(paths)) {
        if (!isObject(item)) continue;
        message(m, 2, (named) => {
          str(named, 1, path);
          message(named, 2, (x) => pathItem(x, item));
        });
      }
    });
  }
  const definitions = doc["definitions"];
  if (isObject(definitions)) {
    message(w, 9, (m) => {
      for (const [name, s] of Object.entries(definitions)) {
        if (!isObject(s)) continue;
        message(m, 1, (named) => {
          str(named, 1, name);
          message(named, 2, (x) => schema(x, s));
        });
      }
    });
  }
  vendorExtensions(w, 16, doc);
  return w.finish();
}
