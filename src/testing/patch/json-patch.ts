import fastJsonPatch from "fast-json-patch";
import { badRequest, patchDecodeError, patchRejected } from "../store/status-error.js";
import { clone, type Json } from "../store/json.js";

const { applyPatch, JsonPatchError } = fastJsonPatch;

/** The error names fast-json-patch gives a malformed patch document (as opposed to one that does not apply). */
const MALFORMED = new Set([
  "SEQUENCE_NOT_AN_ARRAY",
  "OPERATION_NOT_AN_OBJECT",
  "OPERATION_OP_INVALID",
  "OPERATION_PATH_INVALID",
  "OPERATION_FROM_REQUIRED",
  "OPERATION_VALUE_REQUIRED",
  "OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED",
]);

/**
 * Applies an RFC 6902 JSON patch (with fast-json-patch) and returns a new document. A
 * malformed patch is a 400 BadRequest; a patch that does not apply (a failed `test`, a
 * path that does not exist) is a 422, as the API server answers.
 */
export function applyJsonPatch(document: unknown, patch: unknown): Json {
  if (!Array.isArray(patch)) throw patchDecodeError(patch, "[]handlers.jsonPatchOp");
  try {
    const result = applyPatch(clone(document), clone(patch), true, true, true);
    return result.newDocument as Json;
  } catch (e) {
    if (e instanceof JsonPatchError) {
      const message = `${e.name}: ${e.message.split("\n")[0] ?? ""}`;
      if (MALFORMED.has(e.name)) throw badRequest(message);
      throw patchRejected(message);
    }
    throw e;
  }
}
