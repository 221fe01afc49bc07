import type { Logger } from "pino";
import type { KubernetesObject } from "../resource.js";
import { ConversionError, splitApiVersion, type Conversion } from "./conversion.js";
import { httpError, type HttpAnswer } from "./http-io.js";
import type { ConversionRequest, ConversionResponse, ConversionReviewVersion } from "./types.js";

const REVIEW_VERSIONS: readonly ConversionReviewVersion[] = ["apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The conversions a conversion webhook serves, by group and kind. */
export class ConversionRegistry {
  readonly #byGroupKind = new Map<string, Conversion>();

  /** Adds the conversion of one group-kind; a second one for the same group-kind is an error. */
  add(conversion: Conversion): void {
    const key = `${conversion.group}/${conversion.kind}`;
    if (this.#byGroupKind.has(key)) throw new TypeError(`a conversion for ${conversion.kind}.${conversion.group} is already registered`);
    this.#byGroupKind.set(key, conversion);
  }

  /** The conversion of `group`/`kind`, if one is registered. */
  get(group: string, kind: string): Conversion | undefined {
    return this.#byGroupKind.get(`${group}/${kind}`);
  }

  /** How many group-kinds are registered. */
  get size(): number {
    return this.#byGroupKind.size;
  }

  /**
   * Converts every object of `request` to `request.desiredAPIVersion`. Any failure fails the
   * whole request (as the API server treats it): `result.status` "Failure" with the reason.
   */
  async convertRequest(request: ConversionRequest): Promise<ConversionResponse> {
    const desired = splitApiVersion(request.desiredAPIVersion);
    const converted: KubernetesObject[] = [];
    for (const [index, obj] of request.objects.entries()) {
      if (!isRecord(obj) || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
        throw new ConversionError(`objects[${index}]: expected an object with apiVersion and kind`);
      }
      const from = splitApiVersion(obj.apiVersion);
      if (from.group !== desired.group) {
        throw new ConversionError(`objects[${index}]: cannot convert ${obj.kind} of ${obj.apiVersion} to ${request.desiredAPIVersion}: the groups differ`);
      }
      const conversion = this.get(from.group, obj.kind);
      if (!conversion) {
        const named = from.group ? `${obj.kind}.${from.group}` : obj.kind;
        throw new ConversionError(`objects[${index}]: no conversion is registered for ${named}: register one with server.registerConversion(conversion(...))`);
      }
      converted.push(await conversion.convert(obj, desired.version));
    }
    return { uid: request.uid, convertedObjects: converted, result: { status: "Success" } };
  }
}

/** Checks that `doc` is a ConversionReview with a request (uid, desiredAPIVersion, objects). */
export function parseConversionReview(
  doc: unknown,
): { readonly ok: true; readonly apiVersion: ConversionReviewVersion; readonly request: ConversionRequest } | { readonly ok: false; readonly message: string } {
  if (!isRecord(doc)) return { ok: false, message: "expected a JSON object (a ConversionReview)" };
  const apiVersion = doc["apiVersion"];
  if (!REVIEW_VERSIONS.includes(apiVersion as ConversionReviewVersion)) {
    return { ok: false, message: `expected apiVersion ${REVIEW_VERSIONS.join(" or ")}, got ${JSON.stringify(apiVersion)}` };
  }
  if (doc["kind"] !== "ConversionReview") return { ok: false, message: `expected kind ConversionReview, got ${JSON.stringify(doc["kind"])}` };
  const request = doc["request"];
  if (!isRecord(request)) return { ok: false, message: "expected a ConversionReview with a request object" };
  if (typeof request["uid"] !== "string" || request["uid"] === "") return { ok: false, message: "expected request.uid to be a non-empty string" };
  if (typeof request["desiredAPIVersion"] !== "string" || request["desiredAPIVersion"] === "") {
    return { ok: false, message: "expected request.desiredAPIVersion to be a non-empty string" };
  }
  if (!Array.isArray(request["objects"])) return { ok: false, message: "expected request.objects to be an array" };
  return { ok: true, apiVersion: apiVersion as ConversionReviewVersion, request: request as unknown as ConversionRequest };
}

/**
 * Answers a ConversionReview document: 400 with a Status body when it is not a review;
 * otherwise 200 with the response (uid echoed), whose result is "Failure" with a message when
 * a conversion failed (unknown version or kind, or a conversion function threw).
 */
export async function answerConversionReview(doc: unknown, registry: ConversionRegistry, log: Logger): Promise<HttpAnswer> {
  const parsed = parseConversionReview(doc);
  if (!parsed.ok) {
    log.error({ reason: parsed.message }, "bad conversion request");
    return httpError(400, "BadRequest", parsed.message);
  }
  const { request } = parsed;
  const reqLog = log.child({ uid: request.uid, desiredAPIVersion: request.desiredAPIVersion, objects: request.objects.length });
  let response: ConversionResponse;
  try {
    response = await registry.convertRequest(request);
    reqLog.debug("conversion answered");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ConversionError) reqLog.info({ reason: message }, "conversion refused");
    else reqLog.error({ err }, "conversion failed");
    response = { uid: request.uid, convertedObjects: [], result: { status: "Failure", message } };
  }
  return { status: 200, body: { apiVersion: parsed.apiVersion, kind: "ConversionReview", response } };
}
