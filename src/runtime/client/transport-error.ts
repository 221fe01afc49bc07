import { STATUS_CODES } from "node:http";
import { ApiError, type StatusBody } from "../errors.js";

/** Why a request failed below HTTP: no connection, a timeout, a broken stream. */
export type TransportErrorCode =
  /** The connection failed or broke (the Node error code is on `cause`). */
  | "connection"
  /** No answer within the request timeout. */
  | "timeout"
  /** A stream sent nothing for longer than its read timeout: the connection is presumed dead. */
  | "read-timeout"
  /** The answer was not the JSON it should be. */
  | "invalid-response";

/**
 * A request that got no usable HTTP answer. Answers with an error status are
 * {@link ApiError}s instead.
 */
export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    readonly method: string,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${path}: ${message}`, options);
    this.name = "TransportError";
  }
}

/** The `reason` the API server puts in a Status for an HTTP status code. */
export function reasonForStatusCode(code: number): string {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return code >= 500 ? "InternalError" : "Unknown";
  }
}

/** Whether a parsed JSON value looks like a `Status` object. */
export function isStatusBody(value: unknown): value is StatusBody {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return v["kind"] === "Status" || (typeof v["code"] === "number" && ("reason" in v || "message" in v));
}

/**
 * Builds the {@link ApiError} for an error answer. The API server answers with a `Status`;
 * anything else (a proxy's HTML page, plain text) becomes a synthesized Status carrying the
 * text as its message and the usual reason for the code.
 */
export function apiErrorFromResponse(statusCode: number, text: string, method: string, path: string): ApiError {
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isStatusBody(parsed)) return new ApiError(statusCode, parsed, method, path);
  const snippet = text.trim().slice(0, 500);
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code: statusCode,
    reason: reasonForStatusCode(statusCode),
    message: snippet.length > 0 ? snippet : (STATUS_CODES[statusCode] ?? `HTTP ${statusCode}`),
  };
  return new ApiError(statusCode, body, method, path);
}

/** An error for an aborted operation: the signal's reason when it is an Error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error("The operation was aborted");
  error.name = "AbortError";
  return error;
}
