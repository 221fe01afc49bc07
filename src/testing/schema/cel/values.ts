/**
 * JSON values as CEL sees them in CRD rules, typed by the schema as the API server types them:
 * objects with properties (and embedded resources) as maps keyed by escaped property names
 * (`foo-bar` is `foo__dash__bar`), fields outside the schema invisible; maps
 * (`additionalProperties`) keyed as is; `integer` as int, `number` as double; strings of format
 * date-time/date as timestamps, duration as durations, byte as bytes. Objects convert lazily:
 * a field is converted when a rule reads it.
 */
import type { CelInput } from "@bufbuild/cel";
import { create } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { escapeCelName } from "../../../generator/crd/cel/escape.js";
import type { CompiledNode } from "../compile.js";
import { isInt64, isObject } from "../json.js";
import { dateInstant, parseDateTime, parseGoDuration } from "../time-formats.js";

/** Conversions of one admission, shared by the rules that see the same values. */
export type CelMemo = WeakMap<object, CelInput>;

/** A JSON value without schema (`x-kubernetes-preserve-unknown-fields`), converted generically. */
function generic(x: unknown): CelInput {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case "number":
      return isInt64(x) ? BigInt(x) : x;
    case "string":
    case "boolean":
      return x;
  }
  if (Array.isArray(x)) return x.map(generic);
  if (isObject(x)) return new Map(Object.entries(x).map(([k, v]) => [k, generic(v)]));
  return null;
}

function stringValue(s: string, format: string): CelInput {
  switch (format) {
    case "date-time":
    case "datetime": {
      const t = parseDateTime(s);
      return t === undefined ? s : create(TimestampSchema, { seconds: t.seconds, nanos: t.nanos });
    }
    case "date": {
      const t = dateInstant(s);
      return t === undefined ? s : create(TimestampSchema, { seconds: t.seconds, nanos: 0 });
    }
    case "duration": {
      const d = parseGoDuration(s);
      if (d === undefined) return s;
      return create(DurationSchema, { seconds: d / 1_000_000_000n, nanos: Number(d % 1_000_000_000n) });
    }
    case "byte":
      return new Uint8Array(Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
  }
  return s;
}

/** The CEL value of `x` at a node typed by `node`; `resource` adds apiVersion, kind and metadata. */
export function toCel(x: unknown, node: CompiledNode | undefined, resource: boolean, memo: CelMemo): CelInput {
  if (x === null || x === undefined) return null;
  if (node === undefined) return generic(x);
  if (typeof x === "object") {
    const hit = memo.get(x);
    if (hit !== undefined) return hit;
    const v = convertCompound(x, node, resource, memo);
    memo.set(x, v);
    return v;
  }
  if (node.intOrString) return typeof x === "number" && isInt64(x) ? BigInt(x) : (x as CelInput);
  switch (node.type) {
    case "integer":
      return typeof x === "number" && Number.isInteger(x) ? BigInt(x) : (x as CelInput);
    case "string":
      return typeof x === "string" && node.format !== "" ? stringValue(x, node.format) : (x as CelInput);
    case "number":
    case "boolean":
      return x as CelInput;
  }
  return generic(x);
}

/** Escaped CEL names of a node's properties (undefined: not accessible from CEL). */
const escapedNames = new WeakMap<CompiledNode, Map<string, string | undefined>>();

function celName(node: CompiledNode, k: string): string | undefined {
  let names = escapedNames.get(node);
  if (names === undefined) {
    names = new Map();
    escapedNames.set(node, names);
  }
  if (!names.has(k)) names.set(k, escapeCelName(k));
  return names.get(k);
}

const PENDING = Symbol("pending");

/** A CEL map whose values are converted on first read. */
class LazyMap extends Map<string, CelInput> {
  private readonly pending = new Map<string, () => CelInput>();

  defer(key: string, convert: () => CelInput): void {
    super.set(key, PENDING as unknown as CelInput);
    this.pending.set(key, convert);
  }

  override get(key: string): CelInput | undefined {
    const v = super.get(key);
    if ((v as unknown) !== PENDING) return v;
    const converted = this.pending.get(key)!();
    this.pending.delete(key);
    super.set(key, converted);
    return converted;
  }

  override *entries(): MapIterator<[string, CelInput]> {
    for (const k of super.keys()) yield [k, this.get(k)!];
  }

  override *values(): MapIterator<CelInput> {
    for (const k of super.keys()) yield this.get(k)!;
  }

  override forEach(cb: (value: CelInput, key: string, map: Map<string, CelInput>) => void, thisArg?: unknown): void {
    for (const k of [...super.keys()]) cb.call(thisArg, this.get(k)!, k, this);
  }

  override [Symbol.iterator](): MapIterator<[string, CelInput]> {
    return this.entries();
  }
}

function convertCompound(x: object, node: CompiledNode, resource: boolean, memo: CelMemo): CelInput {
  if (Array.isArray(x)) {
    if (node.type !== "array" && node.items === undefined) return generic(x);
    const items = node.items;
    return x.map((v) => toCel(v, items, items?.embedded ?? false, memo));
  }
  const obj = x as Record<string, unknown>;
  if (node.type !== "object" && node.properties === undefined && node.additional === undefined) return generic(obj);
  const out = new LazyMap();
  const withMeta = resource || node.embedded;
  if (node.properties !== undefined || withMeta) {
    for (const k of Object.keys(obj)) {
      if (withMeta && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
      const prop = node.properties?.get(k);
      if (prop === undefined) continue;
      const name = celName(node, k);
      if (name !== undefined) out.defer(name, () => toCel(obj[k], prop, prop.embedded, memo));
    }
    if (withMeta) {
      for (const k of ["apiVersion", "kind"]) {
        if (typeof obj[k] === "string") out.set(k, obj[k] as string);
      }
      const meta = obj.metadata;
      if (isObject(meta)) {
        const m = new Map<string, CelInput>();
        for (const k of ["name", "generateName"]) {
          if (typeof meta[k] === "string") m.set(k, meta[k] as string);
        }
        out.set("metadata", m);
      }
    }
    return out;
  }
  const ap = node.additional;
  if (ap !== undefined && ap !== "any") {
    for (const k of Object.keys(obj)) out.defer(k, () => toCel(obj[k], ap, ap.embedded, memo));
  }
  return out;
}
