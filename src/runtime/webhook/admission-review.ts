import type { Logger } from "pino";
import { outcomeFromError } from "./admission-outcome.js";
import { httpError, type HttpAnswer } from "./http-io.js";
import type { AdmissionHandler, AdmissionOperation, AdmissionOutcome, AdmissionRequest, AdmissionReviewVersion } from "./types.js";

const REVIEW_VERSIONS: readonly AdmissionReviewVersion[] = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"];
const OPERATIONS: readonly AdmissionOperation[] = ["CREATE", "UPDATE", "DELETE", "CONNECT"];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A parsed AdmissionReview request, or what is wrong with the document. */
export type ParsedAdmissionReview =
  | { readonly ok: true; readonly apiVersion: AdmissionReviewVersion; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly message: string };

/**
 * Checks that `doc` is an `AdmissionReview` (admission.k8s.io/v1, or v1beta1 which has the same
 * shape) with a request carrying a uid, a kind and a known operation.
 */
export function parseAdmissionReview(doc: unknown): ParsedAdmissionReview {
  if (!isRecord(doc)) return { ok: false, message: "expected a JSON object (an AdmissionReview)" };
  const apiVersion = doc["apiVersion"];
  if (!REVIEW_VERSIONS.includes(apiVersion as AdmissionReviewVersion)) {
    return { ok: false, message: `expected apiVersion ${REVIEW_VERSIONS.join(" or ")}, got ${JSON.stringify(apiVersion)}` };
  }
  if (doc["kind"] !== "AdmissionReview") return { ok: false, message: `expected kind AdmissionReview, got ${JSON.stringify(doc["kind"])}` };
  const request = doc["request"];
  if (!isRecord(request)) return { ok: false, message: "expected an AdmissionReview with a request object" };
  if (typeof request["uid"] !== "string" || request["uid"] === "") return { ok: false, message: "expected request.uid to be a non-empty string" };
  const kind = request["kind"];
  if (!isRecord(kind) || typeof kind["kind"] !== "string" || typeof kind["version"] !== "string" || typeof (kind["group"] ?? "") !== "string") {
    return { ok: false, message: "expected request.kind to be { group, version, kind }" };
  }
  if (!OPERATIONS.includes(request["operation"] as AdmissionOperation)) {
    return { ok: false, message: `expected request.operation to be one of ${OPERATIONS.join(", ")}, got ${JSON.stringify(request["operation"])}` };
  }
  const normalised = { ...request, kind: { ...kind, group: kind["group"] ?? "" }, userInfo: request["userInfo"] ?? {} };
  return { ok: true, apiVersion: apiVersion as AdmissionReviewVersion, request: normalised as unknown as AdmissionRequest };
}

/**
 * Answers an AdmissionReview document with `handler`: 400 with a Status body when the document
 * is not a review; otherwise 200 with the review response (the request's uid echoed, in the
 * request's apiVersion, the outcome's `result` sent as `status`: see {@link admissionResponse}).
 * A handler that throws is answered `allowed: false` (code 500 unless it threw a
 * ValidationError or ApiError) and never escapes.
 */
export async function answerAdmissionReview(doc: unknown, handler: AdmissionHandler, log: Logger, signal: AbortSignal): Promise<HttpAnswer> {
  const parsed = parseAdmissionReview(doc);
  if (!parsed.ok) {
    log.error({ reason: parsed.message }, "bad admission request");
    return httpError(400, "BadRequest", parsed.message);
  }
  const req = parsed.request;
  const reqLog = log.child({
    uid: req.uid,
    kind: `${req.kind.group ? `${req.kind.group}/` : ""}${req.kind.version}/${req.kind.kind}`,
    operation: req.operation,
    ...(req.namespace ? { namespace: req.namespace } : {}),
    ...(req.name ? { name: req.name } : {}),
  });
  let outcome: AdmissionOutcome;
  try {
    outcome = await handler(req, { log: reqLog, signal });
  } catch (err) {
    outcome = outcomeFromError(err, req, reqLog);
  }
  reqLog.debug({ allowed: outcome.allowed, code: outcome.result?.code, patched: outcome.patch !== undefined }, "admission answered");
  return {
    status: 200,
    body: { apiVersion: parsed.apiVersion, kind: "AdmissionReview", response: admissionResponse(outcome, req.uid) },
  };
}

/**
 * The `response` of an AdmissionReview on the wire. The outcome's `result` (the Go field
 * `AdmissionResponse.Result`, as controller-runtime names it) is sent as `status`, its JSON
 * name: the API server ignores a `result` key, and a denial then reaches the client as
 * "denied the request without explanation" with code 400 instead of the handler's.
 */
export function admissionResponse(outcome: AdmissionOutcome, uid: string): Record<string, unknown> {
  const { result, ...rest } = outcome;
  return { uid, ...rest, ...(result !== undefined ? { status: result } : {}) };
}
