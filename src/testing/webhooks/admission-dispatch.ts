import { randomUUID } from "node:crypto";
import fastJsonPatch from "fast-json-patch";
import { TEST_CONTEXT } from "../env/kubeconfig.js";
import { clone, deepEqual, isObject, type JsonObject } from "../store/json.js";
import { apiVersionOf, type ResolvedResource } from "../store/kind-info.js";
import type { ObjectStore } from "../store/object-store.js";
import { badRequest, forbidden, internalError, notFound, StatusError, type ApiStatus } from "../store/status-error.js";
import type { AdmissionAttributes, AdmissionStep } from "../store/steps.js";
import {
  evaluateConditions,
  ruleMatches,
  selectorMatches,
  storedWebhooks,
  type AdmissionWebhook,
  type Gvr,
  type RuleRequest,
} from "./admission-webhooks.js";
import type { CrdConversions } from "./crd-conversion.js";
import { postToWebhook, WebhookCallError } from "./webhook-call.js";

/** What one request collects while it is admitted: the webhooks' warnings, for `Warning` headers. */
export interface RequestContext {
  readonly warnings: string[];
}

/** The user the in-process server says made every request (it has no authentication). */
export const TEST_USER = { username: TEST_CONTEXT, groups: ["system:masters", "system:authenticated"] } as const;

/** A webhook selected by its rules: the resource and kind it is called with (another version under matchPolicy Equivalent). */
interface Invocation {
  readonly webhook: AdmissionWebhook;
  readonly resource: Gvr;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
}

/** A failure to call a webhook (or a bad answer): its failurePolicy decides. */
class CallFailure extends Error {}

/** The outcome of one webhook call. */
interface Called {
  /** Whether the webhook was called (its selectors and match conditions held). */
  readonly invoked: boolean;
  /** The object after its patch (mutating), at the request's version. */
  readonly object?: JsonObject | undefined;
  readonly changed?: boolean;
}

const ADMISSION_CONFIGURATION_KINDS = new Set([
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
]);

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const labelsOf = (o: JsonObject | undefined): unknown => (o && isObject(o["metadata"]) ? o["metadata"]["labels"] : undefined);
const isNamespaces = (res: ResolvedResource): boolean => res.info.builtin && res.storageKey === "/namespaces";

/** The Status of a denial, as the API server's `ToStatusErr` builds it from the webhook's result. */
export function denial(webhookName: string, result: unknown): StatusError {
  const r = isObject(result) ? clone(result) : {};
  const code = typeof r["code"] === "number" && r["code"] >= 400 ? r["code"] : 400;
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const message = str(r["message"]) ? `${deniedBy}: ${str(r["message"])}` : str(r["reason"]) ? `${deniedBy}: ${str(r["reason"])}` : `${deniedBy} without explanation`;
  const status = { kind: "Status", apiVersion: "v1", metadata: isObject(r["metadata"]) ? r["metadata"] : {}, status: "Failure", message } as Record<string, unknown>;
  if (str(r["reason"])) status["reason"] = r["reason"];
  if (isObject(r["details"])) status["details"] = r["details"];
  status["code"] = code;
  return new StatusError(status as unknown as ApiStatus);
}

/**
 * The API server's admission webhooks, over the store's stored configurations: for a write's
 * admission step, the webhooks whose rules (operations, groups, versions, resources with
 * subresources, scope; other versions of the kind under matchPolicy Equivalent),
 * namespaceSelector, objectSelector and matchConditions select the request are called with an
 * AdmissionReview over HTTPS: mutating ones in order (configurations by name), each getting
 * the object as the previous one patched it (reinvoked once when `reinvocationPolicy:
 * IfNeeded` and a later webhook changed it); validating ones in parallel. Denials, failures
 * and failurePolicy give the API server's Status answers. A step no webhook's rules select is
 * answered synchronously.
 */
export class AdmissionDispatcher {
  constructor(
    private readonly store: ObjectStore,
    private readonly conversions: CrdConversions,
  ) {}

