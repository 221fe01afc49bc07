import type { KubeConfig } from "@kubernetes/client-node";
import { HttpTransport } from "../../src/runtime/client/transport.js";
import { afterAll, beforeAll } from "vitest";
import { ApiError, isNotFound } from "../../src/runtime/errors.js";
import { startTestEnv, type TestEnv } from "../../src/testing/env/start-test-env.js";
import { realAssets } from "../helpers/real-kubernetes.js";

/** A CustomResourceDefinition as read from YAML: only what these tests look at is typed. */
export interface CrdDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope?: string;
    names: { kind: string; plural: string };
    versions: { name: string; served?: boolean; storage?: boolean }[];
  };
  status?: { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
}

export const CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
export const FIELD_MANAGER = "kubebuilder-ts-tests";

/** Requests to a real API server, with the few calls these suites need. */
export class RealApi {
  readonly transport: HttpTransport;

  constructor(kubeConfig: KubeConfig) {
    this.transport = new HttpTransport({ kubeConfig, userAgent: "kubebuilder-ts-real-tests", requestTimeoutMs: 120_000 });
  }

  close(): void {
    this.transport.close();
  }

  /** Server-side apply of `object` at `path` (forced, as `kubectl apply --server-side --force-conflicts`). */
  apply<T = unknown>(path: string, object: unknown, options: { dryRun?: boolean; strict?: boolean } = {}): Promise<T> {
    return this.transport.request<T>({
      method: "PATCH",
      path,
      query: {
        fieldManager: FIELD_MANAGER,
        force: true,
        ...(options.dryRun ? { dryRun: "All" } : {}),
        ...(options.strict ? { fieldValidation: "Strict" } : {}),
      },
      body: JSON.stringify(object),
      contentType: "application/apply-patch+yaml",
    });
  }

  applyCrd(crd: CrdDocument, options: { dryRun?: boolean } = {}): Promise<CrdDocument> {
    return this.apply<CrdDocument>(`${CRDS_PATH}/${crd.metadata.name}`, crd, options);
  }

  getCrd(name: string): Promise<CrdDocument> {
    return this.transport.request<CrdDocument>({ method: "GET", path: `${CRDS_PATH}/${name}` });
  }

  /**
   * Waits until CRD `name` has every condition of `types` True (Established unless given) and
   * returns it as last read; the timeout's error shows the conditions last seen.
   */
  async waitForCrd(name: string, types: readonly string[] = ["Established"], timeoutMs = 60_000): Promise<CrdDocument> {
    let seen: CrdDocument | undefined;
    await poll(
      async () => {
        seen = await this.getCrd(name);
        return types.every((type) => conditionStatus(seen!, type) === "True");
      },
      `${name} is ${types.join(" and ")}`,
      timeoutMs,
      () => JSON.stringify(seen?.status?.conditions ?? []),
    );
    return seen!;
  }

  /** Deletes a CRD and waits until it is gone (the API server first removes its objects). */
  async deleteCrd(name: string, timeoutMs = 60_000): Promise<void> {
    try {
      await this.transport.request({ method: "DELETE", path: `${CRDS_PATH}/${name}` });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    await poll(
      async () => {
        try {
          await this.getCrd(name);
          return false;
        } catch (e) {
          if (isNotFound(e)) return true;
          throw e;
        }
      },
      `CustomResourceDefinition ${name} is deleted`,
      timeoutMs,
    );
  }
}

/** The status of condition `type` of a CRD ("True", "False", or undefined when absent). */
function conditionStatus(crd: CrdDocument, type: string): string | undefined {
  return crd.status?.conditions?.find((c) => c.type === type)?.status;
}

/**
 * Calls `check` until it resolves true: no fixed waits, short rounds that back off a little,
 * a generous bound for a loaded machine. The error names what was awaited and, when `last`
 * is given, what was seen last.
 */
export async function poll(check: () => Promise<boolean>, what: string, timeoutMs = 60_000, last?: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let interval = 20;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}${last ? ` (last seen: ${last()})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
    interval = Math.min(interval * 2, 250);
  }
}

/** The API server's message of a failed request (its Status message), else the error's. */
export function serverMessage(e: unknown): string {
  if (e instanceof ApiError) return e.body.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * A real control plane (from KUBEBUILDER_ASSETS) and a {@link RealApi} on it for the tests of
 * the describe block it is called in: started before them, stopped after. Call it inside a
 * block skipped with `skipReal(...)`, so that it only runs where the assets are.
 * @example
 * ```ts
 * describe.skipIf(skipReal("my suite"))("my suite", () => {
 *   const real = realApiForSuite();
 *   it("...", async () => { await real.api.applyCrd(doc); });
 * });
 * ```
 */
export function realApiForSuite(): { readonly api: RealApi } {
  let env: TestEnv | undefined;
  let api: RealApi | undefined;
  beforeAll(async () => {
    const found = realAssets();
    if (!("directory" in found)) throw new Error(found.skip);
    env = await startTestEnv({ binaryAssetsDirectory: found.directory });
    api = new RealApi(env.kubeConfig);
  }, 120_000);
  afterAll(async () => {
    api?.close();
    await env?.stop();
  });
  return {
    get api(): RealApi {
      if (!api) throw new Error("the real control plane is not running (its beforeAll failed or has not run)");
      return api;
    },
  };
}
