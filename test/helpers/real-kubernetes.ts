import { appendFileSync } from "node:fs";
import { findControlPlaneBinaries, KUBEBUILDER_ASSETS } from "../../src/testing/control-plane/assets.js";

/** The file where skipped real-Kubernetes suites are noted, for the run's summary (see ./global-setup.ts). */
export const SKIPPED_NOTES = process.env["KB_TEST_SKIPPED_NOTES"];

/**
 * The folder of kube-apiserver and etcd from `KUBEBUILDER_ASSETS`, or why the suites that need
 * them cannot run here.
 */
export function realAssets(): { directory: string } | { skip: string } {
  const directory = process.env[KUBEBUILDER_ASSETS];
  if (!directory) return { skip: `${KUBEBUILDER_ASSETS} is not set (KUBEBUILDER_ASSETS=$(npm run -s envtest:assets | tail -1) npm test runs them; it needs Go)` };
  try {
    findControlPlaneBinaries(directory);
  } catch (e) {
    return { skip: (e as Error).message };
  }
  return { directory };
}

/**
 * Whether a suite that needs a real API server can run; when not, the reason is noted for the
 * run's summary. Use as `describe.skipIf(skipReal("what the suite is"))(...)`.
 */
export function skipReal(suite: string): boolean {
  const found = realAssets();
  if ("directory" in found) return false;
  noteSkipped(suite, found.skip);
  return true;
}

/** Notes a skipped suite and why, for the summary printed at the end of the run. */
export function noteSkipped(suite: string, reason: string): void {
  if (SKIPPED_NOTES) appendFileSync(SKIPPED_NOTES, `${JSON.stringify({ suite, reason })}\n`);
}
