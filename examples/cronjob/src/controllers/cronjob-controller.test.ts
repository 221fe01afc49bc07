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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, findStatusCondition, HttpTransport, isNotFound } from "kubebuilder-ts/runtime";
import { reconcileContext, startTestEnv, type TestEnv } from "kubebuilder-ts/testing";
import { CronJobResource, type CronJob } from "../../api/v1/cronjob-types.js";
import { CronJobReconciler } from "./cronjob-controller.js";

describe("CronJob controller", () => {
  const key = { namespace: "default", name: "test-resource" };
  let env: TestEnv;
  let transport: HttpTransport;
  let client: ApiClient;
  // What a reconcile gets besides the key, as the manager passes it (its recorder writes Events through client).
  const context = () => reconcileContext(client);

  beforeAll(async () => {
    // An in-process API server with this project's CRDs (`npm run manifests` writes them);
    // KUBEBUILDER_ASSETS (a folder with kube-apiserver and etcd) selects a real API server,
    // USE_EXISTING_CLUSTER=true the current kubeconfig's cluster.
    env = await startTestEnv({
      crdDirectoryPaths: [join(import.meta.dirname, "../../config/crd/bases")],
    });
    transport = new HttpTransport({ kubeConfig: env.kubeConfig });
    client = new ApiClient(transport);
    const cronJob: CronJob = {
      apiVersion: CronJobResource.apiVersion,
      kind: CronJobResource.kind,
      metadata: key,
      spec: {
        schedule: "*/1 * * * *",
        jobTemplate: { spec: { template: { spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "Never" } } } },
      },
    };
    await client.create(CronJobResource, cronJob);
  });

  afterAll(async () => {
    // Leave an existing cluster as it was.
    await client?.delete(CronJobResource, key).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    transport?.close();
    await env?.stop();
  });

  it("sets the Available condition for the generation it reconciled", async () => {
    await new CronJobReconciler().reconcile(key, context());

    const cronJob = await client.get(CronJobResource, key);
    expect(findStatusCondition(cronJob.status?.conditions, "Available")).toMatchObject({
      status: "True",
      observedGeneration: cronJob.metadata?.generation,
    });
    // TODO(user): check what your reconciler does: the objects it creates, the status it reports.
  });

  it("writes nothing when the CronJob is already reconciled", async () => {
    await new CronJobReconciler().reconcile(key, context());
    const before = await client.get(CronJobResource, key);

    await new CronJobReconciler().reconcile(key, context());
    const after = await client.get(CronJobResource, key);
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it("ignores a CronJob that does not exist", async () => {
    await expect(
      new CronJobReconciler().reconcile({ namespace: "default", name: "missing" }, context()),
    ).resolves.toBeUndefined();
  });
});
