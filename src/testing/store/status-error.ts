/**
 * The API server's `Status` answers, built exactly as the API server builds them
 * (`k8s.io/apimachinery/pkg/api/errors`), so clients see the same messages, reasons and
 * details from the test server, the fake client and a real cluster.
 */

/** One cause of a Status (a field error, a manager conflict). */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** The details of a Status; Kubernetes leaves empty members out. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** A `meta.k8s.io/v1` Status object. */
export interface ApiStatus {
  readonly kind: "Status";
  readonly apiVersion: "v1";
  readonly metadata: Record<string, never>;
  readonly status: "Failure" | "Success";
  readonly message?: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** A group and a resource plural, e.g. `{ group: "apps", resource: "deployments" }`. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** A group and a kind, e.g. `{ group: "apps", kind: "Deployment" }`. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** A field error: what `admitObject` returns and what becomes a cause of a 422. */
export interface FieldCause {
  readonly reason: string;
  readonly message: string;
  readonly field: string;
}

/** An error answer of the store: an HTTP status code and its Status body. */
export class StatusError extends Error {
  constructor(readonly status: ApiStatus) {
    super(status.message ?? status.reason ?? `status ${status.code}`);
    this.name = "StatusError";
  }

  /** The HTTP status code. */
  get code(): number {
    return this.status.code;
  }
}

/** `configmaps` or `deployments.apps`: how the API server prints a group resource. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** `ConfigMap` or `Widget.example.com`: how the API server prints a group kind. */
export function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

function details(d: { name?: string; group?: string; kind?: string; uid?: string; causes?: readonly StatusCause[] }): StatusDetails {
  const out: { -readonly [K in keyof StatusDetails]: StatusDetails[K] } = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) out.causes = d.causes;
  return out;
}

function failure(code: number, reason: string, message: string, d?: StatusDetails): StatusError {
  const status: ApiStatus = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(d !== undefined ? { details: d } : {}),
    code,
  };
  return new StatusError(status);
}

/** 404 NotFound: `configmaps "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, details({ name, group: gr.group, kind: gr.resource }));
}

/** 404 for a path the server does not serve (an unknown resource or group). */
export function resourceNotFound(): StatusError {
  return failure(404, "NotFound", "the server could not find the requested resource", {});
}

/** 409 AlreadyExists: `configmaps "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, details({ name, group: gr.group, kind: gr.resource }));
}

/** The message of an optimistic-concurrency conflict. */
export const OBJECT_MODIFIED = "the object has been modified; please apply your changes to the latest version and try again";

/** 409 Conflict: `Operation cannot be fulfilled on configmaps "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string = OBJECT_MODIFIED): StatusError {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    details({ name, group: gr.group, kind: gr.resource }),
  );
}

/** 409 Conflict of server-side apply, with one `FieldManagerConflict` cause per field. */
export function applyConflict(message: string, causes: readonly StatusCause[]): StatusError {
  return failure(409, "Conflict", message, details({ causes }));
}

/** The text of one field error: `spec.x: Invalid value: 3: must be less than 2`. */
export function fieldErrorText(cause: FieldCause): string {
  return `${cause.field}: ${cause.message}`;
}

/**
 * 422 Invalid: `Widget.example.com "w" is invalid: spec.size: Invalid value: ...`, one
 * cause per field error; several errors print as `[a, b]`, as Go's error aggregate does.
 */
export function invalid(gk: GroupKind, name: string, causes: readonly FieldCause[]): StatusError {
  const texts: string[] = [];
  for (const c of causes) {
    const t = fieldErrorText(c);
    if (!texts.includes(t)) texts.push(t);
  }
  const head = `${qualifiedKind(gk)} "${name}" is invalid`;
  const message = texts.length === 0 ? head : texts.length === 1 ? `${head}: ${texts[0]!}` : `${head}: [${texts.join(", ")}]`;
  return failure(
    422,
    "Invalid",
    message,
    details({ name, group: gk.group, kind: gk.kind, causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) }),
  );
}

/**
 * 422 for a JSON patch that cannot be applied (a failed `test`, a missing path): the API
 * server says no more than this, with empty details (`why` is for the store's callers).
 */
export function patchRejected(why: string): StatusError {
  const error = failure(422, "Invalid", "the server rejected our request due to an error in our request", {});
  error.cause = why;
  return error;
}

/** The name Go's JSON decoder gives a JSON value's type in `cannot unmarshal <type> into ...`. */
export function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "object" ? "object" : typeof value;
}

/** 400 for a patch body of the wrong JSON type, in the API server's words. */
export function patchDecodeError(value: unknown, into: string): StatusError {
  return badRequest(`error decoding patch: json: cannot unmarshal ${goJsonType(value)} into Go value of type ${into}`);
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return failure(400, "BadRequest", message);
}

/** 403 Forbidden: `configmaps "x" is forbidden: <why>`. */
export function forbidden(gr: GroupResource, name: string, why: string, causes?: readonly StatusCause[]): StatusError {
  const message = name ? `${qualifiedResource(gr)} "${name}" is forbidden: ${why}` : `${qualifiedResource(gr)} is forbidden: ${why}`;
  return failure(403, "Forbidden", message, details({ name, group: gr.group, kind: gr.resource, ...(causes ? { causes } : {}) }));
}

/** 410 Expired: a resourceVersion or continue token older than the retained history. */
export function expired(message: string): StatusError {
  return failure(410, "Expired", message);
}

/** 504 Timeout, with its causes and a retry hint. */
export function timeout(message: string, causes: readonly StatusCause[], retryAfterSeconds: number): StatusError {
  return failure(504, "Timeout", `Timeout: ${message}`, { causes, retryAfterSeconds });
}

/** 405 for a verb the route does not have (PUT on a collection, POST on an object), as the API server's router answers. */
export function methodNotAllowed(): StatusError {
  return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
}

/** 405 MethodNotAllowed. */
export function methodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(405, "MethodNotAllowed", `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, details({ group: gr.group, kind: gr.resource }));
}

/** 405 for writes to a kind whose CRD is being deleted. */
export function crdTerminating(gr: GroupResource, verb: string): StatusError {
  return failure(405, "MethodNotAllowed", `${verb} not allowed while custom resource definition is terminating`, details({ group: gr.group, kind: gr.resource }));
}

/** 415 UnsupportedMediaType, naming the media types that are accepted (no details, as the API server sends it). */
export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`);
}

/** A Status without a reason, as the API server sends some errors (a watch's malformed resourceVersion: 500). */
export function unreasoned(code: number, message: string): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code } as ApiStatus);
}

/** 500 InternalError. */
export function internalError(message: string): StatusError {
  return failure(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** The `reason` the API server gives each HTTP status code. */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return reasons[code] ?? (code >= 500 ? "InternalError" : "Unknown");
}

/** A Status for any code (fault injection): the reason the API server uses for it. */
export function statusForCode(code: number, message?: string, retryAfterSeconds?: number): StatusError {
  const d: StatusDetails | undefined = retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined;
  return failure(code, reasonForCode(code), message ?? `injected failure (HTTP ${code})`, d);
}

/** A Success Status (no code, as the API server sends it after deleting an object). */
export type SuccessStatus = Omit<ApiStatus, "code" | "status"> & { readonly status: "Success" };

/** The Success Status a delete answers with for a built-in object that is gone. */
export function success(d: { name: string; group: string; kind: string; uid: string }): SuccessStatus {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: details(d) };
}
