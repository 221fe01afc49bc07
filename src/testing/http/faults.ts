import { setBackgroundTimeout, type Clock } from "../clock.js";
import type { ObjectStore } from "../store/object-store.js";
import { statusForCode, type StatusError } from "../store/status-error.js";

/** What a fault sees of a request. */
export interface FaultRequest {
  readonly method: string;
  /** The path without query, e.g. `/api/v1/namespaces/default/configmaps`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Whether this is a watch (`?watch=true` or a `/watch/` path). */
  readonly watch: boolean;
  /** The resource plural, for resource requests. */
  readonly resource?: string | undefined;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
}

/**
 * Which requests a fault applies to: a predicate, or fields that must all match (`path`
 * matches a prefix when a string); all requests when omitted.
 * @example
 * ```ts
 * server.faults.failRequests(503, { method: "PUT", resource: "configmaps" }, 2);
 * ```
 */
export type RequestMatch =
  | ((request: FaultRequest) => boolean)
  | {
      readonly method?: string | readonly string[] | undefined;
      readonly path?: string | RegExp | undefined;
      readonly resource?: string | undefined;
      readonly namespace?: string | undefined;
      readonly subresource?: string | undefined;
      readonly watch?: boolean | undefined;
    };

/** A fault that can be lifted. */
export interface FaultHandle {
  /** Stops this fault. */
  cancel(): void;
  /** How many requests it has affected. */
  readonly hits: number;
}

interface Rule {
  readonly match: RequestMatch | undefined;
  readonly action: { readonly kind: "delay"; readonly ms: number } | { readonly kind: "fail"; readonly status: number };
  remaining: number;
  hits: number;
}

/** Whether a request matches. */
export function matchesRequest(match: RequestMatch | undefined, request: FaultRequest): boolean {
  if (match === undefined) return true;
  if (typeof match === "function") return match(request);
  if (match.method !== undefined) {
    const methods = (typeof match.method === "string" ? [match.method] : match.method).map((m) => m.toUpperCase());
    if (!methods.includes(request.method.toUpperCase())) return false;
  }
  if (match.path !== undefined) {
    if (typeof match.path === "string" ? !request.path.startsWith(match.path) : !match.path.test(request.path)) return false;
  }
  if (match.resource !== undefined && match.resource !== request.resource) return false;
  if (match.namespace !== undefined && match.namespace !== request.namespace) return false;
  if (match.subresource !== undefined && match.subresource !== request.subresource) return false;
  if (match.watch !== undefined && match.watch !== request.watch) return false;
  return true;
}

/** What the server lets the faults do to it. */
export interface FaultTarget {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** Closes every open watch connection; `abrupt` destroys the sockets instead of ending the streams. */
  dropWatchConnections(abrupt: boolean): number;
}

/**
 * Fault injection on the test server, so reliability is tested, not assumed: dropped watch
 * connections, expired resourceVersions (410), delayed and failed requests.
 * @example
 * ```ts
 * const env = await startTestEnv();
 * env.server.faults.dropWatches();              // informers must reconnect
 * env.server.faults.expireResourceVersions();   // ... and relist
 * env.server.faults.failRequests(500, { method: "PATCH" }, 1);
 * env.server.faults.reset();
 * ```
 */
export class ServerFaults {
  readonly #rules: Rule[] = [];
  /** Requests waiting out a delay: each function ends its wait now, unserved. */
  readonly #delayed = new Set<() => void>();

  constructor(private readonly target: FaultTarget) {}

  /** Closes every open watch connection now; returns how many. `abrupt` destroys the sockets. */
  dropWatches(options: { abrupt?: boolean } = {}): number {
    return this.target.dropWatchConnections(options.abrupt === true);
  }

  /**
   * Compacts the history at the current resourceVersion: open watches get an ERROR event
   * with a 410 Expired Status and close; any watch or list from an older resourceVersion
   * gets 410 until {@link reset}.
   */
  expireResourceVersions(): void {
    this.target.store.expireResourceVersions();
  }

  /** Delays matching requests by `ms` (on the server's clock) before they are handled. */
  delayRequests(ms: number, match?: RequestMatch): FaultHandle {
    return this.#add({ match, action: { kind: "delay", ms }, remaining: Infinity, hits: 0 });
  }

  /** Answers matching requests with `status` and the API server's Status for it, `count` times (default: until reset). */
  failRequests(status: number, match?: RequestMatch, count = Infinity): FaultHandle {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`failRequests: status must be an HTTP error code (400-599), got ${status}`);
    return this.#add({ match, action: { kind: "fail", status }, remaining: count, hits: 0 });
  }

  /**
   * Ends the wait of every request held by a delay at once, its timer cancelled; they are
   * answered 503 without being served. The server does this when it stops (and then refuses
   * them).
   */
  releaseDelayed(): void {
    for (const release of [...this.#delayed]) release();
  }

  /** Lifts every fault (and the list expiry of {@link expireResourceVersions}). */
  reset(): void {
    this.#rules.length = 0;
    this.target.store.resetExpiry();
  }

  #add(rule: Rule): FaultHandle {
    this.#rules.push(rule);
    const rules = this.#rules;
    return {
      cancel() {
        const i = rules.indexOf(rule);
        if (i >= 0) rules.splice(i, 1);
      },
      get hits() {
        return rule.hits;
      },
    };
  }

  /**
   * Runs the faults for a request: waits out matching delays, then returns the failure to
   * answer with, if one matches.
   */
  async before(request: FaultRequest): Promise<StatusError | undefined> {
    for (const rule of [...this.#rules]) {
      if (rule.action.kind !== "delay" || !matchesRequest(rule.match, request)) continue;
      rule.hits++;
      const ms = rule.action.ms;
      const released = await new Promise<boolean>((resolve) => {
        const end = (early: boolean): void => {
          timer.cancel();
          this.#delayed.delete(release);
          resolve(early);
        };
        const release = (): void => end(true);
        const timer = setBackgroundTimeout(this.target.clock, () => end(false), ms);
        this.#delayed.add(release);
      });
      if (released) return statusForCode(503, `the server stopped: ${request.method} ${request.path} was not served`);
    }
    for (const rule of this.#rules) {
      if (rule.action.kind !== "fail" || rule.remaining <= 0 || !matchesRequest(rule.match, request)) continue;
      rule.remaining--;
      rule.hits++;
      if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
      const status = rule.action.status;
      return statusForCode(status, `injected failure: ${request.method} ${request.path} answered ${status}`, status === 429 || status === 503 ? 1 : undefined);
    }
    return undefined;
  }
}
