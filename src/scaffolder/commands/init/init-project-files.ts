import { ownPackageJson } from "../../../package-root.js";
import { mirrored, type PlanPart } from "../plan-parts.js";
import type { ProjectModel } from "../../plan/project-model.js";
import { kbDependencySpec, type KbPackage } from "./kb-package.js";

/** The project's own files that `kb init` writes outside `config/` (hack/boilerplate.txt is computed by the plan). */
const PROJECT_FILES = [
  ".dockerignore",
  ".github/workflows/lint.yml",
  ".github/workflows/test-e2e.yml",
  ".github/workflows/test.yml",
  ".gitignore",
  ".prettierignore",
  ".prettierrc.json",
  "Dockerfile",
  "README.md",
  "eslint.config.js",
  "hack/bundle.js",
  "package.json",
  "src/main.ts",
  "test/e2e/kubectl.ts",
  "test/e2e/manager.test.ts",
  "test/e2e/vitest.config.ts",
  "tsconfig.build.json",
  "tsconfig.json",
  "vitest.config.ts",
] as const;

/** Versions of tools that the scaffolded package.json takes from kubebuilder-ts's own. */
interface ToolVersions {
  /**
   * The project's prettier: the range kubebuilder-ts formats scaffolded files with, so that
   * `prettier --check` in the project agrees with what kb wrote.
   */
  readonly prettier: string;
}

let toolVersions: ToolVersions | undefined;

/** The tool versions of this kubebuilder-ts installation, from its package.json. */
function ownToolVersions(): ToolVersions {
  if (toolVersions === undefined) {
    const prettier = ownPackageJson().dependencies?.prettier;
    if (!prettier) throw new Error("kubebuilder-ts's package.json has no prettier dependency");
    toolVersions = { prettier };
  }
  return toolVersions;
}

/**
 * The project's own files that `kb init` writes, outside `config/`: package.json, tsconfig,
 * the manager's entry point, lint and format settings, Dockerfile, CI, README, e2e tests.
 * package.json depends on `kbPackage` (default: the registry's `^<kbVersion>`); a vendored
 * tarball is also copied into the image build by the Dockerfile.
 */
export function initProjectFiles(project: ProjectModel, kbPackage?: KbPackage): PlanPart {
  const kb = kbPackage ?? { kind: "registry", version: project.kbVersion };
  const data: Partial<Record<string, Record<string, unknown>>> = {
    "package.json": { toolVersions: ownToolVersions(), kbDependency: kbDependencySpec(kb) },
    Dockerfile: { kbTarball: kb.kind === "vendored" ? kb.file : undefined },
  };
  return {
    templates: PROJECT_FILES.map((path) => {
      const extra = data[path];
      return extra ? { ...mirrored("init", path), data: extra } : mirrored("init", path);
    }),
    insertions: [],
  };
}
