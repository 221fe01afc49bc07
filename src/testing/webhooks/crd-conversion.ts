import { randomUUID } from "node:crypto";
import { clone, deepEqual, isObject, type JsonObject } from "../store/json.js";
import { parseApiVersion, type KindInfo } from "../store/kind-info.js";
import { StatusError } from "../store/status-error.js";
import { relabel, type ConversionStep } from "../store/steps.js";
import { postToWebhook, WebhookCallError } from "./webhook-call.js";

/** How long a conversion webhook may take (the API server's client for it: 30 s). */
export const CONVERSION_TIMEOUT_MS = 30_000;

/** `group/version, Kind=Kind`, as Go prints a GroupVersionKind. */
export function gvkText(apiVersion: string, kind: string): string {
  const { group, version } = parseApiVersion(apiVersion);
  return `${group ? `${group}/` : ""}${version}, Kind=${kind}`;
}

/** The API server's answer to an error that is not a Status: 500 with the error's text and no reason. */
export function unknownServerError(message: string): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const metaOf = (o: JsonObject): JsonObject => (isObject(o["metadata"]) ? o["metadata"] : {});

/**
 * Conversion of custom resources between versions, as the apiextensions API server does it:
 * strategy None changes only `apiVersion`; strategy Webhook sends the objects that are not at
 * the desired version in one ConversionReview to the CRD's conversion webhook, checks the
 * answer (uid, count, apiVersion, kind, name, namespace, uid of each object) and keeps each
 * object's metadata except the labels and annotations the webhook returned. Failures are the
 * API server's 500 `conversion webhook for <group/version, Kind=Kind> failed: ...`.
 */
export class CrdConversions {
  /** Whether `info`'s objects convert through a webhook. */
  usesWebhook(info: KindInfo): boolean {
    return info.conversion !== undefined;
  }

  /** Answers a store's conversion step: at once (a list) without a webhook call, else a promise. */
  answer(step: ConversionStep): JsonObject[] | Promise<JsonObject[]> {
    if (!this.usesWebhook(step.info) || step.objects.every((o) => o["apiVersion"] === step.apiVersion)) {
      return step.objects.map((o) => relabel(o, step.apiVersion));
    }
    return this.convert(step.info, step.objects, step.apiVersion);
  }

