/**
 * Opaque CEL values (optionals, quantities) for `@bufbuild/cel`, which has no extension types:
 * they present themselves as CEL maps with a single hidden entry, so CEL equality compares
 * that entry, and the functions that accept them check their class.
 */
import type { CelMap, CelValue } from "@bufbuild/cel";

const MAP_BRAND = Symbol.for("@bufbuild/cel/map");

/** Base of a value that `@bufbuild/cel` carries as a map with one comparable entry. */
export abstract class OpaqueValue {
  readonly [MAP_BRAND] = {};

  /** The single value equality compares (undefined: an empty map). */
  protected abstract identity(): CelValue | undefined;

  get size(): number {
    return this.identity() === undefined ? 0 : 1;
  }

  get(key: unknown): CelValue | undefined {
    return key === "\0" ? this.identity() : undefined;
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  *entries(): IterableIterator<[string, CelValue]> {
    const id = this.identity();
    if (id !== undefined) yield ["\0", id];
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<CelValue> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(cb: (value: CelValue, key: string, map: unknown) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }

  [Symbol.iterator](): IterableIterator<[string, CelValue]> {
    return this.entries();
  }

  /** This value as the map `@bufbuild/cel` takes it for. */
  asCel(): CelMap {
    return this as unknown as CelMap;
  }
}

/** An error whose message starts like cel-go's for a call with arguments of the wrong types. */
export function noSuchOverload(fn: string): Error {
  return new Error(`no such overload: ${fn}`);
}
