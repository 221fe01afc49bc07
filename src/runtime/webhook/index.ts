// The admission and conversion webhook server of kubebuilder-ts/runtime. Named exports only.
export { allowed, denied, errored, outcomeFromError, patched } from "./admission-outcome.js";
export { answerAdmissionReview, parseAdmissionReview, type ParsedAdmissionReview } from "./admission-review.js";
export { CertWatcher, readPair, type CertWatcherOptions, type ServingCertificate } from "./cert-watcher.js";
export { answerConversionReview, ConversionRegistry, parseConversionReview } from "./conversion-review.js";
export {
  conversion,
  ConversionError,
  splitApiVersion,
  type Conversion,
  type ConversionOptions,
  type SpokeConversion,
  type SpokeConversions,
} from "./conversion.js";
export { defaulter, type DefaultFunction } from "./defaulter.js";
export type { HttpAnswer } from "./http-io.js";
export { jsonPatchDiff, type JsonPatchOperation } from "./json-patch.js";
export { CONVERSION_PATH, defaultingPath, validatingPath } from "./paths.js";
export type {
  AdmissionContext,
  AdmissionHandler,
  AdmissionOperation,
  AdmissionOutcome,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
  AdmissionReviewVersion,
  ConversionRequest,
  ConversionResponse,
  ConversionReview,
  ConversionReviewVersion,
  GroupVersionKind,
  GroupVersionResource,
  UserInfo,
} from "./types.js";
export { joinCauses, ValidationError, type FieldCause, type FieldCauseReason } from "./validation-error.js";
export { validator, type ValidationWarnings, type ValidatorHooks } from "./validator.js";
export {
  DEFAULT_CERT_DIR,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_WEBHOOK_PORT,
  WebhookServer,
  type WebhookServerOptions,
} from "./webhook-server.js";
export { conversionFor, type TypedConversion, type TypedSpokeConversion } from "./conversion.js";
export { field, FieldPath, fieldErrorText, fieldPath, invalidStatus, renderFieldValue, type FieldError } from "./field-errors.js";
