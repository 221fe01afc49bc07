import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlPlane } from "../../../src/testing/control-plane/control-plane.js";
import { selectBackend, startTestEnv, type TestEnv } from "../../../src/testing/env/start-test-env.js";
import { realAssets, skipReal } from "../../helpers/real-kubernetes.js";
import { CRD_DIR } from "../helpers.js";

const assets = (): string => {
  const found = realAssets();
  if (!("directory" in found)) throw new Error(found.skip);
  return found.directory;
};

/** Whether `pid` is a live process (a zombie waiting for its parent counts as ended). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** The children of `pid` (Linux). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

/** Polls until `check` holds (no fixed wait: each round is short, the bound is generous). */
async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("selectBackend", () => {
  it("takes the option, then USE_EXISTING_CLUSTER, then KUBEBUILDER_ASSETS or binaryAssetsDirectory, else in-process", () => {
    expect(selectBackend({}, {})).toBe("in-process");
    expect(selectBackend({}, { KUBEBUILDER_ASSETS: "/x" })).toBe("real");
    expect(selectBackend({}, { KUBEBUILDER_ASSETS: " " })).toBe("in-process");
    expect(selectBackend({ binaryAssetsDirectory: "/x" }, {})).toBe("real");
    expect(selectBackend({}, { KUBEBUILDER_ASSETS: "/x", USE_EXISTING_CLUSTER: "true" })).toBe("existing-cluster");
    expect(selectBackend({ backend: "in-process" }, { KUBEBUILDER_ASSETS: "/x" })).toBe("in-process");
  });

  it("names the folder and the missing binary when KUBEBUILDER_ASSETS is wrong", async () => {
    await expect(startTestEnv({ env: { KUBEBUILDER_ASSETS: "/nonexistent/assets" } })).rejects.toThrow(
      "KUBEBUILDER_ASSETS=/nonexistent/assets: no such directory; it must hold the kube-apiserver and etcd binaries",
    );
    await expect(startTestEnv({ binaryAssetsDirectory: CRD_DIR })).rejects.toThrow(`binaryAssetsDirectory=${CRD_DIR}: kube-apiserver is missing or not executable there`);
  });

  it("refuses in-process-only options on the real backend before starting anything", async () => {
    await expect(startTestEnv({ binaryAssetsDirectory: "/x", historySize: 5 })).rejects.toThrow('historySize only apply to the in-process server, and this environment is real; pass backend: "in-process"');
  });
});

describe.skipIf(skipReal("startTestEnv on a real API server"))("startTestEnv on a real API server", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv({
      binaryAssetsDirectory: assets(),
      crdDirectoryPaths: [CRD_DIR],
      objects: [
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "seeded", namespace: "apps" }, spec: { size: 2 }, status: { phase: "Ready" } } as never,
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { k: "v" } } as never,
      ],
    });
  });
  afterAll(() => env?.stop());

  it("serves over verified TLS as the admin, with the CRDs Established and the objects created", async () => {
    expect(env.backend).toBe("real");
    expect(env.existingCluster).toBe(false);
    const cluster = env.kubeConfig.getCurrentCluster();
    expect(cluster?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster?.skipTLSVerify).toBe(false);
    const co = env.kubeConfig.makeApiClient(CustomObjectsApi);
    const w = (await co.getNamespacedCustomObject({ group: "example.com", version: "v1", namespace: "apps", plural: "widgets", name: "seeded" })) as Record<string, unknown>;
    // Defaulted by the real server from the CRD's schema; status written through /status.
    expect(w["spec"]).toEqual({ size: 2, color: "blue" });
    expect(w["status"]).toEqual({ phase: "Ready" });
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: "cm", namespace: "default" })).data).toEqual({ k: "v" });
  });

  it("accepts resources the cluster serves, and names one it does not", async () => {
    const deployments = { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true } as never;
    const gizmos = { group: "example.com", version: "v1", kind: "Gizmo", plural: "gizmos", namespaced: true } as never;
    await expect(startTestEnv({ binaryAssetsDirectory: assets(), resources: [deployments, gizmos] })).rejects.toThrow(
      "startTestEnv: resources names Gizmo (gizmos in /apis/example.com/v1), which this cluster does not serve; install its CRD",
    );
    const ok = await startTestEnv({ binaryAssetsDirectory: assets(), resources: [deployments] });
    await ok.stop();
  });

  it("has no in-process store or faults, and says how to pin a test to the in-process server", () => {
    expect(() => env.server).toThrow('startTestEnv({ backend: "in-process" })');
    expect(() => env.store).toThrow("a real API server");
  });
});

describe.skipIf(skipReal("the control plane's processes"))("the control plane's processes", () => {
  it("end with stop(), and their temporary files go", async () => {
    const plane = await ControlPlane.start({ assetsDirectory: assets() });
    const watchdogs = [plane.processes.etcd.pid!, plane.processes.kubeApiServer.pid!];
    const binaries = watchdogs.flatMap(childrenOf);
    expect(binaries).toHaveLength(2);
    const dir = readFileSync(`/proc/${binaries[1]}/cmdline`, "utf8").split("\0").find((a) => a.startsWith("--cert-dir="))!.slice("--cert-dir=".length);
    expect(existsSync(join(dir, "ca.crt"))).toBe(true);
    await plane.stop();
    for (const pid of [...watchdogs, ...binaries]) expect(running(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await plane.stop(); // a second stop is harmless
  });

  it("end when the test process is killed with SIGKILL (no orphans)", async () => {
    // A child process starts a test environment, reports its binaries' process ids, and is killed.
    const script = `
      import { ControlPlane } from ${JSON.stringify(new URL("../../../src/testing/control-plane/control-plane.ts", import.meta.url).pathname)};
      import { readdirSync, readFileSync } from "node:fs";
      const plane = await ControlPlane.start({ assetsDirectory: ${JSON.stringify(assets())} });
      const children = (pid) => readdirSync("/proc/" + pid + "/task").flatMap((t) => readFileSync("/proc/" + pid + "/task/" + t + "/children", "utf8").trim().split(/\\s+/).filter(Boolean).map(Number));
      process.stdout.write(JSON.stringify([plane.processes.etcd.pid, plane.processes.kubeApiServer.pid].flatMap(children)) + "\\n");
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(JSON.parse(out) as number[]);
      });
      child.on("exit", (code) => reject(new Error(`the child exited (${code}) before reporting`)));
    });
    expect(pids).toHaveLength(2);
    const dir = readFileSync(`/proc/${pids[1]}/cmdline`, "utf8").split("\0").find((a) => a.startsWith("--cert-dir="))!.slice("--cert-dir=".length);
    for (const pid of pids) expect(running(pid)).toBe(true);
    child.kill("SIGKILL");
    await eventually(() => pids.every((pid) => !running(pid)), `etcd and kube-apiserver (${pids.join(", ")}) end after their parent was killed`);
    await eventually(() => !existsSync(dir), `${dir} is removed`);
  });

  it("fails with the API server's own words when it cannot start", async () => {
    await expect(ControlPlane.start({ assetsDirectory: assets(), apiServerFlags: { "no-such-flag": "x" } })).rejects.toThrow(/kube-apiserver exited with status \d+ while the control plane started:[^]*unknown flag: --no-such-flag/);
  });
});