  /** Answers an admission step: at once when no webhook's rules select it, else a promise. */
  answer(step: AdmissionStep, context: RequestContext): unknown {
    const attrs = step.attributes;
    const unchanged = step.phase === "mutating" ? attrs.object : undefined;
    if (attrs.res.info.group === "admissionregistration.k8s.io" && ADMISSION_CONFIGURATION_KINDS.has(attrs.res.info.kind)) return unchanged;
    const hooks = storedWebhooks(this.store, step.phase);
    if (hooks.length === 0) return unchanged;
    const candidates = hooks.filter((h) => this.#invocation(h, attrs) !== undefined);
    if (candidates.length === 0) return unchanged;
    return step.phase === "mutating" ? this.#mutate(step, candidates, context) : this.#validate(step, candidates, context);
  }

  /** The request as rules see it. */
  #ruleRequest(attrs: AdmissionAttributes): RuleRequest {
    return {
      operation: attrs.operation,
      resource: { group: attrs.res.info.group, version: attrs.res.version.name, resource: attrs.res.info.plural },
      subresource: attrs.subresource,
      namespace: isNamespaces(attrs.res) ? attrs.name : attrs.namespace,
    };
  }

  /** Whether `webhook`'s rules select the request, and with which resource and kind. */
  #invocation(webhook: AdmissionWebhook, attrs: AdmissionAttributes): Invocation | undefined {
    const request = this.#ruleRequest(attrs);
    const { info } = attrs.res;
    for (const rule of webhook.rules) {
      if (ruleMatches(rule, request)) return { webhook, resource: request.resource, kind: { group: info.group, version: attrs.res.version.name, kind: info.kind } };
    }
    if (webhook.matchPolicy !== "Equivalent") return undefined;
    for (const rule of webhook.rules) {
      for (const v of info.versions) {
        if (v.name === attrs.res.version.name) continue;
        const resource = { ...request.resource, version: v.name };
        if (ruleMatches(rule, { ...request, resource })) return { webhook, resource, kind: { group: info.group, version: v.name, kind: info.kind } };
      }
    }
    return undefined;
  }

  /** Whether the namespace and object selectors select the request (a Status when they cannot be evaluated). */
  #selected(webhook: AdmissionWebhook, attrs: AdmissionAttributes, object: JsonObject | undefined): boolean {
    const nsSelector = webhook.namespaceSelector;
    const namespaces = isNamespaces(attrs.res);
    const namespace = namespaces ? attrs.name : attrs.namespace;
    if (namespace !== "" || namespaces) {
      if (nsSelector instanceof Error) throw internalError(nsSelector.message);
      if (nsSelector.length > 0) {
        let labels: unknown;
        if (namespaces && attrs.subresource === "" && (attrs.operation === "CREATE" || attrs.operation === "UPDATE")) labels = labelsOf(object);
        else {
          const nsRes = this.store.resolve("", "v1", "namespaces");
          let ns: JsonObject;
          try {
            ns = this.store.get(nsRes, undefined, namespace);
          } catch (e) {
            if (e instanceof StatusError && e.code === 404) throw notFound({ group: "", resource: "namespaces" }, namespace);
            throw e;
          }
          labels = labelsOf(ns);
        }
        if (!selectorMatches(nsSelector, labels)) return false;
      }
    }
    const objSelector = webhook.objectSelector;
    if (objSelector instanceof Error) throw internalError(objSelector.message);
    if (objSelector.length === 0) return true;
    const matches = (o: JsonObject | undefined): boolean => o !== undefined && selectorMatches(objSelector, labelsOf(o));
    return matches(object) || matches(attrs.oldObject);
  }

  /** `object` at the invocation's version (converted when the webhook registered for another version). */
  async #at(res: ResolvedResource, object: JsonObject | undefined, version: string): Promise<JsonObject | undefined> {
    if (!object || version === res.version.name) return object;
    const [converted] = await this.conversions.convert(res.info, [object], apiVersionOf(res.info.group, version));
    return converted;
  }

  /**
   * Calls one webhook if its selectors and match conditions select the request. Failures to
   * call it follow its failurePolicy; denials and other errors throw the API server's Status.
   */
  async #call(invocation: Invocation, phase: "mutating" | "validating", attrs: AdmissionAttributes, object: JsonObject | undefined, context: RequestContext): Promise<Called> {
    const { webhook } = invocation;
    if (!this.#selected(webhook, attrs, object)) return { invoked: false };
    const res = attrs.res;
    const versionedObject = await this.#at(res, object, invocation.kind.version);
    const versionedOld = await this.#at(res, attrs.oldObject, invocation.kind.version);
    const uid = randomUUID();
    const namespace = this.#ruleRequest(attrs).namespace;
    const request: JsonObject = {
      uid,
      kind: { ...invocation.kind },
      resource: { ...invocation.resource },
      ...(attrs.subresource ? { subResource: attrs.subresource } : {}),
      requestKind: { group: res.info.group, version: res.version.name, kind: res.info.kind },
      requestResource: { group: res.info.group, version: res.version.name, resource: res.info.plural },
      ...(attrs.subresource ? { requestSubResource: attrs.subresource } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(namespace ? { namespace } : {}),
      operation: attrs.operation,
      userInfo: { username: TEST_USER.username, groups: [...TEST_USER.groups] },
      object: versionedObject ?? null,
      oldObject: versionedOld ?? null,
      dryRun: attrs.dryRun,
      options: attrs.options,
    };
    const conditions = evaluateConditions(webhook, { object: versionedObject, oldObject: versionedOld, request });
    if (conditions.kind === "skip") return { invoked: false };
    if (conditions.kind === "error") throw forbidden(res.groupResource, attrs.name, conditions.error);
    try {
      if (attrs.dryRun) {
        if (webhook.sideEffects === undefined) throw new CallFailure("Webhook SideEffects is nil");
        if (webhook.sideEffects !== "None" && webhook.sideEffects !== "NoneOnDryRun") throw badRequest(`admission webhook "${webhook.name}" does not support dry run`);
      }
      const reviewVersion = webhook.admissionReviewVersions.find((v) => v === "v1" || v === "v1beta1");
      if (!reviewVersion) throw new CallFailure("could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)");
      if (!webhook.url) {
        throw new CallFailure(
          `could not get REST client: the webhook's clientConfig names the service "${webhook.service ?? ""}", which the in-process test API server cannot reach: install webhooks with webhookInstallOptions, which points them at the local webhook server's URL`,
        );
      }
      const reviewApiVersion = `admission.k8s.io/${reviewVersion}`;
      let answer: unknown;
      try {
        answer = await postToWebhook({ url: webhook.url, caBundle: webhook.caBundle }, { apiVersion: reviewApiVersion, kind: "AdmissionReview", request }, webhook.timeoutSeconds * 1000);
      } catch (e) {
        if (e instanceof WebhookCallError) throw new CallFailure(`failed to call webhook: ${e.message}`);
        throw e;
      }
      const response = verifyResponse(answer, reviewApiVersion, uid, phase === "mutating");
      for (const w of response.warnings) context.warnings.push(w);
      if (!response.allowed) throw denial(webhook.name, response.result);
      if (phase === "validating" || response.patch === undefined) return { invoked: true, object, changed: false };
      return { invoked: true, ...(await this.#applyPatch(webhook, response, res, object, versionedObject)) };
    } catch (e) {
      if (!(e instanceof CallFailure)) throw e;
      if (webhook.failurePolicy === "Ignore") return { invoked: true, object, changed: false };
      throw internalError(`failed calling webhook "${webhook.name}": ${e.message}`);
    }
  }

  /** Applies a mutating webhook's JSON patch to the object at its version, and converts the result back. */
  async #applyPatch(
    webhook: AdmissionWebhook,
    response: VerifiedResponse,
    res: ResolvedResource,
    object: JsonObject | undefined,
    versioned: JsonObject | undefined,
  ): Promise<{ object: JsonObject | undefined; changed: boolean }> {
    let operations: unknown;
    try {
      operations = JSON.parse(Buffer.from(response.patch!, "base64").toString("utf8"));
      if (!Array.isArray(operations)) throw new Error("a JSON patch is an array of operations");
    } catch (e) {
      throw new CallFailure(`received undecodable patch in webhook response: ${(e as Error).message}`);
    }
    if (operations.length === 0) return { object, changed: false };
    if (!versioned) throw internalError(`admission webhook "${webhook.name}" attempted to modify the object, which is not supported for this operation`);
    if (response.patchType !== "JSONPatch") throw new CallFailure(`unsupported patch type "${response.patchType ?? ""}"`);
    let patched: unknown;
    try {
      patched = fastJsonPatch.applyPatch(clone(versioned), operations as fastJsonPatch.Operation[], true, true).newDocument;
    } catch (e) {
      throw internalError(e instanceof Error ? e.message.split("\n")[0]! : String(e));
    }
    if (!isObject(patched)) throw internalError(`admission webhook "${webhook.name}" patched the object into something that is not an object`);
    const changed = !deepEqual(patched, versioned);
    if (!changed) return { object, changed: false };
    const back = patched["apiVersion"] === res.apiVersion ? patched : (await this.conversions.convert(res.info, [patched], res.apiVersion))[0]!;
    return { object: back, changed: true };
  }

  async #mutate(step: AdmissionStep, candidates: readonly AdmissionWebhook[], context: RequestContext): Promise<JsonObject | undefined> {
    const attrs = step.attributes;
    let object = attrs.object;
    let decoded = false;
    const invokedReinvocable = new Set<string>();
    let reinvoke = new Set<string>();
    for (const round of [0, 1]) {
      if (round === 1 && reinvoke.size === 0) break;
      const toReinvoke = reinvoke;
      if (round === 1) reinvoke = new Set();
      for (const webhook of candidates) {
        if (round === 1 && !toReinvoke.has(webhook.uid)) continue;
        const invocation = this.#invocation(webhook, { ...attrs, object });
        if (!invocation) continue;
        if (!decoded && object && step.decode) {
          // The API server decodes a custom resource (pruning, defaulting) before admission.
          object = step.decode(object);
          decoded = true;
        }
        const called = await this.#call(invocation, "mutating", attrs, object, context);
        if (!called.invoked) continue;
        if (called.changed) {
          object = called.object;
          for (const uid of invokedReinvocable) reinvoke.add(uid);
        }
        if (webhook.reinvocationPolicy === "IfNeeded") invokedReinvocable.add(webhook.uid);
      }
    }
    return object;
  }

  async #validate(step: AdmissionStep, candidates: readonly AdmissionWebhook[], context: RequestContext): Promise<void> {
    const attrs = step.attributes;
    const outcomes = await Promise.all(
      candidates.map(async (webhook) => {
        const invocation = this.#invocation(webhook, attrs);
        if (!invocation) return undefined;
        try {
          await this.#call(invocation, "validating", attrs, attrs.object, context);
          return undefined;
        } catch (e) {
          return { error: e };
        }
      }),
    );
    const failed = outcomes.find((o) => o !== undefined);
    if (failed) throw failed.error;
  }
}

