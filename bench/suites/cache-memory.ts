/**
 * Memory of the informer cache at 10,000 small objects (a ConfigMap with name, namespace,
 * uid, resourceVersion, creation timestamp, three labels and two data keys).
 *
 * Method: each variant runs in a fresh child process (`node --expose-gc --import tsx`), so
 * nothing else lives on its heap. The child fills a {@link SharedInformer} from an in-memory
 * list+watch source whose pages are made by `JSON.parse` (as the transport makes them, so no
 * string is shared between objects by accident), waits for the sync, drops the pages, runs
 * `global.gc()` until the heap settles, and reports `(heapUsed after - heapUsed before) /
 * objects`. The figure covers everything the cache keeps per object: the frozen object, its
 * key, the store map entry and the built-in namespace index (plus one custom index in one
 * variant). It excludes what a real API response costs in flight.
 *
 * Run it on its own with `tsx bench/suites/cache-memory.ts`.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stripManagedFields } from "../../src/runtime/cache/object-copy.js";
import { SharedInformer } from "../../src/runtime/cache/shared-informer.js";
import type { WatchStream } from "../../src/runtime/client/api-client.js";
import type { KubernetesObject } from "../../src/runtime/resource.js";
import type { ListWatchSource } from "../../src/runtime/watch/list-watch-source.js";

/** One row of the benchmark table. */
export interface CacheMemoryBenchRow {
  readonly name: string;
  readonly value: string;
  readonly target: string;
}

const OBJECTS = 10_000;
const TARGET = "< 2 KB per object";
const NO_TARGET = "(for comparison)";

type Variant = "plain" | "indexed" | "managed-fields" | "managed-fields-stripped";

const VARIANTS: readonly { readonly variant: Variant; readonly name: string; readonly target: string }[] = [
  {
    variant: "plain",
    name: `cache memory per ConfigMap (${OBJECTS.toLocaleString("en-US")} objects, 3 labels, 2 data keys)`,
    target: TARGET,
  },
  { variant: "indexed", name: "… with one custom index (by label app)", target: TARGET },
  { variant: "managed-fields", name: "… as the API server sends them, with managedFields (2 managers) kept", target: NO_TARGET },
  { variant: "managed-fields-stripped", name: "… with managedFields dropped by the stripManagedFields transform", target: TARGET },
];

function configMap(i: number, managedFields: boolean): KubernetesObject {
  const ns = `team-${i % 50}`;
  const object: KubernetesObject & { data: Record<string, string> } = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `settings-${i}`,
      namespace: ns,
      uid: `0f8fad5b-d9cb-469f-a165-${String(70880 + i).padStart(12, "0")}`,
      resourceVersion: String(100_000 + i),
      creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i % 60)).toISOString().replace(".000Z", "Z"),
      labels: { app: `app-${i % 100}`, tier: i % 2 ? "web" : "db", "app.kubernetes.io/managed-by": "operator" },
    },
    data: { mode: i % 3 ? "fast" : "safe", replicas: String(i % 7) },
  };
  if (managedFields) {
    object.metadata!.managedFields = [
      {
        manager: "operator",
        operation: "Apply",
        apiVersion: "v1",
        time: "2024-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:mode": {}, "f:replicas": {} }, "f:metadata": { "f:labels": { "f:app": {}, "f:tier": {} } } },
      },
      {
        manager: "kubectl-label",
        operation: "Update",
        apiVersion: "v1",
        time: "2024-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { "f:app.kubernetes.io/managed-by": {} } } },
      },
    ];
  }
  return object;
}

/** A source serving OBJECTS ConfigMaps in pages of 500, each page freshly parsed from JSON; its watch stays open and silent. */
function memorySource(managedFields: boolean): ListWatchSource<KubernetesObject> {
  const pageSize = 500;
  return {
    description: "ConfigMap (memory bench)",
    async list({ continue: cont }) {
      const start = cont ? Number(cont) : 0;
      const objects: KubernetesObject[] = [];
      for (let i = start; i < Math.min(OBJECTS, start + pageSize); i++) objects.push(configMap(i, managedFields));
      const next = start + pageSize;
      return {
        items: JSON.parse(JSON.stringify(objects)) as KubernetesObject[],
        resourceVersion: "200000",
        continue: next < OBJECTS ? String(next) : undefined,
      };
    },
    async watch({ signal }) {
      const stream: WatchStream<KubernetesObject> = {
        async *[Symbol.asyncIterator]() {
          await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        },
        close: () => undefined,
      };
      return stream;
    },
  };
}

function settledHeap(gc: () => void): number {
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(used - last) < 1024) return used;
    last = used;
  }
  return last;
}

/** Runs in the child: measures one variant, prints `{ bytesPerObject, objects }` as JSON. */
async function measure(variant: Variant): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  const managed = variant === "managed-fields" || variant === "managed-fields-stripped";
  const informer = new SharedInformer(memorySource(managed), {
    transform: variant === "managed-fields-stripped" ? stripManagedFields : undefined,
  });
  if (variant === "indexed") informer.addIndex("app", (o) => [o.metadata?.labels?.["app"] ?? ""]);
  const before = settledHeap(gc);
  const controller = new AbortController();
  informer.start(controller.signal);
  if (!(await informer.waitForSync())) throw new Error("the informer did not sync");
  const after = settledHeap(gc);
  const objects = informer.store.size;
  if (objects !== OBJECTS) throw new Error(`expected ${OBJECTS} objects, found ${objects}`);
  process.stdout.write(`${JSON.stringify({ bytesPerObject: (after - before) / objects, objects })}\n`);
  controller.abort();
  await informer.stop();
}

function runChild(variant: Variant): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", self, "--measure", variant], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`cache-memory child (${variant}) exited with ${code}: ${err.trim()}`));
      try {
        resolve((JSON.parse(out.trim().split("\n").at(-1) ?? "") as { bytesPerObject: number }).bytesPerObject);
      } catch (error) {
        reject(new Error(`cache-memory child (${variant}) printed no result: ${out} ${err}`, { cause: error }));
      }
    });
  });
}

/**
 * Measures the cache's memory per object, one child process per variant.
 * @example
 * ```ts
 * for (const row of await benchCacheMemory()) console.log(row.name, row.value, row.target);
 * ```
 */
export async function benchCacheMemory(): Promise<CacheMemoryBenchRow[]> {
  const rows: CacheMemoryBenchRow[] = [];
  for (const { variant, name, target } of VARIANTS) {
    const bytes = await runChild(variant);
    rows.push({ name, value: `${Math.round(bytes).toLocaleString("en-US")} bytes/object (${(bytes / 1024).toFixed(2)} KB)`, target });
  }
  return rows;
}

const argv = process.argv;
if (argv[1] === fileURLToPath(import.meta.url)) {
  const at = argv.indexOf("--measure");
  if (at >= 0) await measure(argv[at + 1] as Variant);
  else for (const row of await benchCacheMemory()) console.log(`${row.name}: ${row.value} (target ${row.target})`);
}
