/** The Status object the API server sends with an error. */
export interface StatusBody {
  readonly kind?: "Status";
  readonly apiVersion?: string;
  readonly status?: "Failure" | "Success";
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly { readonly reason?: string; readonly message?: string; readonly field?: string }[];
    readonly retryAfterSeconds?: number;
  };
}

/** An error answer of the API server, with its HTTP status and Status body. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: StatusBody,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${statusCode} ${body.reason ?? ""}${body.message ? `: ${body.message}` : ""}`);
    this.name = "ApiError";
  }

  get reason(): string | undefined {
    return this.body.reason;
  }
}

const hasStatus = (e: unknown, code: number, reason?: string): boolean =>
  e instanceof ApiError && (e.statusCode === code || (reason !== undefined && e.reason === reason));

/** The object does not exist (404). */
export const isNotFound = (e: unknown): boolean => hasStatus(e, 404, "NotFound");
/** An update lost a race: the resourceVersion changed (409 Conflict). */
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.statusCode === 409 && e.reason !== "AlreadyExists";
/** A create found the name taken (409 AlreadyExists). */
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.reason === "AlreadyExists";
/** The resourceVersion is too old (410 Gone / Expired): relist. */
export const isGone = (e: unknown): boolean => hasStatus(e, 410, "Expired") || hasStatus(e, 410, "Gone");
/** The request was invalid (422). */
export const isInvalid = (e: unknown): boolean => hasStatus(e, 422, "Invalid");
/** The caller may not do this (403). */
export const isForbidden = (e: unknown): boolean => hasStatus(e, 403, "Forbidden");
