import { Gauge, type Registry } from "prom-client";
import { registeredMetric } from "./registered-metric.js";

/**
 * client-go's leader election gauge, as controller-runtime registers it
 * (`pkg/metrics/leaderelection.go`): `leader_election_master_status{name}` is 1 while this
 * process holds the lease `name`, 0 while it is a candidate or after it lost or released it.
 * Several instances on one registry share the gauge.
 */
export class LeaderElectionMetrics {
  readonly masterStatus: Gauge<"name">;

  constructor(registry: Registry) {
    this.masterStatus = registeredMetric(registry, "leader_election_master_status", Gauge, () =>
      new Gauge({
        name: "leader_election_master_status",
        help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
        labelNames: ["name"],
        registers: [registry],
      }),
    );
  }

  /** Records whether this process leads on the lease `name`. */
  setLeading(name: string, leading: boolean): void {
    this.masterStatus.set({ name }, leading ? 1 : 0);
  }
}
