import type { IncomingMessage, ServerResponse } from "node:http";
import type { StatusBody } from "../errors.js";

/** What a webhook endpoint answers: an HTTP status and a JSON body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A `v1 Status` failure body, as the API server writes for HTTP errors. */
export function failureStatus(code: number, reason: string, message: string): StatusBody {
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message };
}

/** An HTTP error answer with a Status body. */
export function httpError(code: number, reason: string, message: string, headers?: Record<string, string>): HttpAnswer {
  return headers ? { status: code, body: failureStatus(code, reason, message), headers } : { status: code, body: failureStatus(code, reason, message) };
}

/** Why a request body could not be read. */
export type BodyError = { readonly kind: "too-large"; readonly limit: number } | { readonly kind: "aborted"; readonly message: string };

/**
 * Reads a request body of at most `limit` bytes. Past the limit it stops reading (answer
 * 413 and close the connection); it never buffers more than `limit` bytes.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<{ ok: true; body: Buffer } | { ok: false; error: BodyError }> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false, error: { kind: "too-large", limit } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: { ok: true; body: Buffer } | { ok: false; error: BodyError }): void => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish({ ok: false, error: { kind: "too-large", limit } });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.once("error", (err) => finish({ ok: false, error: { kind: "aborted", message: err.message } }));
    req.once("close", () => finish({ ok: false, error: { kind: "aborted", message: "connection closed before the body was read" } }));
  });
}

/** Writes `answer` as JSON. Does nothing when the connection is already gone. */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer, closeConnection = false): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = JSON.stringify(answer.body);
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...answer.headers,
  };
  if (closeConnection) headers["connection"] = "close";
  res.writeHead(answer.status, headers);
  res.end(payload);
}
