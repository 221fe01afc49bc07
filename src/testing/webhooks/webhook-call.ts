import { request } from "node:https";
import { isIP } from "node:net";

/** Where a webhook is called: an https URL, and the CA bundle (PEM) its certificate must chain to. */
export interface WebhookTarget {
  readonly url: string;
  /** Empty or absent: the system's CAs, as the API server does. */
  readonly caBundle?: Buffer | undefined;
}

/**
 * A webhook that could not be called or did not answer 2xx with JSON. The message is the
 * reason as the API server's HTTP client words it (`Post "<url>": dial tcp ...: connect:
 * connection refused`), which the API server puts after `failed calling webhook "<name>": `.
 */
export class WebhookCallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WebhookCallError";
  }
}

/** Go's wording of what went wrong on the way to `host:port`. */
function goReason(e: NodeJS.ErrnoException, host: string, port: string): string {
  switch (e.code) {
    case "ECONNREFUSED":
      return `dial tcp ${host}:${port}: connect: connection refused`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `dial tcp: lookup ${host}: no such host`;
    case "ECONNRESET":
      return `read tcp ${host}:${port}: read: connection reset by peer`;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
    case "CERT_HAS_EXPIRED":
    case "CERT_NOT_YET_VALID":
      return "tls: failed to verify certificate: x509: certificate has expired or is not yet valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `tls: failed to verify certificate: x509: certificate is not valid for ${host} (${e.message})`;
    default:
      return e.message;
  }
}

/** client-go's message for a non-2xx answer that is not a Status. */
function genericServerResponse(code: number, body: string): string {
  switch (code) {
    case 400:
      return "the server rejected our request for an unknown reason";
    case 401:
      return "the server has asked for the client to provide credentials";
    case 403:
      return "the server does not allow access to the requested resource";
    case 404:
      return "the server could not find the requested resource";
    case 405:
      return "the server does not allow this method on the requested resource";
    case 409:
      return "the server reported a conflict";
    case 413:
      return "the server has rejected the request because the request is too large";
    case 415:
      return "the server responded with the status code 415 but did not return more information";
    case 422:
      return "the server rejected our request due to an error in our request";
    case 429:
      return "the server has received too many requests and has asked us to try again later";
    case 503:
      return "the server is currently unable to handle the request";
    case 504:
      return "the server was unable to return a response in the time allotted, but may still be processing the request";
    default:
      return `an error on the server (${JSON.stringify(body.trim().slice(0, 1024))}) has prevented the request from succeeding`;
  }
}

/** The message of a non-2xx answer: its Status's message when it is one, else client-go's generic text. */
function errorAnswer(code: number, text: string): string {
  try {
    const doc = JSON.parse(text) as { kind?: unknown; message?: unknown };
    if (doc && doc.kind === "Status" && typeof doc.message === "string" && doc.message) return doc.message;
  } catch {
    // not JSON: the generic message below
  }
  return genericServerResponse(code, text);
}

/**
 * POSTs `body` as JSON to a webhook over HTTPS, verifying its certificate against the CA
 * bundle, with the API server's `?timeout=<n>s` query and a deadline of `timeoutMs` for the
 * whole exchange. Resolves with the parsed JSON answer; rejects with a
 * {@link WebhookCallError} (network, TLS, timeout, non-2xx, not JSON). One connection per
 * call, so a stopped webhook server is noticed at once.
 */
export function postToWebhook(target: WebhookTarget, body: unknown, timeoutMs: number): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.reject(new WebhookCallError(`parse ${JSON.stringify(target.url)}: invalid URL`));
  }
  url.searchParams.set("timeout", `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`);
  const shown = `Post ${JSON.stringify(url.toString())}`;
  if (url.protocol !== "https:") return Promise.reject(new WebhookCallError(`${shown}: unsupported protocol scheme "${url.protocol.replace(/:$/, "")}" (webhooks are called over https)`));
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port || "443";
  const payload = JSON.stringify(body);
  const ca = target.caBundle && target.caBundle.toString("utf8").trim() !== "" ? target.caBundle : undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new WebhookCallError(`${shown}: ${message}`, { cause }));
    };
    const req = request(
      {
        method: "POST",
        host,
        port,
        path: `${url.pathname}${url.search}`,
        agent: false,
        ...(ca ? { ca } : {}),
        ...(isIP(host) === 0 ? { servername: host } : {}),
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, */*",
          "User-Agent": "kube-apiserver-admission",
          "Content-Length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => fail(goReason(e, host, port), e));
        res.on("end", () => {
          if (settled) return;
          const text = Buffer.concat(chunks).toString("utf8");
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) return fail(errorAnswer(code, text));
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (e) {
            return fail(text.trim() === "" ? "unexpected end of JSON input" : `invalid character in the answer: ${(e as Error).message}`, e);
          }
          settled = true;
          clearTimeout(timer);
          resolve(value);
        });
      },
    );
    const timer = setTimeout(() => fail("context deadline exceeded"), timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => fail(goReason(e, host, port), e));
    req.end(payload);
  });
}
