import { KbError } from "../../../diagnostics/index.js";
import type { ProjectConfig } from "../../project-file/project-config.js";

/**
 * The key PROJECT records the Helm plugin under (kubebuilder records `helm.kubebuilder.io/v2-alpha`):
 * while it is there, `kb generate` (and so `kb create api` and `kb create webhook`, which run it)
 * keeps the chart in step with the project.
 */
export const HELM_PLUGIN_KEY = "helm.kubebuilder-ts.io/v2-alpha";

/** What `kb edit --plugins` accepts for the Helm plugin: its short name, as kubebuilder's `helm/v2-alpha`, or its key. */
export const HELM_PLUGIN_NAMES = ["helm/v2-alpha", HELM_PLUGIN_KEY] as const;

/** Where the chart goes, relative to the project root (kubebuilder's `dist/chart`). */
export const CHART_DIR = "dist/chart";

/** Whether PROJECT records the Helm plugin. */
export function hasHelmPlugin(config: ProjectConfig): boolean {
  return config.plugins?.[HELM_PLUGIN_KEY] !== undefined;
}

/** PROJECT with the Helm plugin recorded (its settings: none yet, as an empty mapping). */
export function withHelmPlugin(config: ProjectConfig): ProjectConfig {
  return { ...config, plugins: { ...config.plugins, [HELM_PLUGIN_KEY]: config.plugins?.[HELM_PLUGIN_KEY] ?? {} } };
}

/**
 * Checks the plugins `kb edit --plugins` names (comma-separated, repeatable): kb has one, the
 * Helm chart. Throws naming the plugins it knows otherwise.
 */
export function checkPlugins(names: readonly string[]): "helm" {
  const list = names.flatMap((n) => n.split(",")).map((n) => n.trim()).filter(Boolean);
  if (list.length === 0) throw new KbError("bad-flag", `--plugins: expected a plugin name (${HELM_PLUGIN_NAMES[0]})`);
  for (const name of list) {
    if (!(HELM_PLUGIN_NAMES as readonly string[]).includes(name)) {
      const hint = name.startsWith("helm") ? `kb has the Helm chart of kubebuilder's helm/v2-alpha plugin: pass --plugins=${HELM_PLUGIN_NAMES[0]}` : undefined;
      throw new KbError("bad-flag", `--plugins: unknown plugin ${JSON.stringify(name)}: kb edit knows ${HELM_PLUGIN_NAMES[0]} (also written ${HELM_PLUGIN_KEY})`, { hint });
    }
  }
  return "helm";
}
