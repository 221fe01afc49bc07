import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { ApiError } from "../errors.js";
import type { Transport } from "../client/transport.js";
import { TransportError } from "../client/transport-error.js";
import { silentLogger } from "../log/logger.js";
import { TtlCache } from "./ttl-cache.js";

/** Who a bearer token belongs to, as a TokenReview tells. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string | undefined;
  readonly groups?: readonly string[] | undefined;
  readonly extra?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** The parts of an HTTP request that authentication and authorisation look at. */
export interface MetricsRequest {
  /** The `Authorization` header, if any. */
  readonly authorization?: string | undefined;
  /** The HTTP method; its lower case is the verb checked (`GET` → `get`). */
  readonly method: string;
  /** The URL path, without the query: the non-resource URL checked. */
  readonly path: string;
}

/** What a {@link MetricsAuthorizer} decided: go ahead, or the HTTP status and message to answer. */
export type MetricsAuthDecision =
  | { readonly allowed: true; readonly user: UserInfo }
  | { readonly allowed: false; readonly status: 401 | 403 | 500; readonly message: string };

/** Decides whether a request to the metrics server may be served. */
export interface MetricsAuthorizer {
  authorize(request: MetricsRequest): Promise<MetricsAuthDecision>;
}

/** What {@link ApiServerAuthorizer} takes. */
export interface ApiServerAuthorizerOptions {
  /** How the reviews reach the API server (a manager passes its own). */
  readonly transport: Transport;
  readonly log?: Logger;
  /** How long a token's review is remembered, in ms (either outcome). Default 60,000. */
  readonly tokenCacheTtlMs?: number;
  /** How long an allowing access review is remembered, in ms. Default 300,000. */
  readonly allowCacheTtlMs?: number;
  /** How long a denying access review is remembered, in ms. Default 30,000. */
  readonly denyCacheTtlMs?: number;
  /** At most this many entries per cache; the oldest go first. Default 1,024. */
  readonly maxCacheEntries?: number;
  /** Time allowed for one review request, in ms. Default 10,000. */
  readonly reviewTimeoutMs?: number;
  /** Tries per review when the API server cannot be reached or answers 429/5xx. Default 3. */
  readonly reviewAttempts?: number;
  /** Wait before the first retry, doubled each time, in ms. Default 500. */
  readonly retryDelayMs?: number;
  /** The clock the caches expire by (tests). Default `Date.now`. */
  readonly now?: () => number;
}

interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  readonly error?: string;
}

interface AccessReviewStatus {
  readonly allowed?: boolean;
  readonly denied?: boolean;
  readonly reason?: string;
  readonly evaluationError?: string;
}

const TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
const ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
const RBAC_HINT =
  "the manager's service account needs `create` on tokenreviews (authentication.k8s.io) and subjectaccessreviews (authorization.k8s.io): see config/rbac/metrics_auth_role.yaml";

/**
 * Authenticates and authorises metrics scrapes with the API server, as controller-runtime's
 * `filters.WithAuthenticationAndAuthorization`: the request's bearer token is checked with a
 * `TokenReview`, then a `SubjectAccessReview` asks whether that user may use the verb (`get`)
 * on the non-resource URL (`/metrics`). No or an unknown token: 401; not allowed: 403; the API
 * server could not answer: 500. Outcomes are cached as the API server's own delegating
 * authenticator does: a token one minute, an allowed access five minutes, a denied one
 * thirty seconds. Concurrent identical reviews share one request.
 *
 * The manager's service account needs `create` on `tokenreviews` and
 * `subjectaccessreviews`; a scraper (Prometheus) needs `get` on the non-resource URL
 * `/metrics` (kubebuilder's `metrics-reader` ClusterRole).
 */
export class ApiServerAuthorizer implements MetricsAuthorizer {
  readonly #transport: Transport;
  readonly #log: Logger;
  readonly #tokens: TtlCache<UserInfo | undefined>;
  readonly #access: TtlCache<AccessReviewStatus>;
  readonly #allowTtl: number;
  readonly #denyTtl: number;
  readonly #tokenTtl: number;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #retryDelayMs: number;

