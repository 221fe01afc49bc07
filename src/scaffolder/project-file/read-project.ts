import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { KbError } from "../../diagnostics/index.js";
import { parseProjectConfig, PROJECT_FILE, type ProjectConfig } from "./project-config.js";

/** Where kb keeps the licence header of scaffolded files (kubebuilder: hack/boilerplate.go.txt). */
export const BOILERPLATE_FILE = "hack/boilerplate.txt";

/** A project's PROJECT and licence header, as the commands after `kb init` read them. */
export interface ProjectOnDisk {
  readonly config: ProjectConfig;
  readonly boilerplate: string;
}

/** Reads `<root>/PROJECT` (required) and `<root>/hack/boilerplate.txt` (optional). */
export function readProject(root: string): ProjectOnDisk {
  const file = join(root, PROJECT_FILE);
  if (!existsSync(file)) {
    throw new KbError("no-project", `no PROJECT file in ${root}`, { hint: "run kb init first, or run kb in the project's root" });
  }
  const config = parseProjectConfig(readFileSync(file, "utf8"), file);
  const boilerplatePath = join(root, BOILERPLATE_FILE);
  const boilerplate = existsSync(boilerplatePath) ? readFileSync(boilerplatePath, "utf8") : "";
  return { config, boilerplate };
}
