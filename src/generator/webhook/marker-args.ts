import type { SourceLocation } from "../../diagnostics/index.js";
import type { Marker, MarkerValue } from "../../markers/index.js";

/**
 * Typed access to the arguments of a parsed marker, and the source location of each, so
 * that errors point at the argument they are about.
 */
export class MarkerArgs {
  private readonly values: { readonly [name: string]: MarkerValue };

  constructor(readonly marker: Marker) {
    this.values = isArgs(marker.value) ? marker.value : {};
  }

  /** Whether the argument was written. */
  has(name: string): boolean {
    return Object.hasOwn(this.values, name);
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === "string" ? v : undefined;
  }

  strings(name: string): string[] | undefined {
    const v = this.values[name];
    return Array.isArray(v)
      ? v.map((item: MarkerValue) => (typeof item === "string" ? item : String(item)))
      : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.values[name];
    return typeof v === "boolean" ? v : undefined;
  }

  int(name: string): number | undefined {
    const v = this.values[name];
    return typeof v === "number" ? v : undefined;
  }

  /**
   * Where argument `name` is written (its first letter), or the marker's own location when
   * it is not written. The marker's location is that of its `+`, and its text follows.
   */
  location(name?: string): SourceLocation {
    const { text, location } = this.marker;
    if (name === undefined) return location;
    const pattern = new RegExp(`[:,]\\s*(${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})\\s*=`, "g");
    pattern.lastIndex = Math.min(this.marker.name.length, text.length);
    const m = pattern.exec(text);
    if (!m) return location;
    const offset = m.index + m[0].indexOf(m[1]!);
    return { ...location, column: location.column + 1 + offset };
  }
}

function isArgs(value: Marker["value"]): value is { readonly [name: string]: MarkerValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
