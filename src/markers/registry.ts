import { closest } from "../diagnostics/index.js";
import type { MarkerDefinition, MarkerTarget } from "./definition.js";

/**
 * The markers kb knows, keyed by name and target. Definitions are passed in by the caller
 * (nothing registers itself on import), and the registry answers the questions the
 * collector asks: is this a known marker for this target, for another target, or close to
 * a known name?
 */
export class MarkerRegistry {
  private readonly byName = new Map<string, MarkerDefinition[]>();

  constructor(definitions: Iterable<MarkerDefinition> = []) {
    for (const d of definitions) this.register(d);
  }

  register(definition: MarkerDefinition): void {
    const list = this.byName.get(definition.name) ?? [];
    for (const existing of list) {
      const overlap = existing.targets.filter((t) => definition.targets.includes(t));
      if (overlap.length > 0) {
        throw new Error(`marker ${definition.name} is registered twice for ${overlap.join(", ")}`);
      }
    }
    list.push(definition);
    this.byName.set(definition.name, list);
    this.sortedNames = undefined;
  }

  /** The definition of `name` for `target`, if any. */
  lookup(name: string, target: MarkerTarget): MarkerDefinition | undefined {
    return this.byName.get(name)?.find((d) => d.targets.includes(target));
  }

  /** Every definition of `name`, whatever its target. */
  definitionsOf(name: string): readonly MarkerDefinition[] {
    return this.byName.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** All definitions, sorted by name. */
  all(): MarkerDefinition[] {
    return [...this.byName.keys()].sort().flatMap((n) => this.byName.get(n)!);
  }

  names(): string[] {
    return (this.sortedNames ??= [...this.byName.keys()].sort());
  }

  private sortedNames: string[] | undefined;

  /** The known marker name closest to `name`, as a typo suggestion. */
  suggest(name: string): string | undefined {
    // Most typos are in the last segment: compare it among the names sharing the prefix
    // first (cheap), then fall back to every name.
    const colon = name.lastIndexOf(":");
    if (colon > 0) {
      const prefix = name.slice(0, colon + 1);
      const siblings = this.names()
        .filter((n) => n.startsWith(prefix) && n.indexOf(":", prefix.length) < 0)
        .map((n) => n.slice(prefix.length));
      const last = closest(name.slice(prefix.length), siblings);
      if (last !== undefined) return prefix + last;
    }
    return closest(name, this.byName.keys());
  }
}
