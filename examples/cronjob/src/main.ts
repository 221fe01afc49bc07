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

import { basename } from "node:path";
import { parseArgs } from "node:util";
import {
  createLoggerFromFlags,
  LOG_FLAGS,
  Manager,
  parseLogFlags,
  WebhookServer,
} from "kubebuilder-ts/runtime";
import { setupCronJobController } from "./controllers/cronjob-controller.js";
import { setupCronJobDefaulter } from "./webhooks/v1/cronjob-defaulter.js";
import { setupCronJobValidator } from "./webhooks/v1/cronjob-validator.js";
import { setupCronJobConversion } from "./webhooks/v1/cronjob-conversion.js";
// +kubebuilder:scaffold:imports

/**
 * The manager's command-line flags, named as kubebuilder's Go managers name them, so the
 * manifests under config/ read the same. Boolean flags take `--flag`, `--no-flag` or
 * `--flag=false`. The logging flags (`--zap-devel`, `--zap-encoder`, `--zap-log-level`,
 * `--zap-stacktrace-level`) are kubebuilder's too, read by `parseLogFlags`.
 */
const FLAGS = {
  "metrics-bind-address": {
    type: "string",
    default: "0",
    description:
      "Where the metrics endpoint listens: :8443 for HTTPS, :8080 for HTTP, 0 to disable it.",
  },
  "health-probe-bind-address": {
    type: "string",
    default: ":8081",
    description: "Where the /healthz and /readyz probes listen.",
  },
  "leader-elect": {
    type: "boolean",
    default: false,
    description: "Elect a leader, so that only one replica of the manager is active at a time.",
  },
  "metrics-secure": {
    type: "boolean",
    default: true,
    description: "Serve metrics over HTTPS to authenticated and authorized clients only.",
  },
  "metrics-cert-path": {
    type: "string",
    default: "",
    description: "The directory of the metrics server's certificate (default: a self-signed one).",
  },
  "metrics-cert-name": {
    type: "string",
    default: "tls.crt",
    description: "The metrics certificate's file name.",
  },
  "metrics-cert-key": {
    type: "string",
    default: "tls.key",
    description: "The metrics key's file name.",
  },
  "webhook-cert-path": {
    type: "string",
    default: "",
    description:
      "The directory of the webhook server's certificate (default: /tmp/k8s-webhook-server/serving-certs).",
  },
  "webhook-cert-name": {
    type: "string",
    default: "tls.crt",
    description: "The webhook certificate's file name.",
  },
  "webhook-cert-key": {
    type: "string",
    default: "tls.key",
    description: "The webhook key's file name.",
  },
  "webhook-port": {
    type: "string",
    default: "9443",
    description: "The port the webhook server listens on.",
  },
  help: { type: "boolean", short: "h", default: false, description: "Print this help and exit." },
} as const;

/**
 * The webhooks the manager serves: `kb create webhook` adds the setup function of each one.
 * The webhook server only starts when there is at least one.
 */
const webhooks: ((server: WebhookServer) => void)[] = [
  setupCronJobDefaulter,
  setupCronJobValidator,
  setupCronJobConversion,
  // +kubebuilder:scaffold:webhooks
];

const { flags, logFlags } = parseFlags(process.argv.slice(2));
if (flags.help) {
  console.log(usage());
  process.exit(0);
}

// JSON lines by default; `--zap-devel` (as `npm run run` passes) prints readable lines at debug level.
const log = createLoggerFromFlags(logFlags);
const setupLog = log.child({ logger: "setup" });

try {
  // ENABLE_WEBHOOKS=false runs the controllers alone, e.g. against a cluster without cert-manager.
  const webhookServer =
    process.env.ENABLE_WEBHOOKS !== "false" && webhooks.length > 0
      ? new WebhookServer({
          port: port(flags["webhook-port"]),
          certDir: flags["webhook-cert-path"] || undefined,
          certName: flags["webhook-cert-name"],
          keyName: flags["webhook-cert-key"],
          log: log.child({ logger: "webhook" }),
        })
      : undefined;
  if (webhookServer) for (const setup of webhooks) setup(webhookServer);

  const mgr = new Manager({
    logger: log,
    // WATCH_NAMESPACE limits the manager to one namespace; unset, it watches them all.
    namespace: process.env.WATCH_NAMESPACE || undefined,
    metricsBindAddress: flags["metrics-bind-address"],
    // Secure metrics check every scrape with a TokenReview and a SubjectAccessReview; the
    // roles that allow them are in config/rbac.
    metricsSecure: flags["metrics-secure"],
    metricsCertDir: flags["metrics-cert-path"] || undefined,
    metricsCertName: flags["metrics-cert-name"],
    metricsKeyName: flags["metrics-cert-key"],
    healthProbeBindAddress: flags["health-probe-bind-address"],
    leaderElection: flags["leader-elect"],
    leaderElectionId: "c9df1ea4.tutorial.kubebuilder.io",
    webhookServer,
  });

  setupCronJobController(mgr);
  // +kubebuilder:scaffold:controllers

  setupLog.info("starting manager");
  await mgr.start();
} catch (err) {
  setupLog.error({ err }, "problem running manager");
  process.exit(1);
}

/** Parses `args`; prints what is wrong and the usage, then exits, when they do not parse. */
function parseFlags(args: readonly string[]) {
  try {
    const { flags: logFlags, rest } = parseLogFlags(args);
    const { values } = parseArgs({
      args: rest.map(goBoolean),
      options: FLAGS,
      allowNegative: true,
    });
    return { flags: values, logFlags };
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
}

/** Go's flag package spells a boolean `--flag=false`; parseArgs spells it `--no-flag`. */
function goBoolean(arg: string): string {
  const [, name, value] = /^--([a-z-]+)=(true|false)$/.exec(arg) ?? [];
  const flag = Object.entries(FLAGS).find(([n]) => n === name)?.[1];
  if (flag?.type !== "boolean") return arg;
  return value === "true" ? `--${name}` : `--no-${name}`;
}

function port(value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && n > 0 && n < 65536) return n;
  throw new Error(`--webhook-port ${value}: expected a port number`);
}

function usage(): string {
  const lines = [
    ...Object.entries(FLAGS).map(([name, f]) => `  --${name.padEnd(28)}${f.description}`),
    ...LOG_FLAGS.map(
      (f) => `  --${(f.value ? `${f.name}=${f.value}` : f.name).padEnd(28)}${f.description}`,
    ),
  ];
  return `Usage: ${basename(process.argv[1] ?? "main.js")} [flags]\n\nFlags:\n${lines.join("\n")}`;
}
