export { addFinalizer, hasFinalizer, isBeingDeleted, removeFinalizer } from "./finalizers.js";
export { getControllerOf, OwnerReferenceError, setControllerReference, setOwnerReference } from "./owner-references.js";
export {
  findStatusCondition,
  isStatusConditionFalse,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
  type NewCondition,
} from "./conditions.js";
export { createOrPatch, createOrUpdate, mergePatch, type OperationResult, type PatchOperationResult } from "./create-or-update.js";
export { getReference } from "./object-reference.js";
