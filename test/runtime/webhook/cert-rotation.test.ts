import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { CertWatcher } from "../../../src/runtime/webhook/cert-watcher.js";
import { WebhookServer, type WebhookServerOptions } from "../../../src/runtime/webhook/webhook-server.js";
import { eventually, makeCert, opensslUnavailable, post, type CertPair } from "./support.js";

const skipReason = opensslUnavailable();
if (skipReason) console.warn(`skipping certificate rotation tests: ${skipReason}`);

const fingerprint = (pair: CertPair) => new X509Certificate(pair.cert).fingerprint256;

describe.skipIf(skipReason !== undefined)("certificate rotation", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(dir: string, options: Partial<WebhookServerOptions>): Promise<{ server: WebhookServer; port: number }> {
    const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir, ...options });
    await server.start();
    cleanups.push(() => server.stop());
    return { server, port: server.address()!.port };
  }

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "kb-webhook-rotate-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  const seenFingerprint = async (port: number) => (await post(port, "/convert", {})).fingerprint256;

  it("serves a certificate written over the old files to new connections, without a restart (fs.watch)", async () => {
    const dir = tempDir();
    const first = makeCert("first");
    writeFileSync(join(dir, "tls.crt"), first.cert);
    writeFileSync(join(dir, "tls.key"), first.key);
    const { server, port } = await serve(dir, { certDebounce: 10, certPollInterval: 0 });
    expect(await seenFingerprint(port)).toBe(fingerprint(first));
    expect(server.certificate()?.fingerprint256).toBe(fingerprint(first));

    const second = makeCert("second");
    // Written in place, certificate first: for a moment the key does not match; the old pair stays until it does.
    writeFileSync(join(dir, "tls.crt"), second.cert);
    writeFileSync(join(dir, "tls.key"), second.key);
    expect(await eventually(async () => (await seenFingerprint(port)) === fingerprint(second), 5_000)).toBe(true);
    // A client trusting only the new certificate now connects.
    const reply = await post(port, "/convert", {}, { ca: second.cert });
    expect(reply.status).toBe(400);
    expect(server.certificate()?.fingerprint256).toBe(fingerprint(second));
  });

  it("follows the kubelet's atomic ..data symlink swap of a mounted secret", async () => {
    const dir = tempDir();
    const writeVersion = (name: string, pair: CertPair) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "tls.crt"), pair.cert);
      writeFileSync(join(dir, name, "tls.key"), pair.key);
    };
    const first = makeCert("first");
    writeVersion("..v1", first);
    symlinkSync("..v1", join(dir, "..data"));
    symlinkSync("..data/tls.crt", join(dir, "tls.crt"));
    symlinkSync("..data/tls.key", join(dir, "tls.key"));
    const { port } = await serve(dir, { certDebounce: 10, certPollInterval: 0 });
    expect(await seenFingerprint(port)).toBe(fingerprint(first));

    const second = makeCert("second");
    writeVersion("..v2", second);
    symlinkSync("..v2", join(dir, "..data_tmp"));
    renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    expect(await eventually(async () => (await seenFingerprint(port)) === fingerprint(second), 5_000)).toBe(true);
  });

  it("falls back to polling when the directory is not watched", async () => {
    const dir = tempDir();
    const first = makeCert("first");
    writeFileSync(join(dir, "tls.crt"), first.cert);
    writeFileSync(join(dir, "tls.key"), first.key);
    const { port } = await serve(dir, { watchCertDir: false, certPollInterval: 20 });
    const second = makeCert("second");
    writeFileSync(join(dir, "tls.key"), second.key);
    writeFileSync(join(dir, "tls.crt"), second.cert);
    expect(await eventually(async () => (await seenFingerprint(port)) === fingerprint(second), 5_000)).toBe(true);
  });

  it("keeps serving the old certificate while the files hold no valid pair", async () => {
    const dir = tempDir();
    const first = makeCert("first");
    writeFileSync(join(dir, "tls.crt"), first.cert);
    writeFileSync(join(dir, "tls.key"), first.key);
    const { server, port } = await serve(dir, { watchCertDir: false, certPollInterval: 0 });
    writeFileSync(join(dir, "tls.crt"), "not a certificate");
    rmSync(join(dir, "tls.key"));
    // Reload by hand (what a poll or a file event does): nothing loads, nothing changes.
    expect(await server.reloadCertificate()).toBe(false);
    expect(server.certificate()?.fingerprint256).toBe(fingerprint(first));
    expect(await seenFingerprint(port)).toBe(fingerprint(first));
    const second = makeCert("second");
    writeFileSync(join(dir, "tls.crt"), second.cert);
    writeFileSync(join(dir, "tls.key"), first.key);
    expect(await server.reloadCertificate()).toBe(false); // a key of another certificate
    expect(await seenFingerprint(port)).toBe(fingerprint(first));
    writeFileSync(join(dir, "tls.key"), second.key);
    expect(await server.reloadCertificate()).toBe(true);
    expect(await seenFingerprint(port)).toBe(fingerprint(second));
  });
});

