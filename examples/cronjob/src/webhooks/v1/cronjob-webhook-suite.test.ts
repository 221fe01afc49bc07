/*
 * Copyright 2026.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ApiClient,
  defineResource,
  HttpTransport,
  isNotFound,
  Manager,
  silentLogger,
  WebhookServer,
  type KubernetesObject,
} from "kubebuilder-ts/runtime";
import { startTestEnv, type TestEnv } from "kubebuilder-ts/testing";
import { CronJobResource, type CronJob } from "../../../api/v1/cronjob-types.js";
import {
  CronJobResource as CronJobV2Resource,
  type CronJob as CronJobV2,
} from "../../../api/v2/cronjob-types.js";
import { setupCronJobDefaulter } from "./cronjob-defaulter.js";
import { setupCronJobValidator } from "./cronjob-validator.js";
import { cronJobConversion } from "../../../api/v1/cronjob-conversion.js";
import { setupCronJobConversion } from "./cronjob-conversion.js";
// +kubebuilder:scaffold:imports

/**
 * The webhooks of CronJob called by an API server, as kubebuilder's webhook suite calls them
 * with envtest: a test API server with this project's CRDs and webhook configurations
 * (`npm run manifests` writes them), and a manager whose webhook server serves the handlers as
 * src/main.ts registers them. `kb create webhook` adds a test for each webhook type.
 */
