/**
 * Schema validation as kube-openapi's `SchemaValidator` runs it for a custom resource: per
 * node the type, allOf/anyOf/oneOf/not, string, format, number, array, enum and object
 * validators, in that order, with the same messages and the same choice of reported
 * alternatives (`MatchCount`). On update, errors in values unchanged from the old object are
 * dropped (validation ratcheting, on by default since Kubernetes 1.30).
 */
import type { CompiledNode } from "./compile.js";
import type { Correlated } from "./correlation.js";
import { goQuote } from "./go-format.js";
import { deepEqual, hasKey, isInt64 } from "./json.js";
import { checkEnum, checkFormat, checkNumber, checkString, isFloatAJsonInteger } from "./openapi-checks.js";
import { invalidTypeError, plain, requiredError, vErr, type VError } from "./openapi-errors.js";

type Kind = "null" | "bool" | "string" | "int" | "float" | "array" | "object";

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return isInt64(v) ? "int" : "float";
  }
  return Array.isArray(v) ? "array" : "object";
}

/** Validates `data` at `path` against `node`; on update `corr` correlates it with the old value. */
export function validateValue(
  node: CompiledNode,
  path: string,
  data: unknown,
  corr: Correlated | undefined,
  out: VError[],
): number {
  if (corr === undefined) return validateSchema(node, path, data, undefined, out);
  const before = out.length;
  const count = validateSchema(node, path, data, corr, out);
  // Ratcheting: errors in a value equal to its old value are dropped.
  if (out.length > before && corr.equal()) out.length = before;
  return count;
}

function validateSchema(
  node: CompiledNode,
  path: string,
  data: unknown,
  corr: Correlated | undefined,
  out: VError[],
): number {
  const kind = kindOf(data);
  if (kind === "null") return checkType(node, path, null, kind, out) + checkEnum(node, path, null, out);
  let count = 0;
  if (node.types.length > 0 || node.format !== "") count += checkType(node, path, data, kind, out) + 1;
  count += checkComposition(node, path, data, corr, out) + 1;
  if (kind === "string") {
    count += checkString(node, path, data as string, out) + 1;
    if (node.formatCheck !== undefined) count += checkFormat(node, path, data as string, out) + 1;
  }
  if (kind === "int" || kind === "float") count += checkNumber(node, path, data as number, kind === "int", out) + 1;
  if (kind === "array") count += checkArray(node, path, data as unknown[], corr, out) + 1;
  count += checkEnum(node, path, data, out) + 1;
  if (kind === "object") count += checkObject(node, path, data as Record<string, unknown>, corr, out) + 1;
  return count + 1;
}

/** The JSON type kube-openapi infers for a decoded value of each kind. */
const SCHEMA_TYPE: Readonly<Record<Kind, string>> = {
  null: "null",
  bool: "boolean",
  string: "string",
  int: "integer",
  float: "number",
  array: "array",
  object: "object",
};

function checkType(node: CompiledNode, path: string, data: unknown, kind: Kind, out: VError[]): number {
  const types = node.types;
  if (kind === "null") {
    if (types.length > 0 && !node.nullable) {
      out.push(invalidTypeError(path, types.join(","), "null"));
      return 0;
    }
    return 1;
  }
  const schType = SCHEMA_TYPE[kind];
  const format = kind === "int" ? "int64" : kind === "float" ? "float64" : "";
  const isFloatInt = schType === "number" && isFloatAJsonInteger(data as number) && types.includes("integer");
  const isIntFloat = schType === "integer" && types.includes("number");
  const stringish = kind === "string" || kind === "array";
  if (
    !stringish &&
    node.format !== "" &&
    !(types.includes(schType) || format === node.format || isFloatInt || isIntFloat)
  ) {
    out.push(invalidTypeError(path, node.format, format));
    return 0;
  }
  if (!(types.includes("number") || types.includes("integer")) && node.format !== "" && stringish) return 1;
  if (!(types.includes(schType) || isFloatInt || isIntFloat)) {
    out.push(invalidTypeError(path, types.join(","), schType));
    return 0;
  }
  return 1;
}

function checkArray(
  node: CompiledNode,
  path: string,
  arr: unknown[],
  corr: Correlated | undefined,
  out: VError[],
): number {
  let count = 0;
  const items = node.items;
  if (items !== undefined) {
    for (let i = 0; i < arr.length; i++) count += validateValue(items, `${path}[${i}]`, arr[i], corr?.index(i), out);
  }
  const { minItems, maxItems, uniqueItems } = node.schema;
  if (minItems !== undefined && arr.length < minItems) {
    out.push(vErr("minItems", path, `should have at least ${minItems} items`, arr.length, minItems));
  }
  if (maxItems !== undefined && arr.length > maxItems) {
    out.push(vErr("maxItems", path, `should have at most ${maxItems} items`, arr.length, maxItems));
  }
  if (uniqueItems === true) {
    outer: for (let i = 1; i < arr.length; i++) {
      for (let j = 0; j < i; j++) {
        if (deepEqual(arr[i], arr[j])) {
          out.push(vErr("unique", path, "shouldn't contain duplicates"));
          break outer;
        }
      }
    }
  }
  return count + 1;
}