describe.skipIf(skipReason !== undefined)("CertWatcher", () => {
  const silent = pino({ level: "silent" });

  function setup() {
    const dir = mkdtempSync(join(tmpdir(), "kb-certwatcher-"));
    const first = makeCert("first");
    writeFileSync(join(dir, "tls.crt"), first.cert);
    writeFileSync(join(dir, "tls.key"), first.key);
    const changes: string[] = [];
    const clock = new FakeClock();
    const watcher = new CertWatcher({
      certPath: join(dir, "tls.crt"),
      keyPath: join(dir, "tls.key"),
      log: silent,
      watch: false,
      pollInterval: 1_000,
      clock,
      onChange: (pair) => changes.push(pair.fingerprint256),
    });
    return { dir, first, changes, clock, watcher, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it("reloads only when the pair changed and is valid", async () => {
    const { dir, first, changes, watcher, cleanup } = setup();
    try {
      expect((await watcher.load()).fingerprint256).toBe(fingerprint(first));
      expect(await watcher.reload()).toBe(false);
      const second = makeCert("second");
      writeFileSync(join(dir, "tls.crt"), second.cert);
      expect(await watcher.reload()).toBe(false); // key does not match yet
      expect(watcher.current()?.fingerprint256).toBe(fingerprint(first));
      writeFileSync(join(dir, "tls.key"), second.key);
      expect(await watcher.reload()).toBe(true);
      expect(changes).toEqual([fingerprint(second)]);
    } finally {
      cleanup();
    }
  });

  it("runs a reload asked for during a reload once more afterwards, not in parallel", async () => {
    const { dir, changes, watcher, cleanup } = setup();
    try {
      await watcher.load();
      const second = makeCert("second");
      writeFileSync(join(dir, "tls.crt"), second.cert);
      writeFileSync(join(dir, "tls.key"), second.key);
      const a = watcher.reload();
      const b = watcher.reload();
      const c = watcher.reload();
      expect(b).toBe(a);
      expect(c).toBe(a);
      expect(await a).toBe(true);
      expect(changes).toHaveLength(1);
    } finally {
      cleanup();
    }
  });

  it("polls on the injected clock at the configured interval, and stops", async () => {
    const { dir, changes, clock, watcher, cleanup } = setup();
    try {
      await watcher.load();
      watcher.start();
      expect(clock.pendingTimers).toBe(1);
      expect(clock.nextDueAt()).toBe(1_000);
      const second = makeCert("second");
      writeFileSync(join(dir, "tls.crt"), second.cert);
      writeFileSync(join(dir, "tls.key"), second.key);
      clock.advance(1_000);
      expect(await eventually(() => changes.length === 1, 2_000)).toBe(true);
      expect(await eventually(() => clock.nextDueAt() === 2_000, 2_000)).toBe(true); // the next poll
      watcher.stop();
      expect(clock.pendingTimers).toBe(0);
    } finally {
      cleanup();
    }
  });
});
