import { describe, expect, it } from "vitest";
import { admitObject } from "../../../src/testing/schema/index.js";
import { cronJob, goldenSchema } from "./helpers.js";
import { cpuTimed } from "../../helpers/cpu-time.js";

describe("performance", () => {
  it("admits 10,000 CronJobs (a PodSpec-sized schema) in well under two seconds", () => {
    const schema = goldenSchema("cronjob-tutorial", "batch.tutorial.kubebuilder.io_cronjobs.yaml");
    const objects = Array.from({ length: 10_000 }, (_, i) => cronJob(`job-${i}`));
    admitObject(schema, objects[0], undefined); // compile once
    let stored: unknown;
    // CPU time: a loaded machine stretches wall-clock time, not this process's work.
    const { ms } = cpuTimed(() => {
      for (const o of objects) {
        const r = admitObject(schema, o, stored);
        if (r.causes.length > 0) throw new Error(JSON.stringify(r.causes));
        stored = r.object;
      }
    });
    console.log(`schema admission: 10,000 CronJobs in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);
  });
});