function checkObject(
  node: CompiledNode,
  path: string,
  obj: Record<string, unknown>,
  corr: Correlated | undefined,
  out: VError[],
): number {
  let count = 0;
  const keys = Object.keys(obj);
  const { minProperties, maxProperties } = node.schema;
  if (minProperties !== undefined && keys.length < minProperties) {
    out.push(
      vErr("tooFewProperties", path, `should have at least ${minProperties} properties`, keys.length, minProperties),
    );
  }
  if (maxProperties !== undefined && keys.length > maxProperties) {
    out.push(
      vErr("tooManyProperties", path, `should have at most ${maxProperties} properties`, keys.length, maxProperties),
    );
  }
  const props = node.properties;
  if (node.additionalFalse) {
    for (const k of keys) {
      if (props?.has(k) === true) continue;
      out.push({
        kind: "validation",
        code: "unallowedProperty",
        name: path,
        value: k,
        message: `${path}.${k} in body is a forbidden property`,
      });
    }
  } else if (node.additional !== undefined && node.additional !== "any") {
    for (const k of keys) {
      if (props?.has(k) === true) continue;
      count += validateValue(node.additional, `${path}.${k}`, obj[k], corr?.key(k), out);
    }
  }
  if (props !== undefined) {
    for (const [name, prop] of props) {
      if (!hasKey(obj, name)) continue;
      const child =
        corr === undefined || (path === "" && (name === "kind" || name === "apiVersion")) ? undefined : corr.key(name);
      count += validateValue(prop, path === "" ? name : `${path}.${name}`, obj[name], child, out);
    }
  }
  const req = node.schema.required;
  if (req !== undefined) {
    for (const k of req) if (!hasKey(obj, k)) out.push(requiredError(`${path}.${k}`));
  }
  return count;
}

interface Branch {
  readonly errors: VError[];
  readonly count: number;
}

function branch(node: CompiledNode, path: string, data: unknown, corr: Correlated | undefined): Branch {
  const errors: VError[] = [];
  return { errors, count: validateSchema(node, path, data, corr, errors) };
}

function checkComposition(
  node: CompiledNode,
  path: string,
  data: unknown,
  corr: Correlated | undefined,
  out: VError[],
): number {
  if (node.anyOf.length === 0 && node.oneOf.length === 0 && node.allOf.length === 0 && node.not === undefined) return 1;
  let count = 0;
  const merge = (b: Branch): void => {
    out.push(...b.errors);
    count += b.count;
  };
  if (node.anyOf.length > 0) {
    let best: Branch | undefined;
    let first: Branch | undefined;
    for (const sub of node.anyOf) {
      const r = branch(sub, path, data, corr);
      if (r.errors.length === 0) {
        best = undefined;
        first = r;
        break;
      }
      if (best === undefined || r.count > best.count) best = r;
    }
    if (first === undefined) out.push(plain(`${goQuote(path)} must validate at least one schema (anyOf)`));
    if (best !== undefined) merge(best);
    else if (first !== undefined) merge(first);
  }
  if (node.oneOf.length > 0) {
    let best: Branch | undefined;
    let first: Branch | undefined;
    let valid = 0;
    for (const sub of node.oneOf) {
      const r = branch(sub, path, data, corr);
      if (r.errors.length === 0) {
        valid++;
        best = undefined;
        first ??= r;
        continue;
      }
      if (valid === 0 && (best === undefined || r.count > best.count)) best = r;
    }
    if (valid !== 1) {
      const more = valid === 0 ? "Found none valid" : `Found ${valid} valid alternatives`;
      out.push(plain(`${goQuote(path)} must validate one and only one schema (oneOf). ${more}`));
      if (best !== undefined) merge(best);
    } else if (first !== undefined) merge(first);
  }
  if (node.allOf.length > 0) {
    let valid = 0;
    for (const sub of node.allOf) {
      const r = branch(sub, path, data, corr);
      if (r.errors.length === 0) valid++;
      merge(r);
    }
    if (valid !== node.allOf.length) {
      out.push(plain(`${goQuote(path)} must validate all the schemas (allOf)${valid === 0 ? ". None validated" : ""}`));
    }
  }
  if (node.not !== undefined && branch(node.not, path, data, corr).errors.length === 0) {
    out.push(plain(`${goQuote(path)} must not validate the schema (not)`));
  }
  return count + 1;
}
