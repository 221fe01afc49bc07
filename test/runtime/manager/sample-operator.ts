import {
  addFinalizer,
  createOrUpdate,
  removeFinalizer,
  setControllerReference,
  setStatusCondition,
  type Condition,
} from "../../../src/runtime/helpers/index.js";
import { ConfigMap, defineResource, isNotFound, requestKey, type Client, type KubernetesObject, type Reconciler } from "../../../src/runtime/index.js";

export interface Greeting extends KubernetesObject {
  spec: { message: string };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

export const GreetingResource = defineResource<Greeting>({ group: "example.com", version: "v1", kind: "Greeting", plural: "greetings", namespaced: true });

export const FINALIZER = "example.com/cleanup";

/**
 * The sample operator: a Greeting owns a ConfigMap `<name>-greeting` holding its message;
 * a finalizer deletes the ConfigMap explicitly on delete; a Ready condition reports progress.
 * It records every reconcile and fails if one key is ever reconciled twice at once.
 */
export class GreetingReconciler implements Reconciler<Client> {
  readonly inFlight = new Set<string>();
  readonly calls: string[] = [];
  overlaps = 0;
  cleanedUp: string[] = [];

  async reconcile(req: { namespace?: string; name: string }, ctx: { client: Client }): Promise<void> {
    const key = requestKey(req);
    if (this.inFlight.has(key)) this.overlaps++;
    this.inFlight.add(key);
    this.calls.push(key);
    try {
      await this.reconcileOnce(req, ctx.client);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async reconcileOnce(req: { namespace?: string; name: string }, client: Client): Promise<void> {
    let greeting: Greeting;
    try {
      greeting = await client.get(GreetingResource, req);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const cmName = `${req.name}-greeting`;
    if (greeting.metadata?.deletionTimestamp) {
      try {
        await client.delete(ConfigMap, { namespace: req.namespace, name: cmName });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.cleanedUp.push(req.name);
      if (removeFinalizer(greeting, FINALIZER)) await client.update(GreetingResource, greeting);
      return;
    }
    if (addFinalizer(greeting, FINALIZER)) {
      greeting = await client.update(GreetingResource, greeting);
    }
    const cm: ConfigMap = { metadata: { name: cmName, namespace: req.namespace } };
    await createOrUpdate(client, ConfigMap, cm, (obj) => {
      obj.data = { message: greeting.spec.message };
      setControllerReference(greeting, GreetingResource, obj);
    });
    const status = { ...greeting.status, conditions: [...(greeting.status?.conditions ?? [])] };
    const changed = setStatusCondition(status.conditions, {
      type: "Ready",
      status: "True",
      reason: "ConfigMapReady",
      message: `ConfigMap ${cmName} holds the message`,
      observedGeneration: greeting.metadata?.generation,
    });
    if (changed || status.observedGeneration !== greeting.metadata?.generation) {
      status.observedGeneration = greeting.metadata?.generation;
      await client.updateStatus(GreetingResource, { ...greeting, status });
    }
  }
}
