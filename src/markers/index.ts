export type { ArgType, MarkerValue } from "./grammar/arg-type.js";
export { T, describeArgType } from "./grammar/arg-type.js";
export {
  arg,
  optionalArg,
  shape,
  type ArgumentSpec,
  type Marker,
  type MarkerArgs,
  type MarkerDefinition,
  type MarkerShape,
  type MarkerTarget,
  type ParsedValue,
} from "./definition.js";
export { MarkerRegistry } from "./registry.js";
export { parseMarker, type ParseOutcome } from "./parse-marker.js";
export {
  attachedBlocks,
  describe,
  groupComments,
  isMarkerText,
  markerLines,
  type CommentBlock,
  type CommentLine,
  type MarkerLine,
  type RawComment,
} from "./comments.js";