describe("CronJob webhooks, called by the API server", () => {
  const root = join(import.meta.dirname, "../../..");
  // The setup functions src/main.ts registers for CronJob.
  const webhooks: ((server: WebhookServer) => void)[] = [
    setupCronJobDefaulter,
    setupCronJobValidator,
    setupCronJobConversion,
    // +kubebuilder:scaffold:webhooks
  ];
  const created: string[] = [];
  let env: TestEnv;
  let mgr: Manager;
  let running: Promise<void>;
  let transport: HttpTransport;
  let client: ApiClient;

  beforeAll(async () => {
    // An in-process API server; KUBEBUILDER_ASSETS selects a real kube-apiserver and etcd,
    // USE_EXISTING_CLUSTER=true the current kubeconfig's cluster. Either way it calls the
    // webhook server below for the webhooks of config/webhook and the CRDs' conversions.
    env = await startTestEnv({
      crdDirectoryPaths: [join(root, "config/crd/bases")],
      webhookInstallOptions: {
        paths: [join(root, "config/webhook")],
        // The CRDs whose conversion webhook this project serves (config/crd/patches in a cluster).
        conversionCrds: [
          "cronjobs.batch.tutorial.kubebuilder.io",
          // +kubebuilder:scaffold:conversion-crds
        ],
      },
    });
    const { host, port, certDir } = env.webhook!;
    const webhookServer = new WebhookServer({ host, port, certDir });
    for (const setup of webhooks) setup(webhookServer);
    mgr = new Manager({
      kubeConfig: env.kubeConfig,
      logger: silentLogger(),
      metricsBindAddress: "0",
      healthProbeBindAddress: "0",
      handleSignals: false,
      webhookServer,
    });
    running = mgr.start();
    // As kubebuilder's suite, wait until the manager's webhook server serves.
    await vi.waitUntil(() => webhookServer.started(), { timeout: 60_000, interval: 20 });
    transport = new HttpTransport({ kubeConfig: env.kubeConfig });
    client = new ApiClient(transport);
  }, 120_000);

  afterAll(async () => {
    // Leave an existing cluster as it was.
    for (const name of created) {
      await client?.delete(CronJobResource, key(name)).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    transport?.close();
    mgr?.stop();
    await running;
    await env?.stop();
  });

  function key(name: string) {
    return { namespace: "default", name };
  }

  /** Creates a CronJob named `name` through the API server, which calls the webhooks. */
  async function create(name: string, spec: Partial<CronJob["spec"]> = {}): Promise<CronJob> {
    const cronJob: CronJob = {
      apiVersion: CronJobResource.apiVersion,
      kind: CronJobResource.kind,
      metadata: key(name),
      spec: {
        schedule: "*/5 * * * *",
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "Never" },
            },
          },
        },
        ...spec,
      },
    };
    created.push(name);
    return client.create(CronJobResource, cronJob);
  }

  /** How many requests the webhook server answered on `path` (controller_runtime_webhook_requests_total). */
  async function served(path: string): Promise<number> {
    const metric = await mgr.registry
      .getSingleMetric("controller_runtime_webhook_requests_total")
      ?.get();
    return (metric?.values ?? [])
      .filter((v) => v.labels.webhook === path)
      .reduce((n, v) => n + v.value, 0);
  }

  it("the API server calls the defaulting webhook when a CronJob is created", async () => {
    const path = "/mutate-batch-tutorial-kubebuilder-io-v1-cronjob";
    const before = await served(path);

    const cronJob = await create("defaulted");

    await expect.poll(() => served(path)).toBeGreaterThan(before);
    // suspend comes from the webhook alone; the rest from the CRD's defaults, and the webhook.
    expect(cronJob.spec).toMatchObject({
      concurrencyPolicy: "Allow",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
  });

  it("the API server calls the validating webhook, which denies a bad schedule and a long name", async () => {
    const path = "/validate-batch-tutorial-kubebuilder-io-v1-cronjob";
    const before = await served(path);
    await create("validated");
    await expect.poll(() => served(path)).toBeGreaterThan(before);

    const name = "a".repeat(53);
    await expect(create(name, { schedule: "0 */5 * * * *" })).rejects.toMatchObject({
      statusCode: 422,
      body: {
        reason: "Invalid",
        message: `admission webhook "vcronjob-v1.kb.io" denied the request: CronJob.batch.tutorial.kubebuilder.io "${name}" is invalid: [metadata.name: Invalid value: "${name}": must be no more than 52 characters, spec.schedule: Invalid value: "0 */5 * * * *": expected five fields (minute hour day-of-month month day-of-week) or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, got 6 field(s) in "0 */5 * * * *"]`,
      },
    });
  });

  it("the validating webhook also checks updates", async () => {
    const cronJob = await create("updated");
    cronJob.spec.schedule = "every minute";
    await expect(client.update(CronJobResource, cronJob)).rejects.toMatchObject({
      statusCode: 422,
      body: { details: { causes: [expect.objectContaining({ field: "spec.schedule" })] } },
    });
  });

  it("the API server calls the conversion webhook to serve a CronJob at every version", async () => {
    const before = await served("/convert");
    const cronJob = await create("converted", { schedule: "30 9 * * 1-5" });

    const { group, kind, plural, namespaced } = CronJobResource;
    for (const version of cronJobConversion.versions) {
      const at = defineResource<KubernetesObject>({ group, version, kind, plural, namespaced });
      const read = await client.get(at, key("converted"));
      expect(read.apiVersion).toBe(`${group}/${version}`);
      expect(read.metadata?.uid).toBe(cronJob.metadata?.uid);
    }
    const v2 = await client.get(CronJobV2Resource, key("converted"));
    expect(v2.spec.schedule).toEqual({
      minute: "30",
      hour: "9",
      dayOfMonth: "*",
      month: "*",
      dayOfWeek: "1-5",
    });
    await expect.poll(() => served("/convert")).toBeGreaterThan(before);
  });

  it("a CronJob written at v2 is stored at v1, and v1's webhooks check it", async () => {
    const v2: CronJobV2 = {
      apiVersion: CronJobV2Resource.apiVersion,
      kind: CronJobV2Resource.kind,
      metadata: key("written-at-v2"),
      spec: {
        schedule: { minute: "0", hour: "*/2" },
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "Never" },
            },
          },
        },
      },
    };
    created.push("written-at-v2");
    await client.create(CronJobV2Resource, v2);
    const v1 = await client.get(CronJobResource, key("written-at-v2"));
    expect(v1.spec).toMatchObject({ schedule: "0 */2 * * *", suspend: false });

    const bad = {
      ...v2,
      metadata: key("bad-at-v2"),
      spec: { ...v2.spec, schedule: { minute: "61" } },
    };
    await expect(client.create(CronJobV2Resource, bad)).rejects.toMatchObject({
      statusCode: 422,
      body: { details: { causes: [expect.objectContaining({ field: "spec.schedule" })] } },
    });
  });

  // +kubebuilder:scaffold:webhook-tests
});
