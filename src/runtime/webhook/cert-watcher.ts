import { X509Certificate } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSecureContext } from "node:tls";
import type { Logger } from "pino";
import { realClock, setBackgroundTimeout, type Clock, type ClockTimer } from "../clock/index.js";


/** A certificate chain and its private key, checked to belong together. */
export interface ServingCertificate {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** SHA-256 fingerprint of the leaf certificate, "AB:CD:...". */
  readonly fingerprint256: string;
  /** When the leaf certificate expires. */
  readonly validTo: string;
}

/** What {@link CertWatcher} takes. */
export interface CertWatcherOptions {
  readonly certPath: string;
  readonly keyPath: string;
  /** Called with each new valid pair after the first {@link CertWatcher.load}. */
  readonly onChange: (cert: ServingCertificate) => void;
  readonly log: Logger;
  /** Re-read the files this often (ms), watching or not; 0 turns polling off. Default 10 s. */
  readonly pollInterval?: number;
  /** Wait this long after a file event before reading (ms), as writers touch several files. Default 100. */
  readonly debounce?: number;
  /** Watch the directory with fs.watch. Default true. */
  readonly watch?: boolean;
  /** Time for the debounce and the polls (default the real clock); these timers never keep the process alive. */
  readonly clock?: Clock;
}

/**
 * Reads a serving certificate and key and reloads them when they change, as cert-manager
 * rotates them: the directory is watched (fs.watch, which also sees the kubelet's atomic
 * `..data` symlink swap), events are debounced, and the files are re-read every
 * `pollInterval` as a fallback for file systems without events. A pair that does not load
 * (half written, key not matching the certificate) is logged and the old one stays in use.
 */
export class CertWatcher {
  readonly #options: CertWatcherOptions;
  readonly #clock: Clock;
  #current: ServingCertificate | undefined;
  #watcher: FSWatcher | undefined;
  #debounceTimer: ClockTimer | undefined;
  #pollTimer: ClockTimer | undefined;
  #running = false;
  #reloading: Promise<boolean> | undefined;
  #again = false;

  constructor(options: CertWatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** The pair in use, once loaded. */
  current(): ServingCertificate | undefined {
    return this.#current;
  }

  /** Reads and checks the pair; throws an error naming the files when it cannot. */
  async load(): Promise<ServingCertificate> {
    const loaded = await readPair(this.#options.certPath, this.#options.keyPath);
    this.#current = loaded;
    return loaded;
  }

  /** Starts watching and polling. Call after {@link load}. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#options.watch ?? true) this.#watch();
    this.#schedulePoll();
  }

  /** Stops watching and polling. */
  stop(): void {
    this.#running = false;
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#debounceTimer?.cancel();
    this.#pollTimer?.cancel();
    this.#debounceTimer = this.#pollTimer = undefined;
  }

  /**
   * Re-reads the files now; when they hold a new valid pair, makes it current and calls
   * `onChange`. Resolves whether the pair changed. Calls during a reload run once more after it.
   */
  reload(): Promise<boolean> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    const run = async (): Promise<boolean> => {
      let changed = false;
      do {
        this.#again = false;
        changed = (await this.#reloadOnce()) || changed;
      } while (this.#again);
      return changed;
    };
    this.#reloading = run().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  async #reloadOnce(): Promise<boolean> {
    let next: ServingCertificate;
    try {
      next = await readPair(this.#options.certPath, this.#options.keyPath);
    } catch (err) {
      this.#options.log.warn({ err }, "serving certificate not reloaded; keeping the one in use");
      return false;
    }
    const old = this.#current;
    if (old && old.cert.equals(next.cert) && old.key.equals(next.key)) return false;
    this.#current = next;
    this.#options.log.info({ fingerprint256: next.fingerprint256, validTo: next.validTo }, "serving certificate reloaded");
    try {
      this.#options.onChange(next);
    } catch (err) {
      this.#options.log.error({ err }, "serving certificate could not be applied");
    }
    return true;
  }

  #watch(): void {
    const dir = dirname(this.#options.certPath);
    try {
      const watcher = watch(dir, { persistent: false }, () => this.#onFileEvent());
      watcher.on("error", (err) => {
        this.#options.log.warn({ err, dir }, "certificate directory watch failed; falling back to polling");
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
      });
      this.#watcher = watcher;
    } catch (err) {
      this.#options.log.warn({ err, dir }, "cannot watch the certificate directory; polling only");
    }
  }

  #onFileEvent(): void {
    if (!this.#running) return;
    this.#debounceTimer?.cancel();
    this.#debounceTimer = setBackgroundTimeout(this.#clock, () => {
      this.#debounceTimer = undefined;
      if (this.#running) void this.reload();
    }, this.#options.debounce ?? 100);
  }

  #schedulePoll(): void {
    const interval = this.#options.pollInterval ?? 10_000;
    if (interval <= 0 || !this.#running) return;
    this.#pollTimer = setBackgroundTimeout(this.#clock, () => {
      this.#pollTimer = undefined;
      if (!this.#running) return;
      if (!this.#watcher && (this.#options.watch ?? true)) this.#watch();
      void this.reload().finally(() => this.#schedulePoll());
    }, interval);
  }
}

/** Reads a PEM certificate chain and key and checks that they load together. */
export async function readPair(certPath: string, keyPath: string): Promise<ServingCertificate> {
  let cert: Buffer;
  let key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(certPath), readFile(keyPath)]);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot read the serving certificate (${certPath}) and key (${keyPath}): ${reason}`, { cause: err });
  }
  try {
    createSecureContext({ cert, key });
    const leaf = new X509Certificate(cert);
    return { cert, key, fingerprint256: leaf.fingerprint256, validTo: leaf.validTo };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`the serving certificate ${certPath} and key ${keyPath} do not load as a PEM pair: ${reason}`, { cause: err });
  }
}
