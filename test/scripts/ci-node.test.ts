// scripts/ci-node.mjs, which gives CI a Node.js of another release line from the npm registry's
// `node` package: run as CI runs it, against a registry served here (the real one's `node`
// package is replaced by a small one whose install script writes a stand-in binary, as the
// real one's writes Node.js), or against no registry at all.
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../helpers/npm-project.js";

const SCRIPT = join(import.meta.dirname, "../../scripts/ci-node.mjs");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let work: string;
let cache: string;
let server: Server | undefined;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "kb-ci-node-"));
  cache = join(work, "cache");
});
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    server.close();
    server = undefined;
  }
  rmSync(work, { recursive: true, force: true });
});

/** Runs the script (not blocking this process, whose registry server must answer it). */
async function run(args: readonly string[], registry: string): Promise<Run> {
  const env = {
    ...process.env,
    KUBEBUILDER_TS_CACHE: cache,
    npm_config_registry: registry,
    npm_config_cache: join(work, "npm-cache"),
    npm_config_userconfig: join(work, "npmrc"),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env, encoding: "utf8", timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A registry address where nothing listens. */
async function deadRegistry(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/`;
}

/** A stand-in `node` binary in the cache, as an earlier run installed it. */
function cacheNode(major: number, version: string): string {
  const bin = join(cache, "node", String(major), "node_modules", "node", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "node"), `#!/bin/sh\necho v${version}\n`);
  chmodSync(join(bin, "node"), 0o755);
  return bin;
}

/**
 * The tarball of a `node` package of `version`: like the real one, its preinstall script writes
 * bin/node (here a stand-in that prints the version), which its `bin` names.
 */
function nodePackageTarball(version: string): Buffer {
  const dir = join(work, `pack-${version}`, "package");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "node", version, bin: { node: "bin/node" }, scripts: { preinstall: "node make-bin.cjs" } }));
  writeFileSync(
    join(dir, "make-bin.cjs"),
    `const fs = require("fs");\nfs.mkdirSync("bin", { recursive: true });\nfs.writeFileSync("bin/node", "#!/bin/sh\\necho v${version}\\n", { mode: 0o755 });\n`,
  );
  const tgz = join(work, `node-${version}.tgz`);
  const r = spawnSync("tar", ["czf", tgz, "package"], { cwd: join(work, `pack-${version}`) });
  expect(r.status, String(r.stderr)).toBe(0);
  return readFileSync(tgz);
}

/** Serves the `node` package with `versions`, tarballs for those in `tarballs`; records the paths asked for. */
async function fakeRegistry(versions: readonly string[], tarballs: ReadonlyMap<string, Buffer>): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    if (req.url === "/node") {
      const packument = {
        name: "node",
        "dist-tags": { latest: versions.at(-1) },
        versions: Object.fromEntries(
          versions.map((v) => {
            const tgz = tarballs.get(v) ?? Buffer.from("");
            const integrity = `sha512-${createHash("sha512").update(tgz).digest("base64")}`;
            const shasum = createHash("sha1").update(tgz).digest("hex");
            return [v, { name: "node", version: v, bin: { node: "bin/node" }, scripts: { preinstall: "node make-bin.cjs" }, dist: { tarball: `${base}/node/-/node-${v}.tgz`, integrity, shasum } }];
          }),
        ),
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument));
      return;
    }
    const m = /^\/node\/-\/node-(.+)\.tgz$/.exec(req.url ?? "");
    const tgz = m ? tarballs.get(m[1]!) : undefined;
    if (tgz) res.writeHead(200, { "content-type": "application/octet-stream" }).end(tgz);
    else res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

/** What the cache's folder for `major` holds besides the line's own folder (left-overs of an install). */
function leftovers(major: number): string[] {
  return readdirSync(join(cache, "node")).filter((n) => n !== String(major));
}

describe("scripts/ci-node.mjs (CI's Node.js of another release line)", () => {
  it("takes one major version", async () => {
    const registry = await deadRegistry();
    for (const args of [[], ["x"], ["24", "22"], ["v24"]]) {
      const r = await run(args, registry);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("takes one argument, a Node.js major version such as 24");
      expect(r.stdout).toBe("");
    }
  });

  it("exits 3 with a note that the line is skipped when the registry cannot be reached and nothing is cached", async () => {
    const r = await run(["24"], await deadRegistry());
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).toContain(`the npm registry cannot be reached and no Node.js 24 is cached in ${join(cache, "node", "24")}: the Node.js 24 tests are skipped`);
  });

  it("uses the cached release of the line when the registry cannot be reached, and says it may be old", async () => {
    const bin = cacheNode(24, "24.3.0");
    cacheNode(22, "22.1.0");
    const r = await run(["24"], await deadRegistry());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${bin}\n`);
    expect(r.stderr).toContain("using the cached Node.js v24.3.0, which may not be the newest of its line");
  });

  it("reuses the cached release when it is the newest of its line (versions compared as numbers), downloading nothing", async () => {
    const bin = cacheNode(24, "24.21.0");
    const registry = await fakeRegistry(["22.23.3", "24.21.0", "24.9.0", "24.10.1", "26.1.0"], new Map());
    const r = await run(["24"], registry.url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${bin}\n`);
    expect(r.stderr).toContain("Node.js 24.21.0, the newest of its line: cached");
    expect(registry.requests).toEqual(["/node"]);
  });

  it("installs the newest release in place of an older cached one, running the package's install script", async () => {
    const bin = cacheNode(24, "24.9.0");
    const registry = await fakeRegistry(["24.9.0", "24.21.0", "24.10.1"], new Map([["24.21.0", nodePackageTarball("24.21.0")]]));
    const r = await run(["24"], registry.url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${bin}\n`);
    expect(r.stderr).toContain("Node.js 24.21.0: installing from the npm registry");
    expect(r.stderr).toContain("(in place of v24.9.0)");
    expect(registry.requests).toContain("/node/-/node-24.21.0.tgz");
    expect(spawnSync(join(bin, "node"), ["--version"], { encoding: "utf8" }).stdout).toBe("v24.21.0\n");
    expect(leftovers(24)).toEqual([]);
  });

  it("keeps the cached release, and fails, when installing a newer one fails", async () => {
    const bin = cacheNode(24, "24.9.0");
    const registry = await fakeRegistry(["24.9.0", "24.21.0"], new Map());
    const r = await run(["24"], registry.url);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("installing Node.js 24.21.0: npm error");
    expect(spawnSync(join(bin, "node"), ["--version"], { encoding: "utf8" }).stdout).toBe("v24.9.0\n");
    expect(leftovers(24)).toEqual([]);
  });

  it("fails on a line the registry does not have", async () => {
    const registry = await fakeRegistry(["24.21.0"], new Map());
    const r = await run(["23"], registry.url);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(existsSync(join(cache, "node", "23"))).toBe(false);
  });
});
