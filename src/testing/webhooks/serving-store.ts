import type { DeleteOutcome, DeleteRequest } from "../store/deletion.js";
import { isObject, type JsonObject } from "../store/json.js";
import { apiVersionOf, type ResolvedResource } from "../store/kind-info.js";
import type { ListRequest, ListResult } from "../store/list.js";
import type { ObjectStore } from "../store/object-store.js";
import { present } from "../store/present.js";
import { conflict, StatusError } from "../store/status-error.js";
import { convertsOnStorage, StaleWrite, type WriteStep, type WriteSteps } from "../store/steps.js";
import type { PatchRequest, UpdateRequest, WriteRequest } from "../store/write.js";
import type { WatchHandle, WatchRequest } from "../watch/start-watch.js";
import type { WatchEvent, WatchSink } from "../watch/watch-hub.js";
import { AdmissionDispatcher, type RequestContext } from "./admission-dispatch.js";
import { CrdConversions } from "./crd-conversion.js";

/** How often a write starts over when what it read changed while webhooks were called. */
const MAX_ATTEMPTS = 10;

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * The store as the test API server serves it: writes go through the admission webhooks of
 * the stored Mutating- and ValidatingWebhookConfigurations, and custom resources whose CRD
 * converts through a webhook are converted by it when read, listed, watched or written at a
 * version other than the storage version.
 *
 * The store itself is synchronous; a write is a generator of steps (see `store/steps.ts`)
 * that this class drives: a step no webhook is concerned with is answered at once, so a
 * request that calls no webhook runs in one synchronous piece, exactly as before; a step
 * that calls a webhook waits for it, and after it the write checks that the object it read
 * is still the stored one. If not, the write starts over (re-reading, re-patching, calling
 * the webhooks again), as the API server's `GuaranteedUpdate` retries; with a
 * resourceVersion precondition the retry ends in the usual 409 Conflict.
 */
export class ServingStore {
  readonly conversions = new CrdConversions();
  readonly admission: AdmissionDispatcher;

  constructor(readonly store: ObjectStore) {
    this.admission = new AdmissionDispatcher(store, this.conversions);
  }

  /** Whether reads of `res` need the CRD's conversion webhook. */
  converts(res: ResolvedResource): boolean {
    return convertsOnStorage(res) && this.conversions.usesWebhook(res.info);
  }

  #answer(step: WriteStep, context: RequestContext): unknown {
    return step.kind === "conversion" ? this.conversions.answer(step) : this.admission.answer(step, context);
  }

  /** Drives one attempt; synchronous until a step's answer is a promise. */
  async #drive<T>(steps: WriteSteps<T>, context: RequestContext): Promise<T> {
    let next = steps.next();
    try {
      while (!next.done) {
        let answer = this.#answer(next.value, context);
        if (answer instanceof Promise) answer = await answer;
        next = steps.next(answer);
      }
    } finally {
      if (!next.done) steps.return(undefined as T);
    }
    return next.value;
  }

  /** Runs a write, starting over when it went stale (see the class comment). */
  async #run<T>(make: () => WriteSteps<T>, context: RequestContext, conflictOn: () => StatusError): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#drive(make(), context);
      } catch (e) {
        if (!(e instanceof StaleWrite)) throw e;
        if (attempt >= MAX_ATTEMPTS) throw conflictOn();
      }
    }
  }

  /** Converts objects read at the storage version (labelled with the requested version by the store) to the requested version. */
  async #fromStorage(res: ResolvedResource, objects: readonly JsonObject[]): Promise<JsonObject[]> {
    const storageApiVersion = apiVersionOf(res.info.group, res.info.storageVersion);
    const stored = objects.map((o) => ({ ...o, apiVersion: storageApiVersion }));
    const converted = await this.conversions.convert(res.info, stored, res.apiVersion);
    return converted.map((o) => present(res, o));
  }

  /** GET one object. */
  async get(res: ResolvedResource, namespace: string | undefined, name: string): Promise<JsonObject> {
    const object = this.store.get(res, namespace, name);
    if (!this.converts(res)) return object;
    return (await this.#fromStorage(res, [object]))[0]!;
  }

  /** GET a collection (one ConversionReview for the page). */
  async list(res: ResolvedResource, request: ListRequest): Promise<ListResult> {
    const result = this.store.list(res, request);
    if (!this.converts(res) || result.items.length === 0) return result;
    return { ...result, items: await this.#fromStorage(res, result.items) };
  }

  create(res: ResolvedResource, namespace: string | undefined, body: unknown, request: WriteRequest, context: RequestContext): Promise<JsonObject> {
    const name = isObject(body) && isObject(body["metadata"]) ? str(body["metadata"]["name"]) : "";
    return this.#run(() => this.store.steps.create(res, namespace, body, request), context, () => conflict(res.groupResource, name));
  }

  update(res: ResolvedResource, namespace: string | undefined, name: string, body: unknown, request: UpdateRequest, context: RequestContext): Promise<JsonObject> {
    return this.#run(() => this.store.steps.update(res, namespace, name, body, request), context, () => conflict(res.groupResource, name));
  }

  patch(res: ResolvedResource, namespace: string | undefined, name: string, request: PatchRequest, context: RequestContext): Promise<{ object: JsonObject; created: boolean }> {
    return this.#run(() => this.store.steps.patch(res, namespace, name, request), context, () => conflict(res.groupResource, name));
  }

  delete(res: ResolvedResource, namespace: string | undefined, name: string, request: DeleteRequest, context: RequestContext): Promise<DeleteOutcome> {
    return this.#run(() => this.store.steps.delete(res, namespace, name, request), context, () => conflict(res.groupResource, name));
  }

  /** DELETE on a collection: each selected object deleted as a delete request would (its admission included). */
  async deleteCollection(res: ResolvedResource, request: ListRequest & DeleteRequest, context: RequestContext): Promise<DeleteOutcome[]> {
    const { items } = this.store.list(res, { namespace: request.namespace, labelSelector: request.labelSelector, fieldSelector: request.fieldSelector });
    const out: DeleteOutcome[] = [];
    for (const item of items) {
      const m = isObject(item["metadata"]) ? item["metadata"] : {};
      try {
        out.push(await this.delete(res, str(m["namespace"]) || undefined, str(m["name"]), request, context));
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return out;
  }

  /**
   * Starts a watch. At a version the CRD converts to through a webhook, each event's object is
   * converted, in order, before it is sent; a failed conversion ends the watch, as the API
   * server ends a watch whose event it cannot encode.
   */
  watch(res: ResolvedResource, request: WatchRequest, sink: WatchSink): WatchHandle {
    if (!this.converts(res)) return this.store.watch(res, request, sink);
    let queue: Promise<void> = Promise.resolve();
    let failed = false;
    let handle: WatchHandle | undefined;
    const convertEvent = async (e: WatchEvent): Promise<WatchEvent> => {
      if (e.type !== "ADDED" && e.type !== "MODIFIED" && e.type !== "DELETED") return e;
      const [object] = await this.#fromStorage(res, [e.object]);
      return { type: e.type, object: object! };
    };
    const converting: WatchSink = {
      event: (e) => {
        queue = queue.then(async () => {
          if (failed) return;
          try {
            sink.event(await convertEvent(e));
          } catch {
            failed = true;
            handle?.stop();
          }
        });
      },
      end: () => {
        queue = queue.then(() => sink.end());
      },
    };
    handle = this.store.watch(res, request, converting);
    return handle;
  }
}
