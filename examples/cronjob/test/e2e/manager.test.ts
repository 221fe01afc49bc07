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

import { shouldUseExistingCluster } from "kubebuilder-ts/testing";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { httpsGet, kubectl, portForward, type PortForward } from "./kubectl.js";

// The names config/default gives the manager's objects: its namespace, and its name prefix.
const namespace = "cronjob-system";
const deployment = "cronjob-controller-manager";
const serviceAccount = "cronjob-controller-manager";
const metricsService = "cronjob-controller-manager-metrics-service";
const metricsPort = 8443;
const metricsReaderRole = "cronjob-metrics-reader";
// This test binds the metrics reader role to the manager's own service account, and uses
// that account's token to read the metrics.
const metricsBinding = "cronjob-metrics-binding";

const useExistingCluster = shouldUseExistingCluster(process.env);
if (!useExistingCluster) {
  console.log(
    "e2e tests skipped: they check the manager deployed on the current kubeconfig's cluster; " +
      "deploy it (npm run deploy) and run them with USE_EXISTING_CLUSTER=true (see README.md)",
  );
}

describe.skipIf(!useExistingCluster)("the deployed manager", () => {
  let forward: PortForward | undefined;

  afterEach(async (context) => {
    if (context.task.result?.state !== "fail") return;
    // Show what the manager logged and what happened in its namespace.
    const logs = ["logs", `deployment/${deployment}`, "-n", namespace, "--all-containers"];
    const events = ["get", "events", "-n", namespace, "--sort-by=.lastTimestamp"];
    for (const args of [logs, events]) {
      console.log(await kubectl(args).catch((e: unknown) => String(e)));
    }
  });

  afterAll(async () => {
    forward?.close();
    await kubectl(["delete", "clusterrolebinding", metricsBinding, "--ignore-not-found"]);
  });

  it("runs the controller-manager until it is ready", async () => {
    await kubectl([
      "rollout",
      "status",
      `deployment/${deployment}`,
      "-n",
      namespace,
      "--timeout=3m",
    ]);
    await kubectl([
      "wait",
      "pod",
      "-l",
      "control-plane=controller-manager",
      "-n",
      namespace,
      "--for=condition=Ready",
      "--timeout=1m",
    ]);
  });

  it("serves metrics over HTTPS to an authorised service account only", async () => {
    const binding = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: metricsBinding },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: metricsReaderRole,
      },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace }],
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(binding));
    const token = (await kubectl(["create", "token", serviceAccount, "-n", namespace])).trim();
    forward = await portForward(namespace, `service/${metricsService}`, metricsPort);
    const port = forward.port;

    expect((await httpsGet(port, "/metrics")).status, "a request without a token").toBe(401);
    // The new binding takes a moment to reach the authorizer.
    const metrics = await vi.waitFor(
      async () => {
        const response = await httpsGet(port, "/metrics", token);
        expect(response.status, response.body).toBe(200);
        return response.body;
      },
      { timeout: 60_000, interval: 2_000 },
    );
    expect(metrics).toContain("controller_runtime_reconcile_total");
  });

  it("runs the sample CronJob's Job on its schedule", async () => {
    const sample = "config/samples/batch_v1_cronjob.yaml";
    await kubectl(["apply", "-n", "default", "-f", sample]);
    try {
      // Every minute: a Job within two minutes, controlled by the sample.
      await vi.waitFor(
        async () => {
          const owners = await kubectl([
            "get",
            "jobs",
            "-n",
            "default",
            "-o",
            "jsonpath={.items[*].metadata.ownerReferences[0].name}",
          ]);
          expect(owners.split(/\s+/)).toContain("cronjob-sample");
        },
        { timeout: 150_000, interval: 5_000 },
      );
    } finally {
      await kubectl(["delete", "-n", "default", "-f", sample, "--ignore-not-found"]);
    }
  });
});
