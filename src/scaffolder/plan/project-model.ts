import { createHash } from "node:crypto";
import type { ProjectConfig } from "../project-file/project-config.js";
import { resourceModel, type ResourceModel } from "./resource-model.js";

/** The licences `kb init --license` offers. */
export const LICENSES = ["apache2", "none"] as const;
export type License = (typeof LICENSES)[number];

/** What `kb init` asked for that PROJECT does not record (kubebuilder keeps it in hack/boilerplate). */
export interface InitOptions {
  readonly owner: string;
  readonly license: License;
  readonly year: number;
}

/** The template view of the project: PROJECT plus what templates derive from it. */
export interface ProjectModel {
  readonly domain: string;
  readonly projectName: string;
  readonly multigroup: boolean;
  readonly namespaced: boolean;
  /** The version of kubebuilder-ts writing the files; package.json depends on `^` it. */
  readonly kbVersion: string;
  /** The licence header of every source file (a `/* ... *\/` block and a blank line), or "". */
  readonly licenseHeader: string;
  /** The same text with `#` comments, for YAML and Dockerfiles. */
  readonly licenseHeaderHash: string;
  readonly resources: readonly ResourceModel[];
  /** The manager's leader-election Lease name: 8 hex digits of the project's name, then its domain. */
  readonly leaderElectionId: string;
}

/** Builds the template view of the project. */
export function projectModel(config: ProjectConfig, kbVersion: string, licenseHeader: string): ProjectModel {
  return {
    domain: config.domain,
    projectName: config.projectName,
    multigroup: config.multigroup === true,
    namespaced: config.namespaced === true,
    kbVersion,
    licenseHeader: licenseHeader ? `/*\n${licenseHeader.replace(/\n$/, "").split("\n").map((l) => (l ? ` * ${l}` : " *")).join("\n")}\n */\n\n` : "",
    licenseHeaderHash: licenseHeader ? `${licenseHeader.replace(/\n$/, "").split("\n").map((l) => (l ? `# ${l}` : "#")).join("\n")}\n\n` : "",
    resources: config.resources.map((r) => resourceModel(config, r)),
    leaderElectionId: `${createHash("sha256").update(`${config.projectName}.${config.domain}`).digest("hex").slice(0, 8)}.${config.domain}`,
  };
}

/** The licence text kb init records in `hack/boilerplate.txt` (plain text, no comment leaders). */
export function boilerplateText(options: InitOptions): string {
  if (options.license === "none") return options.owner ? `Copyright ${options.year} ${options.owner}.\n` : "";
  const owner = options.owner ? ` ${options.owner}` : "";
  return `Copyright ${options.year}${owner}.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
`;
}
