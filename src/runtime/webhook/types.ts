// Wire types of the admission (admission.k8s.io/v1) and conversion (apiextensions.k8s.io/v1)
// webhook protocols, as the API server sends and expects them.
import type { Logger } from "pino";
import type { KubernetesObject } from "../resource.js";
import type { StatusBody } from "../errors.js";

/** A group, version and kind, as admission requests name them. */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A group, version and resource (plural), as admission requests name them. */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** The operation an admission request is about. */
export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** Who made the request the API server is admitting. */
export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** `AdmissionReview.request`: what the API server asks a webhook to admit. */
export interface AdmissionRequest {
  /** Echoed in the response; identifies this admission call. */
  readonly uid: string;
  /** The kind of `object`, in the version this webhook registered for. */
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  /** The kind the client originally sent (may differ when matchPolicy is Equivalent). */
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly requestSubResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: AdmissionOperation;
  readonly userInfo: UserInfo;
  /** The new object (CREATE, UPDATE); absent on DELETE. */
  readonly object?: KubernetesObject | null;
  /** The existing object (UPDATE, DELETE). */
  readonly oldObject?: KubernetesObject | null;
  /** True when the change will not be persisted: handlers must not have side effects then. */
  readonly dryRun?: boolean;
  /** CreateOptions, UpdateOptions or DeleteOptions of the operation. */
  readonly options?: unknown;
}

/**
 * `AdmissionReview.response` without its `uid` (the server echoes the request's): what an
 * {@link AdmissionHandler} answers.
 */
export interface AdmissionOutcome {
  readonly allowed: boolean;
  /**
   * Why a request was denied (or a 200 status when allowed). Named as controller-runtime's Go
   * field `Result`; on the wire it is the response's `status` key.
   */
  readonly result?: StatusBody;
  /** Base64 of an RFC 6902 JSON patch to apply to the object (mutating webhooks). */
  readonly patch?: string;
  readonly patchType?: "JSONPatch";
  readonly auditAnnotations?: Readonly<Record<string, string>>;
  /** Shown to the client (kubectl prints them); keep each under 120 characters. */
  readonly warnings?: readonly string[];
}

/**
 * `AdmissionReview.response` as it goes on the wire: the outcome with the request's `uid`,
 * and `result` under the name the API server reads, `status` (admission/v1
 * `AdmissionResponse.Result` is `json:"status"`; a `result` member would be ignored, and a
 * denial shown without its message).
 */
export interface AdmissionResponse extends Omit<AdmissionOutcome, "result"> {
  readonly uid: string;
  readonly status?: StatusBody;
}

/** The `admission.k8s.io` versions whose AdmissionReview the server accepts (same shape). */
export type AdmissionReviewVersion = "admission.k8s.io/v1" | "admission.k8s.io/v1beta1";

/** An `AdmissionReview` request or response document. */
export interface AdmissionReview {
  readonly apiVersion: AdmissionReviewVersion;
  readonly kind: "AdmissionReview";
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

/** What every handler gets besides the request. */
export interface AdmissionContext {
  /** A pino logger with the request's uid, kind and operation bound. */
  readonly log: Logger;
  /** Aborted when the server stops; long work should give up. */
  readonly signal: AbortSignal;
}

/**
 * An admission handler: answers one admission request. Build one with {@link defaulter} or
 * {@link validator}, or write your own and `server.register(path, handler)` it.
 * A throw is answered with `allowed: false` and code 500 (a `ValidationError` or an
 * `ApiError` is answered as the denial it describes).
 */
export type AdmissionHandler = (req: AdmissionRequest, ctx: AdmissionContext) => AdmissionOutcome | Promise<AdmissionOutcome>;

/** The `apiextensions.k8s.io` versions whose ConversionReview the server accepts (same shape). */
export type ConversionReviewVersion = "apiextensions.k8s.io/v1" | "apiextensions.k8s.io/v1beta1";

/** `ConversionReview.request`: objects to convert to `desiredAPIVersion`. */
export interface ConversionRequest {
  readonly uid: string;
  /** "group/version" the objects must be converted to. */
  readonly desiredAPIVersion: string;
  readonly objects: readonly KubernetesObject[];
}

/** `ConversionReview.response`. */
export interface ConversionResponse {
  readonly uid: string;
  /** The objects of the request, in order, converted (empty on failure). */
  readonly convertedObjects: readonly KubernetesObject[];
  /** `status: "Success"`, or `status: "Failure"` with a message: the whole request fails. */
  readonly result: StatusBody;
}

/** A `ConversionReview` request or response document. */
export interface ConversionReview {
  readonly apiVersion: ConversionReviewVersion;
  readonly kind: "ConversionReview";
  readonly request?: ConversionRequest;
  readonly response?: ConversionResponse;
}
