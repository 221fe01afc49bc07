import { clone, type JsonObject } from "./json.js";
import { apiVersionOf, type KindInfo, type ResolvedResource } from "./kind-info.js";
import { present } from "./present.js";

/** The admission operations a write goes through. */
export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE";

/** What the admission chain is told about a write, as the API server's admission attributes. */
export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  /** The requested resource, at the requested version. */
  readonly res: ResolvedResource;
  /** "" or "status". */
  readonly subresource: string;
  /** "" for cluster-scoped kinds. */
  readonly namespace: string;
  /** "" when the name is not known yet (a create with `generateName`, a delete of a collection). */
  readonly name: string;
  /** The new object at the requested version (CREATE, UPDATE); undefined for DELETE. */
  readonly object: JsonObject | undefined;
  /** The current object at the requested version (UPDATE, DELETE in the validating phase). */
  readonly oldObject: JsonObject | undefined;
  readonly dryRun: boolean;
  /** CreateOptions, UpdateOptions or DeleteOptions, as the webhooks get them. */
  readonly options: JsonObject;
}

/**
 * A point where a write waits for the admission chain: `mutating` is answered with the
 * object to go on with (`attributes.object` when nothing changed), `validating` with
 * undefined (or a throw that refuses the request). For custom resources, `decode` gives
 * the object as the API server decodes a request body (pruned and defaulted by the schema),
 * which is what mutating webhooks see; it is only computed when a webhook is called.
 */
export interface AdmissionStep {
  readonly kind: "admission";
  readonly phase: "mutating" | "validating";
  readonly attributes: AdmissionAttributes;
  readonly decode?: ((object: JsonObject) => JsonObject) | undefined;
}

/**
 * A point where a write converts custom resources between versions: answered with the
 * objects, in order, at `apiVersion` (conversion strategy None only changes `apiVersion`;
 * `Webhook` calls the CRD's conversion webhook).
 */
export interface ConversionStep {
  readonly kind: "conversion";
  readonly info: KindInfo;
  readonly objects: readonly JsonObject[];
  readonly apiVersion: string;
}

/** Where a write can wait. */
export type WriteStep = AdmissionStep | ConversionStep;

/**
 * A write taken apart at its waiting points: a generator that yields {@link WriteStep}s and
 * is resumed with their answers. Everything between two steps is synchronous; after a step
 * the write checks that what it read is still current before it commits.
 */
export type WriteSteps<T> = Generator<WriteStep, T, unknown>;

/**
 * Thrown by a write that found, after a step, that the stored object changed meanwhile and
 * that may simply start over (no resourceVersion precondition), as the API server's
 * `GuaranteedUpdate` retries. Never thrown when steps are answered synchronously.
 */
export class StaleWrite extends Error {
  constructor() {
    super("the stored object changed during admission; the write starts over");
    this.name = "StaleWrite";
  }
}

/** `object` (a copy) relabelled to `apiVersion`: conversion strategy None. */
export function relabel(object: JsonObject, apiVersion: string): JsonObject {
  const out = clone(object);
  out["apiVersion"] = apiVersion;
  return out;
}

/** The answer of a step when nothing is called: the object unchanged, conversions only relabel. */
export function answerNow(step: WriteStep): unknown {
  if (step.kind === "admission") return step.phase === "mutating" ? step.attributes.object : undefined;
  return step.objects.map((o) => relabel(o, step.apiVersion));
}

/** Runs a write with every step answered at once ({@link answerNow}): no webhooks, no conversion calls. */
export function runNow<T>(steps: WriteSteps<T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next(answerNow(r.value));
  return r.value;
}

/** Whether objects of `res` are stored at another version than the requested one (custom resources only). */
export function convertsOnStorage(res: ResolvedResource): boolean {
  return res.info.crdName !== undefined && res.version.name !== res.info.storageVersion;
}

/** A stored object as the requested version shows it, converting when the versions differ. */
export function* presentSteps(res: ResolvedResource, stored: JsonObject): WriteSteps<JsonObject> {
  if (!convertsOnStorage(res)) return present(res, stored);
  const [converted] = (yield { kind: "conversion", info: res.info, objects: [clone(stored)], apiVersion: res.apiVersion }) as JsonObject[];
  return present(res, converted!);
}

/** `object` (at the requested version; taken over) as it is stored, at the storage version. */
export function* toStorageSteps(res: ResolvedResource, object: JsonObject): WriteSteps<JsonObject> {
  const storageApiVersion = apiVersionOf(res.info.group, res.info.storageVersion);
  if (!convertsOnStorage(res)) {
    object["apiVersion"] = storageApiVersion;
    return object;
  }
  const [converted] = (yield { kind: "conversion", info: res.info, objects: [object], apiVersion: storageApiVersion }) as JsonObject[];
  return converted!;
}