  constructor(options: ApiServerAuthorizerOptions) {
    this.#transport = options.transport;
    this.#log = options.log ?? silentLogger();
    const now = options.now ?? Date.now;
    const max = options.maxCacheEntries ?? 1024;
    this.#tokens = new TtlCache(max, now);
    this.#access = new TtlCache(max, now);
    this.#tokenTtl = options.tokenCacheTtlMs ?? 60_000;
    this.#allowTtl = options.allowCacheTtlMs ?? 300_000;
    this.#denyTtl = options.denyCacheTtlMs ?? 30_000;
    this.#timeoutMs = options.reviewTimeoutMs ?? 10_000;
    this.#attempts = Math.max(1, options.reviewAttempts ?? 3);
    this.#retryDelayMs = options.retryDelayMs ?? 500;
  }

  async authorize(request: MetricsRequest): Promise<MetricsAuthDecision> {
    const token = bearerToken(request.authorization);
    if (!token) return { allowed: false, status: 401, message: "Unauthorized: a bearer token is required" };
    let user: UserInfo | undefined;
    try {
      user = await this.authenticate(token);
    } catch (err) {
      this.#log.error({ err, hint: hintFor(err) }, "metrics request: token review failed");
      return { allowed: false, status: 500, message: "Authentication failed: the token could not be reviewed" };
    }
    if (!user) return { allowed: false, status: 401, message: "Unauthorized" };
    const verb = request.method.toLowerCase();
    let status: AccessReviewStatus;
    try {
      status = await this.#review(user, verb, request.path);
    } catch (err) {
      this.#log.error({ err, user: user.username, hint: hintFor(err) }, "metrics request: access review failed");
      return { allowed: false, status: 500, message: `Authorization of user ${user.username} failed: the access could not be reviewed` };
    }
    if (status.allowed === true && status.denied !== true) return { allowed: true, user };
    this.#log.debug({ user: user.username, verb, path: request.path, reason: status.reason, evaluationError: status.evaluationError }, "metrics request denied");
    return { allowed: false, status: 403, message: `Forbidden: user ${user.username} may not ${verb} ${request.path}` };
  }

  /**
   * Reviews a bearer token: the user it belongs to, or undefined when the API server does not
   * accept it. Rejects when the review itself fails (unreachable, or not permitted).
   */
  authenticate(token: string): Promise<UserInfo | undefined> {
    // Keyed by a hash: the cache holds no credential.
    const key = createHash("sha256").update(token).digest("base64");
    return this.#tokens.getOrLoad(key, async () => {
      const review = await this.#post<{ status?: TokenReviewStatus }>(TOKEN_REVIEWS, {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token },
      });
      const status = review?.status ?? {};
      if (status.authenticated !== true || !status.user?.username) {
        if (status.error) this.#log.debug({ error: status.error }, "metrics request: token not accepted");
        return { value: undefined, ttlMs: this.#tokenTtl };
      }
      const { username, uid, groups, extra } = status.user;
      return { value: { username, uid, groups, extra }, ttlMs: this.#tokenTtl };
    });
  }

  #review(user: UserInfo, verb: string, path: string): Promise<AccessReviewStatus> {
    const spec = {
      user: user.username,
      uid: user.uid,
      groups: user.groups,
      extra: user.extra,
      nonResourceAttributes: { path, verb },
    };
    return this.#access.getOrLoad(JSON.stringify(spec), async () => {
      const review = await this.#post<{ status?: AccessReviewStatus }>(ACCESS_REVIEWS, {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec,
      });
      const status = review?.status ?? {};
      return { value: status, ttlMs: status.allowed === true ? this.#allowTtl : this.#denyTtl };
    });
  }

  async #post<T>(path: string, body: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#transport.request<T>({ method: "POST", path, body, timeoutMs: this.#timeoutMs });
      } catch (err) {
        if (attempt >= this.#attempts || !retriable(err)) throw err;
        const delay = this.#retryDelayMs * 2 ** (attempt - 1);
        this.#log.debug({ err, attempt, delay }, "review failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

function retriable(err: unknown): boolean {
  if (err instanceof TransportError) return err.code === "connection"; // a timeout already took its time
  return err instanceof ApiError && (err.statusCode === 429 || err.statusCode >= 500);
}

function hintFor(err: unknown): string | undefined {
  return err instanceof ApiError && err.statusCode === 403 ? RBAC_HINT : undefined;
}
