/**
 * Answers `/openapi/v2`, `/openapi/v3` and `/openapi/v3/<group version>` as kube-openapi's
 * handlers do: v2 as JSON, or as protobuf when the client asks for it (client-go only
 * asks for protobuf); the v3 index as JSON; a v3 document as JSON, immutable-cacheable when
 * asked for with its current `hash`, and a 301 to the current URL when asked for with an
 * older one.
 */
import type { ApiAnswer } from "../api-handler.js";
import type { ResourceRegistry } from "../../store/resource-registry.js";
import { resourceNotFound } from "../../store/status-error.js";
import { openApiDocuments, v3DocumentUrl } from "./documents.js";

/** The media types of the v2 protobuf form: kube-openapi accepts both spellings and answers with the second. */
const V2_PROTOBUF = ["application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"];
const V2_PROTOBUF_ANSWER = V2_PROTOBUF[1]!;
const JSON_TYPE = "application/json";

/** The media types of an Accept header, in order (parameters and q-values ignored). */
function acceptedTypes(accept: string | undefined): string[] {
  if (!accept) return ["*/*"];
  return accept
    .split(",")
    .map((c) => c.split(";")[0]!.trim().toLowerCase())
    .filter((c) => c !== "");
}

const acceptsJson = (t: string): boolean => t === JSON_TYPE || t === "application/*" || t === "*/*";

/** The first of JSON or v2 protobuf the Accept header names, or undefined when it names neither. */
function negotiate(accept: string | undefined, protobuf: readonly string[]): string | undefined {
  for (const t of acceptedTypes(accept)) {
    if (protobuf.includes(t)) return t;
    if (acceptsJson(t)) return JSON_TYPE;
  }
  return undefined;
}

const notAcceptable = (): ApiAnswer => ({ kind: "raw", status: 406, contentType: "text/plain", body: "", headers: {} });

/** `/openapi/v2`. */
export function answerOpenApiV2(registry: ResourceRegistry, accept: string | undefined): ApiAnswer {
  const docs = openApiDocuments(registry);
  const type = negotiate(accept, V2_PROTOBUF);
  if (type === undefined) return notAcceptable();
  const doc = docs.v2();
  const headers = { ETag: `"${doc.hash}"`, Vary: "Accept" };
  if (type === JSON_TYPE) return { kind: "raw", status: 200, contentType: JSON_TYPE, body: doc.json, headers };
  return { kind: "raw", status: 200, contentType: V2_PROTOBUF_ANSWER, body: docs.v2Protobuf(), headers };
}

/** `/openapi/v3`: the index of group-version documents. */
export function answerOpenApiV3Index(registry: ResourceRegistry): ApiAnswer {
  return { kind: "raw", status: 200, contentType: JSON_TYPE, body: JSON.stringify(openApiDocuments(registry).v3Index()), headers: {} };
}

/** `/openapi/v3/<path>` (`api/v1`, `apis/<group>/<version>`), `hash` the query's. */
export function answerOpenApiV3Document(registry: ResourceRegistry, path: string, hash: string | null, accept: string | undefined): ApiAnswer {
  const doc = openApiDocuments(registry).v3(path);
  if (!doc) throw resourceNotFound();
  if (negotiate(accept, []) === undefined) return notAcceptable();
  const headers: Record<string, string> = { ETag: `"${doc.hash}"`, Vary: "Accept" };
  if (hash) {
    if (hash !== doc.hash) return { kind: "raw", status: 301, contentType: "text/plain", body: "", headers: { Location: v3DocumentUrl(path, doc.hash) } };
    headers["Cache-Control"] = "public, immutable";
    headers["Expires"] = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  }
  return { kind: "raw", status: 200, contentType: JSON_TYPE, body: doc.json, headers };
}
