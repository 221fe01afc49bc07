import type { Client } from "../client/types.js";
import { isAlreadyExists } from "../errors.js";
import { Event, type KubernetesObject, type Resource } from "../resource.js";
import { formatTime } from "../wire.js";
import type { Logger } from "../log/logger.js";

/** "Normal" or "Warning", as Kubernetes events are. */
export type EventType = "Normal" | "Warning";

/** What records Events about objects: an {@link EventRecorder}, or a test's own. */
export interface Recorder {
  /** Records an event; resolves when it is recorded (never rejects). */
  event(object: KubernetesObject, resource: Resource, type: EventType, reason: string, message: string): Promise<void>;
}

/**
 * A recorder that only logs (at info level, warnings at warn): what a controller built
 * without a client to write Events through hands its reconciles.
 */
export function loggingRecorder(log: Logger): Recorder {
  return {
    async event(object, resource, type, reason, message) {
      const fields = { event: { type, reason, message }, object: `${resource.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata?.name ?? ""}` };
      if (type === "Warning") log.warn(fields, "event");
      else log.info(fields, "event");
    },
  };
}

/**
 * Records Kubernetes Events about objects, as controller-runtime's recorder: the same
 * event about the same object within the aggregation window bumps `count` on the existing
 * Event instead of creating another. Recording never throws: failures are logged.
 * @example
 * ```ts
 * recorder.event(cronJob, CronJobResource, "Normal", "Scheduled", "created job cj-123");
 * ```
 */
export class EventRecorder implements Recorder {
  private readonly recent = new Map<string, { name: string; namespace: string; count: number; first: string }>();

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records an event; resolves when it is written (or logged as failed). */
  async event(object: KubernetesObject, resource: Resource, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = object.metadata?.namespace || "default";
    const name = object.metadata?.name ?? "";
    const key = `${resource.key}|${namespace}|${name}|${type}|${reason}|${message}`;
    const stamp = formatTime(this.now());
    const seen = this.recent.get(key);
    try {
      if (seen) {
        seen.count++;
        await this.client.patch(Event, { namespace: seen.namespace, name: seen.name }, { count: seen.count, lastTimestamp: stamp }, { type: "merge" });
        return;
      }
      const eventName = `${name}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
      const body: Event = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: eventName, namespace },
        involvedObject: {
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          name,
          namespace: object.metadata?.namespace,
          uid: object.metadata?.uid,
          resourceVersion: object.metadata?.resourceVersion,
        },
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: stamp,
        lastTimestamp: stamp,
        source: { component: this.component },
        reportingComponent: this.component,
      };
      await this.client.create(Event, body);
      this.recent.set(key, { name: eventName, namespace, count: 1, first: stamp });
      if (this.recent.size > 4096) this.recent.delete(this.recent.keys().next().value!);
    } catch (e) {
      if (isAlreadyExists(e)) return;
      this.log.warn({ err: e, reason, object: `${namespace}/${name}` }, "could not record event");
    }
  }
}
