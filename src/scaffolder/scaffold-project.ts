import { existsSync } from "node:fs";
import { join } from "node:path";
import { KbError } from "../diagnostics/index.js";
import { VirtualTree } from "../tree/index.js";
import { planCreateApi, type CreateApiRequest } from "./commands/api/plan-create-api.js";
import { planInit, type InitRequest } from "./commands/init/plan-init.js";
import { planCreateWebhook, type CreateWebhookRequest } from "./commands/webhook/plan-create-webhook.js";
import { applyPlan } from "./machinery/apply-plan.js";
import { PROJECT_FILE } from "./project-file/project-config.js";
import { readProject } from "./project-file/read-project.js";

/** What to do after the files are on disk (never on a dry run). */
export type FollowUp = "install" | "generate";

/** The outcome of a scaffolding command: a tree holding every change, not yet committed. */
export interface Scaffolded {
  readonly tree: VirtualTree;
  /** Shared files that were already there and were left alone. */
  readonly kept: readonly string[];
  readonly followUps: readonly FollowUp[];
}

/** `kb init`: a new project in `root`. */
export async function scaffoldInit(root: string, req: InitRequest & { skipInstall: boolean }): Promise<Scaffolded> {
  if (existsSync(join(root, PROJECT_FILE))) {
    throw new KbError("already-initialised", `${join(root, PROJECT_FILE)} exists: this directory already holds a project`, {
      hint: "use kb create api / kb create webhook to add to it, or kb alpha generate to re-scaffold it",
    });
  }
  const tree = new VirtualTree(root);
  const { kept } = await applyPlan(planInit(req), tree);
  return { tree, kept, followUps: req.skipInstall ? [] : ["install"] };
}

/** `kb create api` in the project at `root`. */
export async function scaffoldApi(root: string, kbVersion: string, req: CreateApiRequest): Promise<Scaffolded> {
  const { config, boilerplate } = readProject(root);
  const { plan } = planCreateApi(config, boilerplate, kbVersion, req);
  const tree = new VirtualTree(root);
  const { kept } = await applyPlan(plan, tree, { force: req.force });
  return { tree, kept, followUps: ["generate"] };
}

/** `kb create webhook` in the project at `root`. */
export async function scaffoldWebhook(root: string, kbVersion: string, req: CreateWebhookRequest): Promise<Scaffolded> {
  const { config, boilerplate } = readProject(root);
  const { plan } = planCreateWebhook(config, boilerplate, kbVersion, req);
  const tree = new VirtualTree(root);
  const { kept } = await applyPlan(plan, tree, { force: req.force });
  return { tree, kept, followUps: ["generate"] };
}
