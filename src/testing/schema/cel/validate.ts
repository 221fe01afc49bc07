/**
 * Evaluation of `x-kubernetes-validations` over an object as the API server walks it: rules of
 * each node on the node's value (`self`) and, for transition rules, its correlated old value
 * (`oldSelf`); failures reported with the rule's message, messageExpression, reason and
 * fieldPath; on update, failures of non-transition rules on unchanged values dropped.
 */
import { isCelError, parse, plan, type CelInput, type CelResult } from "@bufbuild/cel";
import type { CompiledNode } from "../compile.js";
import { Correlated, MapList } from "../correlation.js";
import { cause, childPath, invalid, keyPath, OMIT, type SchemaCause } from "../field-error.js";
import { isObject } from "../json.js";
import { ruleEnv } from "./library.js";
import { NONE } from "./optional.js";
import type { CompiledRule } from "./rules.js";
import { toCel, type CelMemo } from "./values.js";

/** Ratcheting state: the correlation of this value and of its nearest correlated parent. */
interface Ratchet {
  readonly current?: Correlated | undefined;
  readonly nearest?: Correlated | undefined;
}

function ratchetKey(r: Ratchet, field: string): Ratchet {
  if (r.current === undefined) return r;
  if (r.nearest === undefined && (field === "apiVersion" || field === "kind")) return {};
  return { current: r.current.key(field), nearest: r.current };
}

function ratchetIndex(r: Ratchet, i: number): Ratchet {
  if (r.current === undefined) return r;
  return { current: r.current.index(i), nearest: r.current };
}

function shouldRatchet(r: Ratchet): boolean {
  if (r.current !== undefined) return r.current.equal();
  return r.nearest?.equal() ?? false;
}

const MAX_MESSAGE_BYTES = 5 * 1024;

let wrapOptional: ((vars: { v: CelInput }) => CelResult) | undefined;

/** `optional.of(value)`, evaluated by CEL so that the value is converted as CEL converts inputs. */
function optionalOf(value: CelInput): unknown {
  wrapOptional ??= plan(ruleEnv(), parse("optional.of(v)")) as unknown as (vars: { v: CelInput }) => CelResult;
  return wrapOptional({ v: value });
}

interface Walk {
  readonly memo: CelMemo;
  readonly out: SchemaCause[];
}

/** Evaluates every rule of `root` on `obj` (and `old` on update). */
export function validateCel(
  root: CompiledNode,
  obj: unknown,
  old: unknown,
  correlation: Correlated | undefined,
  out: SchemaCause[],
): void {
  if (!root.celBelow) return;
  walk(root, root, "", obj, old, { current: correlation }, true, { memo: new WeakMap(), out });
}

function walk(
  v: CompiledNode,
  node: CompiledNode,
  path: string,
  obj: unknown,
  old: unknown,
  ratchet: Ratchet,
  resource: boolean,
  w: Walk,
): void {
  if (!v.celBelow || obj === null || obj === undefined) return;
  if (v.rules.length > 0) evaluate(v.rules, node, path, obj, old === null ? undefined : old, ratchet, resource, w);
  for (const branch of v.allOf) walk(branch, node, path, obj, old, { nearest: ratchet.nearest }, resource, w);
  if (Array.isArray(obj)) {
    if (v.items === undefined || node.items === undefined) return;
    const oldList = node.listType === "map" && Array.isArray(old) ? new MapList(old, node.listMapKeys) : undefined;
    for (let i = 0; i < obj.length; i++) {
      const oldItem = oldList?.get(obj[i], node.listMapKeys);
      walk(v.items, node.items, keyPath(path, i), obj[i], oldItem, ratchetIndex(ratchet, i), node.items.embedded, w);
    }
    return;
  }
  if (!isObject(obj)) return;
  const oldMap = isObject(old) ? old : undefined;
  const vAp = v.additional !== undefined && v.additional !== "any" ? v.additional : undefined;
  const nAp = node.additional !== undefined && node.additional !== "any" ? node.additional : undefined;
  if (vAp !== undefined && nAp !== undefined) {
    for (const k of Object.keys(obj)) {
      walk(vAp, nAp, keyPath(path, k), obj[k], oldMap?.[k], ratchetKey(ratchet, k), nAp.embedded, w);
    }
  }
  if (v.properties !== undefined) {
    for (const k of Object.keys(obj)) {
      const vp = v.properties.get(k);
      const np = node.properties?.get(k);
      if (vp === undefined || np === undefined) continue;
      walk(vp, np, childPath(path, k), obj[k], oldMap?.[k], ratchetKey(ratchet, k), np.embedded, w);
    }
  }
}

