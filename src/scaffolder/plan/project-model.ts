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
  /** The licence text for Markdown (the README's License section): HTML's special characters escaped, or "". */
  readonly licenseMarkdown: string;
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
    licenseHeader: licenseHeader ? `/*\n${licenseLines(licenseHeader).map((l) => (l ? ` * ${l.replaceAll("*/", "*\\/")}` : " *")).join("\n")}\n */\n\n` : "",
    licenseHeaderHash: licenseHeader ? `${licenseLines(licenseHeader).map((l) => (l ? `# ${l}` : "#")).join("\n")}\n\n` : "",
    licenseMarkdown: licenseLines(licenseHeader).map(escapeHtml).join("\n"),
    resources: config.resources.map((r) => resourceModel(config, r)),
    leaderElectionId: `${createHash("sha256").update(`${config.projectName}.${config.domain}`).digest("hex").slice(0, 8)}.${config.domain}`,
  };
}

/**
 * The licence text's lines, without trailing blank ones. Every line break a language knows
 * (CR, LF, CRLF, U+2028, U+2029) ends a line, so each line of a comment gets its leader.
 */
function licenseLines(text: string): string[] {
  const lines = text.split(/\r\n|[\r\n\u2028\u2029]/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  return lines;
}

/** Text shown as itself in Markdown (or HTML): `&`, `<` and `>` as entities. */
function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
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
