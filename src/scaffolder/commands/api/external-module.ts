import { KbError } from "../../../diagnostics/index.js";
import type { ComputedFile, ScaffoldPlan } from "../../machinery/scaffold-plan.js";
import { splitExternalApiModule } from "../../plan/names.js";

/** The project's npm manifest, where an external kind's package becomes a dependency. */
export const PACKAGE_JSON = "package.json";

/**
 * The project's `package.json` with `module` (`--external-api-module`: a package and an
 * optional version, `*` without one) among its `dependencies`, as kubebuilder's
 * `go get <module>`; undefined when it is there already with that version. The dependencies
 * stay sorted, as npm writes them; `npm install` then fetches the package.
 * @example
 * ```ts
 * withExternalModule('{"dependencies":{"kubebuilder-ts":"^0.1.0"}}', "@acme/certmanager-types@1.2.0");
 * // package.json listing "@acme/certmanager-types": "1.2.0" before "kubebuilder-ts"
 * ```
 */
export function withExternalModule(packageJson: string | undefined, module: string): ComputedFile | undefined {
  if (packageJson === undefined) {
    throw new KbError("no-package-json", `--external-api-module ${module}: the project has no ${PACKAGE_JSON} to add it to`, { hint: "run kb in the root of a project kb init wrote" });
  }
  let manifest: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(packageJson);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new SyntaxError("expected an object");
    manifest = parsed as Record<string, unknown>;
  } catch (e) {
    throw new KbError("bad-package-json", `--external-api-module ${module}: ${PACKAGE_JSON} is not a JSON object (${(e as Error).message})`);
  }
  const { name, version } = splitExternalApiModule(module);
  const deps = manifest.dependencies ?? {};
  if (typeof deps !== "object" || deps === null || Array.isArray(deps)) throw new KbError("bad-package-json", `--external-api-module ${module}: the dependencies of ${PACKAGE_JSON} are not an object`);
  const current = deps as Record<string, unknown>;
  if (current[name] === version) return undefined;
  const sorted = Object.fromEntries(Object.entries({ ...current, [name]: version }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { path: PACKAGE_JSON, content: `${JSON.stringify({ ...manifest, dependencies: sorted }, null, 2)}\n`, ifExists: "overwrite" };
}

/** `plan`, also adding `module` (if any) to the dependencies of the project's package.json as `tree` holds it. */
export function planWithExternalModule(plan: ScaffoldPlan, read: (path: string) => string | undefined, module: string | undefined): ScaffoldPlan {
  if (module === undefined) return plan;
  const file = withExternalModule(read(PACKAGE_JSON), module);
  return file ? { ...plan, computed: [...plan.computed, file] } : plan;
}