function ruleText(r: CompiledRule): string {
  const m = r.source.message?.trim() ?? "";
  return m !== "" ? m : r.source.rule.trim();
}

/** cel-go's wording of the evaluation errors a rule can hit. */
function celGoMessage(message: string): string {
  return message
    .replace(/^field not found: /, "no such key: ")
    .replace(/^(int|uint) divide by zero$/, "division by zero")
    .replace(/^(int|uint) modulus by zero$/, "modulus by zero")
    .replace(/^index (-?\d+) out of bounds.*$/, "index out of range: $1")
    .replace(/^found no matching overload for .*$/, "no such overload")
    .replace(/^unbound function: (.*)$/, "unbound function: $1 (not supported by the kubebuilder-ts test server)");
}

function evaluate(
  rules: readonly CompiledRule[],
  node: CompiledNode,
  path: string,
  obj: unknown,
  old: unknown,
  ratchet: Ratchet,
  resource: boolean,
  w: Walk,
): void {
  const typeName = node.type ?? "";
  const self = toCel(obj, node, resource, w.memo);
  let oldSelf: CelInput | undefined;
  for (const rule of rules) {
    if (rule.program === undefined) {
      w.out.push(invalid(path, typeName, `rule compile error: ${rule.compileError ?? "unknown error"}`));
      continue;
    }
    if (rule.usesOldSelf && old === undefined && !rule.optionalOldSelf) continue;
    if (old !== undefined && oldSelf === undefined) oldSelf = toCel(old, node, resource, w.memo);
    const vars: Record<string, unknown> = { self };
    if (rule.optionalOldSelf) vars.oldSelf = oldSelf === undefined ? NONE.asCel() : optionalOf(oldSelf);
    else if (oldSelf !== undefined) vars.oldSelf = oldSelf;
    const result = rule.program(vars);
    if (isCelError(result)) {
      const msg = celGoMessage(result.message);
      const detail = msg.startsWith("no such overload")
        ? `'${msg}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(rule)}`
        : `${msg} evaluating rule: ${ruleText(rule)}`;
      w.out.push(invalid(path, typeName, detail));
      continue;
    }
    if (result === true) continue;
    const at = rule.fieldPath !== "" ? childPath(path, rule.fieldPath) : path;
    const detail = messageOf(rule, { self, ...(oldSelf !== undefined ? { oldSelf } : {}) });
    const value = typeName === "object" || typeName === "array" ? OMIT : obj;
    const err = failure(rule, at, value, detail);
    if (!rule.usesOldSelf && shouldRatchet(ratchet)) continue;
    w.out.push(err);
  }
}

function messageOf(rule: CompiledRule, vars: Record<string, unknown>): string {
  if (rule.messageProgram !== undefined) {
    const r = rule.messageProgram(vars);
    if (typeof r === "string") {
      const m = r.trim();
      if (m !== "" && !m.includes("\n") && Buffer.byteLength(m) <= MAX_MESSAGE_BYTES) return m;
    }
  }
  const m = rule.source.message?.trim() ?? "";
  return m !== "" ? m : `failed rule: ${rule.source.rule.trim()}`;
}

function failure(rule: CompiledRule, path: string, value: unknown, detail: string): SchemaCause {
  switch (rule.source.reason) {
    case "FieldValueForbidden":
      return cause("FieldValueForbidden", path, "", detail);
    case "FieldValueRequired":
      return cause("FieldValueRequired", path, "", detail);
    case "FieldValueDuplicate":
      return cause("FieldValueDuplicate", path, value, "");
    default:
      return cause("FieldValueInvalid", path, value, detail);
  }
}