  /** Converts `objects` (each with its own apiVersion) to `apiVersion`, calling the webhook when the kind's strategy says so. */
  async convert(info: KindInfo, objects: readonly JsonObject[], apiVersion: string): Promise<JsonObject[]> {
    const config = info.conversion;
    const pending = objects.map((o, i) => ({ o, i })).filter(({ o }) => o["apiVersion"] !== apiVersion);
    if (!config || pending.length === 0) return objects.map((o) => relabel(o, apiVersion));
    const first = pending[0]!.o;
    const gvk = gvkText(str(first["apiVersion"]), str(first["kind"]) || info.kind);
    const fail = (why: string): StatusError => unknownServerError(`conversion webhook for ${gvk} ${why}`);
    const version = config.reviewVersions.find((v) => v === "v1" || v === "v1beta1");
    if (!version) throw fail(`failed: no supported conversion review versions (the CRD lists ${config.reviewVersions.join(", ") || "none"}; v1 and v1beta1 are known)`);
    if (!config.url) {
      throw fail(
        `failed: the conversion webhook is the service "${config.service ?? ""}", which the in-process test API server cannot reach: install it with webhookInstallOptions (conversionCrds), which points it at the local webhook server's URL`,
      );
    }
    const uid = randomUUID();
    const reviewApiVersion = `apiextensions.k8s.io/${version}`;
    const review = { apiVersion: reviewApiVersion, kind: "ConversionReview", request: { uid, desiredAPIVersion: apiVersion, objects: pending.map(({ o }) => o) } };
    let answer: unknown;
    try {
      answer = await postToWebhook({ url: config.url, caBundle: config.caBundle }, review, CONVERSION_TIMEOUT_MS);
    } catch (e) {
      if (e instanceof WebhookCallError) throw fail(`failed: ${e.message}`);
      throw e;
    }
    const converted = convertedObjects(answer, reviewApiVersion, uid, (why) => fail(`failed: ${why}`));
    if (converted.length !== pending.length) throw fail(`returned ${converted.length} objects, expected ${pending.length}`);
    const out = objects.map((o) => relabel(o, apiVersion));
    const list = objects.length > 1;
    pending.forEach(({ o, i }, index) => {
      const where = list ? `returned invalid converted object at index ${index}` : "returned invalid object";
      const c = converted[index];
      if (!isObject(c)) throw fail(`${where}: expected an object`);
      const gotVersion = str(c["apiVersion"]);
      if (gotVersion !== apiVersion) {
        throw fail(`${list ? where : "returned invalid object at index 0"}: invalid groupVersion (expected ${apiVersion}, received ${gotVersion})`);
      }
      if (str(c["kind"]) !== str(o["kind"])) throw fail(`${list ? where : "returned invalid object at index 0"}: invalid kind (expected ${str(o["kind"])}, received ${str(c["kind"])})`);
      const before = metaOf(o);
      const after = metaOf(c);
      for (const [field, label] of [["name", "name"], ["namespace", "namespace"], ["uid", "UID"]] as const) {
        if (str(before[field]) !== str(after[field])) throw fail(`${where}: must have the same ${label}: ${str(before[field])} != ${str(after[field])}`);
      }
      out[i] = withOriginalMetadata(o, c, (why) => fail(`${list ? `returned invalid metadata in object at index ${index}` : "returned invalid metadata"}: ${why}`));
    });
    return out;
  }
}

/** The converted objects of a ConversionReview answer, checked as the API server checks them. */
function convertedObjects(answer: unknown, expected: string, uid: string, fail: (why: string) => StatusError): unknown[] {
  if (!isObject(answer)) throw fail("the answer is not a ConversionReview");
  const gotApiVersion = str(answer["apiVersion"]);
  const gotKind = str(answer["kind"]);
  if (expected.endsWith("/v1") && (gotApiVersion !== expected || gotKind !== "ConversionReview")) {
    throw fail(`expected webhook response of ${gvkText(expected, "ConversionReview")}, got ${gvkText(gotApiVersion, gotKind)}`);
  }
  const response = answer["response"];
  if (!isObject(response)) throw fail("no response provided");
  if (expected.endsWith("/v1") && str(response["uid"]) !== uid) throw fail(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(str(response["uid"]))}`);
  const result = isObject(response["result"]) ? response["result"] : {};
  if (result["status"] !== "Success") {
    const message = str(result["message"]);
    throw fail(message || `response.result.status was '${str(result["status"])}', not 'Success'`);
  }
  return Array.isArray(response["convertedObjects"]) ? response["convertedObjects"] : [];
}

/** The converted object with the original's metadata, except labels and annotations, which the webhook may change. */
function withOriginalMetadata(original: JsonObject, converted: JsonObject, fail: (why: string) => StatusError): JsonObject {
  if (!isObject(converted["metadata"])) throw fail("missing metadata in converted object");
  const answered = converted["metadata"];
  const out = clone(converted);
  const m = clone(metaOf(original));
  for (const field of ["labels", "annotations"] as const) {
    const value = answered[field];
    if (value === undefined || value === null) {
      delete m[field];
      continue;
    }
    if (!isObject(value)) throw fail(`invalid metadata.${field} of type ${Array.isArray(value) ? "[]interface {}" : typeof value} in converted object`);
    for (const [k, v] of Object.entries(value)) if (typeof v !== "string") throw fail(`metadata.${field}[${k}] must be a string, but is ${typeof v} in converted object`);
    if (!deepEqual(value, m[field])) m[field] = clone(value);
  }
  out["metadata"] = m;
  return out;
}
