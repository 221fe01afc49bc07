import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { parseProjectConfig, PROJECT_FILE } from "../../project-file/project-config.js";
import { chartFiles, readChartManifests, type ChartFile, type ManifestDirs } from "./chart-files.js";
import { HELM_PLUGIN_KEY, hasHelmPlugin } from "./helm-plugin.js";

/** A path relative to `root`, with `/` between its parts (as PROJECT and the chart name paths). */
function projectPath(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/**
 * The chart `kb generate` writes with the manifests, when the project at `root` records the
 * Helm plugin (`kb edit --plugins=helm/v2-alpha`): made from PROJECT and the manifests, those
 * generated now (`generated`, absolute paths) over those on disk. Undefined otherwise, and
 * outside a project (kb generate also runs on sources without a PROJECT).
 */
export function chartForGenerate(root: string, generated: readonly { path: string; content: string }[], dirs: ManifestDirs): ChartFile[] | undefined {
  const projectFile = join(root, PROJECT_FILE);
  // Read PROJECT only where it may record the plugin: a PROJECT kb cannot read stops kb generate only then.
  if (!existsSync(projectFile)) return undefined;
  const text = readFileSync(projectFile, "utf8");
  if (!text.includes(HELM_PLUGIN_KEY)) return undefined;
  const config = parseProjectConfig(text, projectFile);
  if (!hasHelmPlugin(config)) return undefined;
  const at = (dir: string) => projectPath(root, resolve(root, dir));
  const rel: ManifestDirs = { crdDir: at(dirs.crdDir), rbacDir: at(dirs.rbacDir), webhookDir: at(dirs.webhookDir) };
  // The manifests generated now, as they are in memory; the others (a target not generated) from disk.
  const manifests = readChartManifests(root, config, rel, new Map(generated.map((f) => [projectPath(root, f.path), f.content])));
  return chartFiles(config, manifests, rel);
}
