import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import type { KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../client/load-kube-config.js";
import { Registry } from "prom-client";
import { CachedClient, describeUnsynced, groupVersionKind, InformerCache, isKindNotServed, stripManagedFields } from "../cache/index.js";
import { ApiClient, HttpTransport, TransportError, type Client, type Transport } from "../client/index.js";
import type { Controller } from "../controller/controller.js";
import { ControllerNames } from "../controller/controller-name.js";
import { EventRecorder } from "../events/event-recorder.js";
import { LeaderElector, type LeaderElectionTimings } from "../leader/leader-elector.js";
import { createLogger, type Logger } from "../log/logger.js";
import { ControllerMetrics } from "../metrics/controller-metrics.js";
import { HealthProbeServer, MetricsServer, parseBindAddress, type Checker } from "../metrics/probe-server.js";
import { realClock, sleep, type Clock } from "../clock/index.js";
import { ApiError } from "../errors.js";
import { exponentialBackoff } from "../watch/backoff.js";
import { ApiServerAuthorizer } from "../metrics/metrics-auth.js";
import { SecureMetricsServer } from "../metrics/secure-metrics-server.js";
import { LeaderElectionMetrics } from "../metrics/leader-election-metrics.js";
import { apiServerHost, MeteredTransport } from "../metrics/metered-transport.js";
import { registerProcessMetrics } from "../metrics/process-metrics.js";
import type { KubernetesObject, Resource } from "../resource.js";
import { ControllerBuilder } from "./controller-builder.js";
import { ManagerTransport } from "./manager-transport.js";

/**
 * Something the manager runs: controllers, and whatever else needs the manager's lifetime.
 * A runnable added with `mgr.add` starts once the API server has answered and the informer
 * caches have synced, as controller-runtime's runnables do (it may read `mgr.client` at
 * once); a controller instead waits for its own kinds only, up to its `cacheSyncTimeout`, so
 * that one whose CRD is missing does not hold up the others.
 */
export interface Runnable {
  /**
   * Runs until `signal` aborts, then resolves. A rejection stops the manager, whose `start()`
   * then rejects with it (as controller-runtime's runnables' errors do).
   */
  start(signal: AbortSignal): Promise<void>;
  /** Runs only on the leader (default true), as controllers do. */
  readonly needLeaderElection?: boolean;
}

/** A webhook server the manager starts and stops with itself (see `kubebuilder-ts/runtime`'s WebhookServer). */
export interface ManagedWebhookServer {
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  startedChecker(): Checker;
  /** Registers the server's request metrics on the manager's registry (unless it has them elsewhere already). */
  registerMetrics?(registry: Registry): void;
}

/** What {@link Manager} takes. Every option has a default. */
export interface ManagerOptions {
  /** Default: `KUBECONFIG`, `~/.kube/config`, or the in-cluster service account. */
  readonly kubeConfig?: KubeConfig;
  /**
   * How the manager talks to the API server. Default: an {@link HttpTransport} for
   * `kubeConfig`, closed when the manager stops. One passed here stays the caller's to close
   * (e.g. the testing kit's `InMemoryTransport`, which serves the test API server without HTTP);
   * either way, what the manager still has in flight when it stops is aborted, and its clients
   * refuse to send anything after.
   */
  readonly transport?: Transport;
  /** Watch and cache only this namespace (default all). */
  readonly namespace?: string;
  /** Where `/metrics` is served: `host:port`, `:port`, or "0" to disable. Default ":8080". */
  readonly metricsBindAddress?: string;
  /**
   * Serve `/metrics` over HTTPS to authenticated, authorised clients only (kubebuilder's
   * `--metrics-secure`): each scrape's bearer token is checked with a TokenReview and its
   * access to `get /metrics` with a SubjectAccessReview. Default false: plain HTTP, no checks.
   */
  readonly metricsSecure?: boolean;
  /**
   * With `metricsSecure`: the directory of the serving certificate and key (cert-manager's
   * secret), reloaded when they change. Unset or "": a self-signed certificate generated at start.
   */
  readonly metricsCertDir?: string;
  /** The certificate's file name in `metricsCertDir`. Default "tls.crt". */
  readonly metricsCertName?: string;
  /** The key's file name in `metricsCertDir`. Default "tls.key". */
  readonly metricsKeyName?: string;
  /** Where `/healthz` and `/readyz` are served. Default ":8081"; "0" disables. */
  readonly healthProbeBindAddress?: string;
  readonly leaderElection?: boolean;
  /** The Lease's name; required with `leaderElection`. */
  readonly leaderElectionId?: string;
  /** Default: the pod's namespace in-cluster, else "default". */
  readonly leaderElectionNamespace?: string;
  /**
   * Lease duration, renew deadline and retry period (default 15 s / 10 s / 2 s). When no
   * renewal succeeds within the renew deadline, leadership is lost: the controllers are
   * stopped at once and `start()` rejects (see the runtime guide).
   */
  readonly leaderElectionTimings?: Partial<LeaderElectionTimings>;
  /**
   * How long `start()` keeps trying to reach the API server (`GET /version`) before it fails,
   * naming the server and the last error, in ms. Default 30,000. (controller-runtime fails at
   * once when its first discovery fails; a short wait rides out an API server restarting.)
   */
  readonly startupTimeout?: number;
  /**
   * How long shutdown waits for in-flight reconciles, in ms. Default 30,000. The lease is
   * renewed meanwhile; after leadership was lost they get only until the lease may expire.
   */
  readonly gracefulShutdownTimeout?: number;
  /** Stop on SIGTERM and SIGINT (default true). */
  readonly handleSignals?: boolean;
  readonly logger?: Logger;
  /**
   * Where the manager's metrics are registered and `/metrics` reads from: the controllers',
   * the work queues', client-go's `rest_client_*` for every request to the API server,
   * `leader_election_master_status`, and the process and Node.js metrics. Default a new
   * registry per manager; managers given the same one share its metrics.
   */
  readonly registry?: Registry;
  /** Register the process and Node.js metrics (`process_*`, `nodejs_*`) on the registry. Default true. */
  readonly processMetrics?: boolean;
  readonly webhookServer?: ManagedWebhookServer;
  /** Re-deliver every cached object this often (ms); default off. */
  readonly syncPeriodMs?: number;
  /** This process's identity for leader election (default hostname + random suffix). */
  readonly identity?: string;
  /**
   * Time for the work queues, the informers and the controllers' `cacheSyncTimeout` (tests
   * pass a `FakeClock`). Default the real clock.
   */
  readonly clock?: Clock;
}

/** The default of {@link ManagerOptions.startupTimeout}. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;

const SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/**
 * Runs controllers, as controller-runtime's manager: one informer cache shared by every
 * controller, a cached client, metrics and health probes, optional leader election on a
 * Lease, and an orderly shutdown (in-flight reconciles finish, informers stop, the lease
 * is released).
 * @example
 * ```ts
 * const mgr = new Manager({ leaderElection: true, leaderElectionId: "cronjob.example.com" });
 * mgr.controller(CronJobResource).owns(Job).complete(new CronJobReconciler());
 * await mgr.start(); // until SIGTERM/SIGINT or mgr.stop()
 * ```
 */
export class Manager {
  readonly kubeConfig: KubeConfig;
  /** Reads from the cache (watched kinds), writes to the API server. */
  readonly client: Client;
  /** Reads straight from the API server. */
  readonly apiReader: ApiClient;
  readonly cache: InformerCache;
  readonly log: Logger;
  readonly registry: Registry;
  private readonly transport: ManagerTransport;
  private readonly metrics: ControllerMetrics;
  private readonly probes = new HealthProbeServer();
  private readonly runnables: Runnable[] = [];
  private readonly controllerNames = new ControllerNames();
  /** The controllers among the runnables, to name what they reconcile when leadership is lost. */
  private readonly controllers: Controller<Client>[] = [];
  /** Runnables that wait for their own caches (the controllers'); the others wait for the whole cache. */
  private readonly syncOwnCaches = new WeakSet<Runnable>();
  private readonly abort = new AbortController();
  private started = false;
  private elector: LeaderElector | undefined;
  private metricsAt: AddressInfo | undefined;
  private readonly leaderMetrics: LeaderElectionMetrics | undefined;
  /** Kinds already reported as not served, so the report is not repeated at each retry. */
  private readonly notServed = new Set<string>();

  constructor(private readonly options: ManagerOptions = {}) {
    this.log = options.logger ?? createLogger();
    this.kubeConfig = options.kubeConfig ?? defaultKubeConfig();
    this.registry = options.registry ?? new Registry();
    this.metrics = new ControllerMetrics(this.registry);
    if (options.processMetrics !== false) registerProcessMetrics(this.registry);
    if (options.leaderElection) this.leaderMetrics = new LeaderElectionMetrics(this.registry);
    const transport = options.transport ?? new HttpTransport({ kubeConfig: this.kubeConfig, userAgent: "kubebuilder-ts-manager" });
    this.transport = new ManagerTransport(
      new MeteredTransport(transport, { registry: this.registry, host: apiServerHost(this.kubeConfig.getCurrentCluster()?.server) }),
      { owned: options.transport === undefined },
    );
    this.apiReader = new ApiClient(this.transport);
    this.cache = new InformerCache({
      client: this.apiReader,
      namespaces: options.namespace ? [options.namespace] : undefined,
      resyncPeriodMs: options.syncPeriodMs,
      clock: options.clock,
      transform: stripManagedFields,
      onError: (err, resource) => this.reportWatchError(err, resource),
    });
    this.client = new CachedClient({ cache: this.cache, client: this.apiReader });
    this.probes.addHealthzCheck("ping", () => {});
    this.probes.addReadyzCheck("informers", async () => {
      if (!this.started) throw new Error("manager not started");
      const unsynced = this.cache.resources().filter((r) => !this.cache.informerFor(r).hasSynced());
      if (unsynced.length > 0) throw new Error(`informer caches not synced: ${unsynced.map((r) => `${r.kind} (${r.apiVersion})`).join(", ")}`);
    });
    if (options.webhookServer) {
      this.probes.addReadyzCheck("webhook", options.webhookServer.startedChecker());
      options.webhookServer.registerMetrics?.(this.registry);
    }
  }

  /** Starts building a controller for `resource`. */
  controller<T extends KubernetesObject>(resource: Resource<T>): ControllerBuilder<T> {
    return new ControllerBuilder(
      {
        cache: this.cache,
        client: this.client,
        registry: this.registry,
        metrics: this.metrics,
        log: this.log,
        clock: this.options.clock,
        names: this.controllerNames,
        eventRecorder: (name) => this.eventRecorder(name),
        register: (controller: Controller<Client>, _name: string, start: (signal: AbortSignal) => Promise<void>) => {
          const runnable: Runnable = { start, needLeaderElection: controller.needLeaderElection };
          this.add(runnable);
          this.controllers.push(controller);
          this.syncOwnCaches.add(runnable);
        },
      },
      resource,
    );
  }

  /** Adds a runnable; it starts with the manager (after leader election unless it says otherwise). */
  add(runnable: Runnable): void {
    if (this.started) throw new Error("runnables must be added before the manager starts");
    this.runnables.push(runnable);
  }

  addHealthzCheck(name: string, check: Checker): void {
    this.probes.addHealthzCheck(name, check);
  }

  addReadyzCheck(name: string, check: Checker): void {
    this.probes.addReadyzCheck(name, check);
  }

  /** An event recorder that reports as `component`, its timestamps from the manager's clock. */
  eventRecorder(component: string): EventRecorder {
    const clock = this.options.clock ?? realClock;
    return new EventRecorder(this.client, component, this.log.child({ component: "events" }), () => new Date(clock.now()));
  }

  /** Whether this process leads (always true without leader election, once started). */
  get isLeader(): boolean {
    return this.options.leaderElection ? (this.elector?.isLeader ?? false) : this.started;
  }

  /** Asks the manager to stop; `start()` resolves once shutdown is done. */
  stop(): void {
    this.abort.abort();
  }

  /**
   * Runs until {@link stop}, SIGTERM or SIGINT. Rejects when the API server cannot be
   * reached within `startupTimeout`, when a controller or another runnable fails (a
   * controller whose caches do not sync within its `cacheSyncTimeout`): that stops the
   * others, and with "leader election lost" when leadership is lost: the controllers are
   * stopped at once (their reconciles' signal aborts, no new reconcile starts), reconciles in
   * flight get until the lease may expire, and the lease is not released. The process should
   * then exit and restart, as controller-runtime's managers do. Whichever way it ends,
   * everything it opened is closed by then: servers, watches, connections, requests in flight.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error("the manager was already started");
    this.started = true;
    const signal = this.abort.signal;
    const onSignal = () => {
      this.log.info("received a termination signal, stopping");
      this.stop();
    };
    if (this.options.handleSignals !== false) {
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    }
    const servers: { close(): Promise<void> }[] = [];
    let lost = false;
    const runs: Promise<void>[] = [];
    const work = new AbortController();
    // The lease is renewed until the leader's runnables have finished, so that it cannot
    // lapse under reconciles that are still running during a graceful shutdown.
    const election = new AbortController();
    let renewing: Promise<"lost" | "stopped"> | undefined;
    signal.addEventListener("abort", () => work.abort(), { once: true });
    // As controller-runtime's runnable groups: the first runnable to fail stops the manager, and
    // start() rejects with its error (errors while stopping are only logged).
    let failure: { error: unknown } | undefined;
    const run = (r: Runnable): void => {
      const running = this.syncOwnCaches.has(r)
        ? Promise.resolve().then(() => r.start(work.signal))
        : this.cache.waitForCacheSync(work.signal).then((synced) => (synced ? r.start(work.signal) : undefined));
      runs.push(
        running.catch((error: unknown) => {
          if (work.signal.aborted) return void this.log.warn({ err: error }, "a runnable failed while the manager was stopping");
          failure ??= { error };
          this.log.error({ err: error }, "a runnable failed; stopping the manager");
          this.stop();
        }),
      );
    };
    try {
      await this.startServers(servers, signal);
      await this.waitForApiServer(signal);
      if (signal.aborted) return;
      // Each controller waits for its own caches (its cacheSyncTimeout), as in controller-runtime:
      // one whose kind is not installed does not hold up the others.
      this.cache.start(work.signal);
      for (const r of this.runnables.filter((x) => x.needLeaderElection === false)) run(r);
      if (this.options.leaderElection) {
        this.elector = this.createElector();
        const lease = this.options.leaderElectionId!;
        this.leaderMetrics?.setLeading(lease, false);
        if (!(await this.elector.acquire(signal))) return;
        this.leaderMetrics?.setLeading(lease, true);
        renewing = this.elector.keepRenewing(election.signal).then((outcome) => {
          if (outcome === "lost") {
            this.leaderMetrics?.setLeading(lease, false);
            lost = true;
            this.log.error({ reconciling: this.reconcilingKeys() }, "leader election lost: stopping the controllers");
            work.abort();
            this.stop();
          }
          return outcome;
        });
      }
      if (signal.aborted) return;
      this.log.info({ controllers: this.runnables.length }, "starting controllers");
      for (const r of this.runnables.filter((x) => x.needLeaderElection !== false)) run(r);
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    } finally {
      // Every step runs whatever the one before did: nothing opened is left open.
      work.abort();
      await this.drain(runs, renewing);
      election.abort();
      await renewing;
      await this.stopping("stop the informers", () => this.cache.stop());
      // Not after a loss: the lease is no longer this replica's to release.
      if (!lost) await this.stopping("release the leader lease", () => this.elector?.release());
      if (this.elector) this.leaderMetrics?.setLeading(this.options.leaderElectionId!, false);
      // Requests still in flight (a reconcile past the graceful timeout) are aborted, later ones refused.
      await this.stopping("close the API transport", () => this.transport.close());
      for (const s of servers) await this.stopping("close a server", () => s.close());
      const webhooks = this.options.webhookServer;
      if (webhooks) await this.stopping("stop the webhook server", () => webhooks.stop());
      process.removeListener("SIGTERM", onSignal);
      process.removeListener("SIGINT", onSignal);
      this.log.info("manager stopped");
      // Also when start() returned early: a runnable's failure is what stopped it.
      if (failure !== undefined) throw failure.error;
    }
    if (lost) {
      throw new Error(`leader election lost: ${this.elector?.lostBecause ?? "the lease was not renewed"}; the controllers were stopped`);
    }
  }

  /** Runs one step of the shutdown; a failing step is logged, and the next ones still run. */
  private async stopping(what: string, step: () => unknown): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.log.warn({ err }, `stopping: could not ${what}`);
    }
  }

  /**
   * Waits until the API server answers, as controller-runtime's start-up discovery does, for
   * at most `startupTimeout`; then fails naming the server and the last error. Any answer but
   * 401, 429 and 5xx will do (a 403 or 404 for `/version` is a locked-down server, not a
   * missing one). Returns at once when `signal` aborts.
   */
  private async waitForApiServer(signal: AbortSignal): Promise<void> {
    const timeoutMs = this.options.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT_MS;
    const server = this.kubeConfig.getCurrentCluster()?.server ?? "(the kubeconfig names no server)";
    const deadline = performance.now() + timeoutMs;
    const backoff = exponentialBackoff(realClock, { initialMs: 200, maxMs: 5_000 });
    let last: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transport.request({ method: "GET", path: "/version", signal, timeoutMs: Math.max(1, Math.ceil(deadline - performance.now())) });
        return;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.statusCode === 401) {
          throw new Error(`the API server at ${server} refuses the manager's credentials: ${error.message}`, { cause: error });
        }
        if (error instanceof ApiError && error.statusCode < 500 && error.statusCode !== 429) return;
        // An attempt cut short by the deadline says less than the failure before it (a refused connection).
        if (!(last !== undefined && error instanceof TransportError && error.code === "timeout")) last = error;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        const reason = last instanceof Error ? last.message : String(last);
        throw new Error(
          `cannot reach the API server at ${server}: still failing after ${timeoutMs} ms (startupTimeout) and ${attempt} attempt(s): ${reason}`,
          { cause: last },
        );
      }
      this.log.warn({ server, err: last }, "cannot reach the API server yet; retrying");
      await sleep(realClock, Math.min(backoff.next(), left), signal);
      if (signal.aborted) return;
    }
  }

  /**
   * Watch failures are retried for ever; a kind the API server does not serve (its list answers
   * 404: a CRD not installed) is reported at once by name, as controller-runtime does, since
   * retrying will not help until someone installs it.
   */
  private reportWatchError(err: unknown, resource: Resource): void {
    if (isKindNotServed(err)) {
      if (this.notServed.has(resource.key)) return;
      this.notServed.add(resource.key);
      this.log.error({ err, gvk: groupVersionKind(resource) }, `${describeUnsynced(resource, err as Error)}; its controllers wait for it until their cacheSyncTimeout`);
      return;
    }
    this.log.warn({ err, resource: resource.kind }, "watch error; retrying");
  }

  /**
   * Waits for the runnables to finish, for the graceful shutdown timeout at most; once
   * leadership is lost (`renewing` resolved "lost"), only until the lease may expire.
   */
  private async drain(runs: Promise<void>[], renewing: Promise<"lost" | "stopped"> | undefined): Promise<void> {
    const timeoutMs = this.options.gracefulShutdownTimeout ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
      timer.unref();
    });
    const cutoff = new AbortController();
    const leaseEnd = (renewing ?? new Promise<never>(() => {})).then(async (outcome) => {
      if (outcome !== "lost") return await new Promise<never>(() => {});
      const clock = this.options.clock ?? realClock;
      await sleep(clock, (this.elector?.safeUntil ?? clock.now()) - clock.now(), cutoff.signal);
      return "lease" as const;
    });
    const outcome = await Promise.race([Promise.allSettled(runs).then(() => "done" as const), timeout, leaseEnd]);
    clearTimeout(timer);
    cutoff.abort();
    if (outcome === "timeout") this.log.warn({ timeoutMs }, "graceful shutdown timed out with reconciles still running");
    if (outcome === "lease") {
      this.log.error(
        { reconciling: this.reconcilingKeys() },
        "reconciles ignored the abort after leadership was lost and still run where another leader may start; exit the process",
      );
    }
  }

  /** What the controllers are reconciling now, as "controller: namespace/name". */
  private reconcilingKeys(): string[] {
    return this.controllers.flatMap((c) => c.reconciling.map((key) => `${c.name}: ${key}`));
  }

  private async startServers(servers: { close(): Promise<void> }[], signal: AbortSignal): Promise<void> {
    const metricsAt = parseBindAddress(this.options.metricsBindAddress ?? ":8080");
    if (metricsAt) {
      const server = this.options.metricsSecure ? this.secureMetricsServer() : new MetricsServer(this.registry);
      const addr = await server.listen(metricsAt);
      servers.push(server);
      this.metricsAt = addr;
      this.log.info({ address: `${addr.address}:${addr.port}`, secure: this.options.metricsSecure === true }, "serving metrics");
    }
    const probesAt = parseBindAddress(this.options.healthProbeBindAddress ?? ":8081");
    if (probesAt) {
      const addr = await this.probes.listen(probesAt);
      servers.push(this.probes);
      this.log.info({ address: `${addr.address}:${addr.port}` }, "serving health probes");
    }
    if (this.options.webhookServer) await this.options.webhookServer.start(signal);
  }

  private secureMetricsServer(): SecureMetricsServer {
    const log = this.log.child({ component: "metrics" });
    return new SecureMetricsServer({
      registry: this.registry,
      authorizer: new ApiServerAuthorizer({ transport: this.transport, log }),
      certDir: this.options.metricsCertDir,
      certName: this.options.metricsCertName,
      keyName: this.options.metricsKeyName,
      log,
    });
  }

  private createElector(): LeaderElector {
    const name = this.options.leaderElectionId;
    if (!name) throw new Error("leaderElection needs leaderElectionId (the Lease's name)");
    return new LeaderElector({
      client: this.apiReader,
      name,
      namespace: this.options.leaderElectionNamespace ?? podNamespace() ?? "default",
      identity: this.options.identity ?? `${hostname()}_${Math.random().toString(16).slice(2, 10)}`,
      timings: this.options.leaderElectionTimings,
      clock: this.options.clock,
      log: this.log.child({ component: "leader-election" }),
    });
  }

  /** The addresses the metrics and probe servers bound (tests bind port 0). */
  get probeServer(): HealthProbeServer {
    return this.probes;
  }

  /** Where the metrics server listens, once started (tests bind port 0). */
  get metricsAddress(): AddressInfo | undefined {
    return this.metricsAt;
  }
}

function defaultKubeConfig(): KubeConfig {
  return loadKubeConfig();
}

function podNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
