import { formatTime } from "../wire.js";

/** A status condition, shaped as metav1.Condition. */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  observedGeneration?: number;
  /** An RFC 3339 time in whole seconds, as read from the API server (`parseTime` reads it). */
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** What {@link setStatusCondition} takes: lastTransitionTime is set for you (a `Date` given is written with `formatTime`). */
export type NewCondition = Omit<Condition, "lastTransitionTime"> & { lastTransitionTime?: string | Date };

/**
 * Sets a condition in a list (in place), as apimachinery's meta.SetStatusCondition:
 * `lastTransitionTime` changes only when the status changes; reason, message and
 * observedGeneration are updated. Returns true when anything changed.
 */
export function setStatusCondition(conditions: Condition[], condition: NewCondition, now: () => Date = () => new Date()): boolean {
  const stamp = () => {
    const t = condition.lastTransitionTime ?? now();
    return typeof t === "string" ? t.replace(/\.\d{3}Z$/, "Z") : formatTime(t);
  };
  const existing = conditions.find((c) => c.type === condition.type);
  if (!existing) {
    conditions.push({ ...condition, lastTransitionTime: stamp() });
    return true;
  }
  let changed = false;
  if (existing.status !== condition.status) {
    existing.status = condition.status;
    existing.lastTransitionTime = stamp();
    changed = true;
  }
  if (existing.reason !== condition.reason) {
    existing.reason = condition.reason;
    changed = true;
  }
  if (existing.message !== condition.message) {
    existing.message = condition.message;
    changed = true;
  }
  if (condition.observedGeneration !== undefined && existing.observedGeneration !== condition.observedGeneration) {
    existing.observedGeneration = condition.observedGeneration;
    changed = true;
  }
  return changed;
}

/** The condition of `type`, if present. */
export function findStatusCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Whether the condition of `type` is present with status "True". */
export function isStatusConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findStatusCondition(conditions, type)?.status === "True";
}

/** Whether the condition of `type` is present with status "False". */
export function isStatusConditionFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findStatusCondition(conditions, type)?.status === "False";
}

/** Removes the condition of `type` (in place). Returns true when it was there. */
export function removeStatusCondition(conditions: Condition[], type: string): boolean {
  const i = conditions.findIndex((c) => c.type === type);
  if (i < 0) return false;
  conditions.splice(i, 1);
  return true;
}