/** An AdmissionReview answer, checked as the API server checks it. */
interface VerifiedResponse {
  readonly allowed: boolean;
  readonly result: unknown;
  readonly patch?: string | undefined;
  readonly patchType?: string | undefined;
  readonly warnings: readonly string[];
}

function verifyResponse(answer: unknown, reviewApiVersion: string, uid: string, mutating: boolean): VerifiedResponse {
  const invalid = (why: string): CallFailure => new CallFailure(`received invalid webhook response: ${why}`);
  if (!isObject(answer)) throw invalid("expected an AdmissionReview object");
  const response = answer["response"];
  if (!isObject(response)) throw invalid("webhook response was absent");
  const v1 = reviewApiVersion.endsWith("/v1");
  if (v1) {
    if (str(response["uid"]) !== uid) throw invalid(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(str(response["uid"]))}`);
    const got = `${str(answer["apiVersion"]) || "/"}, Kind=${str(answer["kind"])}`;
    if (answer["apiVersion"] !== reviewApiVersion || answer["kind"] !== "AdmissionReview") throw invalid(`expected webhook response of ${reviewApiVersion}, Kind=AdmissionReview, got ${got}`);
  }
  const patch = str(response["patch"]) || undefined;
  const patchType = typeof response["patchType"] === "string" ? response["patchType"] : undefined;
  if (mutating && v1) {
    if (patch && patchType === undefined) throw invalid("webhook returned response.patch but not response.patchType");
    if (!patch && patchType !== undefined) throw invalid("webhook returned response.patchType but not response.patch");
    if (patchType === "") throw invalid('webhook returned invalid response.patchType of ""');
  } else if (!mutating && v1) {
    if (patch) throw invalid("validating webhook may not return response.patch");
    if (patchType !== undefined) throw invalid("validating webhook may not return response.patchType");
  }
  const warnings = Array.isArray(response["warnings"]) ? response["warnings"].filter((w): w is string => typeof w === "string") : [];
  return {
    allowed: response["allowed"] === true,
    result: response["status"],
    ...(mutating && patch ? { patch, patchType: v1 ? patchType : "JSONPatch" } : {}),
    warnings,
  };
}
