import type { EmbeddedTypesTable, FactSchema } from "./openapi-facts.js";

/**
 * A client-node model name split: `CoreV1EventSeries` is group `core`, version `v1`, type
 * `EventSeries`; `V1beta2DeviceClaim` has no group. client-node prefixes the group only
 * where two groups have a type of the same name and version.
 */
const MODEL_NAME = /^((?:[A-Z][a-z]+)*?)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;

/** Groups preferred when an unprefixed model name matches several definitions. */
const PREFERRED = ["io.k8s.api.core.", "io.k8s.apimachinery.pkg.apis.meta."];

/**
 * Maps client-node model names to the definitions of a table of facts
 * (`V1JobTemplateSpec` ↔ `io.k8s.api.batch.v1.JobTemplateSpec`) and back.
 */
export class DefinitionIndex {
  /** Definition names by `<version>.<Type>`. */
  private readonly byVersionAndType = new Map<string, string[]>();

  constructor(private readonly table: EmbeddedTypesTable) {
    for (const name of Object.keys(table.definitions).sort()) {
      const parts = name.split(".");
      if (parts.length < 3) continue;
      const key = parts.slice(-2).join(".");
      const list = this.byVersionAndType.get(key) ?? [];
      list.push(name);
      this.byVersionAndType.set(key, list);
    }
  }

  /** A definition of the table, by its full name. */
  definition(name: string): FactSchema | undefined {
    return Object.hasOwn(this.table.definitions, name) ? this.table.definitions[name] : undefined;
  }

  /** The definition behind a client-node model name, or undefined when the table has none. */
  definitionOf(modelName: string): string | undefined {
    const m = MODEL_NAME.exec(modelName);
    if (!m) return undefined;
    const [, group = "", version = "", type = ""] = m;
    const candidates = this.byVersionAndType.get(`${version.toLowerCase()}.${type}`) ?? [];
    if (group !== "") {
      const g = group.toLowerCase();
      return candidates.find((c) => c.split(".").at(-3) === g);
    }
    if (candidates.length <= 1) return candidates[0];
    for (const prefix of PREFERRED) {
      const found = candidates.find((c) => c.startsWith(prefix));
      if (found) return found;
    }
    return candidates[0];
  }

  /**
   * The client-node model of a definition: `V1<Type>` (or `<Group>V1<Type>`), the one
   * `isModel` accepts and that maps back to the definition; undefined when client-node has
   * none (a type newer than client-node's Kubernetes version).
   */
  modelOf(definition: string, isModel: (modelName: string) => boolean): string | undefined {
    const parts = definition.split(".");
    const [group = "", version = "", type = ""] = parts.slice(-3);
    const v = version.charAt(0).toUpperCase() + version.slice(1);
    const g = group.charAt(0).toUpperCase() + group.slice(1);
    for (const candidate of [`${v}${type}`, `${g}${v}${type}`]) {
      if (isModel(candidate) && this.definitionOf(candidate) === definition) return candidate;
    }
    return undefined;
  }
}
