// The client module: transport, the direct API client and watch events. Named exports only.
export {
  ApiClient,
  withTypeMeta,
  type ApiClientOptions,
  type ListPage,
  type ListPageOptions,
  type WatchRequestOptions,
  type WatchStream,
} from "./api-client.js";
export { JsonLineDecoder } from "./json-lines.js";
export { formatLabelSelector, PATCH_CONTENT_TYPES, patchContentType } from "./query.js";
export {
  encodeQuery,
  HttpTransport,
  type HttpTransportOptions,
  type JsonStream,
  type Query,
  type StreamRequest,
  type Transport,
  type TransportRequest,
} from "./transport.js";
export { apiErrorFromResponse, isStatusBody, reasonForStatusCode, TransportError, type TransportErrorCode } from "./transport-error.js";
export type { Client, DeleteOptions, ListOptions, ObjectKey, PatchOptions, PatchType, RequestOptions, WriteOptions } from "./types.js";
export { withSignal } from "./signal-client.js";
export { toRawWatchEvent, type RawWatchEvent } from "./watch-event.js";
