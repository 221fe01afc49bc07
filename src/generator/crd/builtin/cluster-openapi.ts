import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { KbError, ExitCode } from "../../../diagnostics/index.js";
import { BuiltinCatalog, type BuiltinCatalogOptions } from "./builtin-schema.js";
import { KUBERNETES_TYPES } from "./kubernetes-types.generated.js";
import { locateClientNodeModels } from "./locate-client-node.js";
import { descriptionsFromOpenApi, type OpenApiDescriptions } from "./openapi-descriptions.js";
import { tableFromOpenApi, zeroValueDefaultFilter, type DefaultFilter, type EmbeddedTypesTable } from "./openapi-facts.js";

const HINT = "save them with e.g. `kubectl get --raw /openapi/v3/apis/batch/v1 > batch-v1.json` and `kubectl get --raw /openapi/v3/api/v1 > core-v1.json`";

/** What `kb generate --embedded-openapi <dir>` reads from a folder of OpenAPI v3 documents. */
export interface EmbeddedOpenApi {
  /** The structural facts of the types the documents define. */
  readonly table: EmbeddedTypesTable;
  /** Their descriptions: each type's doc and each field's own doc. */
  readonly descriptions: OpenApiDescriptions;
}

/**
 * Builds the table of facts of Kubernetes' types from a folder of OpenAPI v3 documents a
 * cluster serves (`kubectl get --raw /openapi/v3/apis/<group>/<version> > <file>.json`),
 * for `kb generate --embedded-openapi <dir>`: the schemas then follow that cluster's
 * Kubernetes version and the features it has on. See {@link readEmbeddedOpenApiFolder} for
 * the descriptions too.
 *
 * Two facts the documents cannot carry come from the pinned table where it has the same
 * definition: which defaults are a field's own `+default` (the documents also hold
 * openapi-gen's zero values, which controller-gen does not write), and a `+structType=atomic`
 * that a type has through a struct it embeds inline. For a definition the pinned table lacks,
 * a default is kept unless it is `{}` or a required field's zero value.
 *
 * @param dir a folder of `.json` files (other files are ignored)
 * @throws KbError `embedded-openapi` when the folder cannot be read, a file is not JSON, or
 *   no file has any definition.
 * @example
 * const table = readEmbeddedOpenApi("openapi/");
 * table.definitions["io.k8s.api.core.v1.ContainerPort"]?.properties?.protocol?.default; // "TCP"
 */
export function readEmbeddedOpenApi(dir: string, pinned: EmbeddedTypesTable = KUBERNETES_TYPES): EmbeddedTypesTable {
  return readEmbeddedOpenApiFolder(dir, pinned).table;
}

/**
 * Reads a folder of OpenAPI v3 documents once for both what `--embedded-openapi` takes from
 * them: the table of facts ({@link readEmbeddedOpenApi}) and the descriptions of the types
 * and their fields (openapi-descriptions.ts), which replace client-node's where the
 * documents have them.
 *
 * @throws KbError `embedded-openapi`, as {@link readEmbeddedOpenApi}.
 * @example
 * const { descriptions } = readEmbeddedOpenApiFolder("openapi/");
 * descriptions.definitions["io.k8s.api.core.v1.Probe"]?.properties.httpGet; // "HTTPGet specifies an HTTP GET request to perform."
 */
export function readEmbeddedOpenApiFolder(dir: string, pinned: EmbeddedTypesTable = KUBERNETES_TYPES): EmbeddedOpenApi {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
  } catch (e) {
    throw new KbError("embedded-openapi", `--embedded-openapi ${dir}: expected a folder of OpenAPI v3 documents (${(e as Error).message})`, {
      hint: HINT,
      exitCode: ExitCode.badInput,
    });
  }
  const documents = files.map((f) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), "utf8")) as unknown;
    } catch (e) {
      throw new KbError("embedded-openapi", `--embedded-openapi: ${join(dir, f)} is not an OpenAPI v3 document in JSON (${(e as Error).message})`, {
        hint: HINT,
        exitCode: ExitCode.badInput,
      });
    }
  });
  const keepDefault: DefaultFilter = (definition, property, value, required) => {
    const known = pinned.definitions[definition];
    if (known?.properties?.[property]) return known.properties[property].default !== undefined;
    return zeroValueDefaultFilter(required)(property, value);
  };
  let table: EmbeddedTypesTable;
  try {
    table = tableFromOpenApi(documents, { kubernetes: `openapi:${dir}`, keepDefault });
  } catch (e) {
    throw new KbError("embedded-openapi", `--embedded-openapi ${dir}: ${(e as Error).message}`, { hint: HINT, exitCode: ExitCode.badInput });
  }
  const definitions = table.definitions as Record<string, Record<string, unknown>>;
  for (const [name, def] of Object.entries(definitions)) {
    const mapType = pinned.definitions[name]?.["x-kubernetes-map-type"];
    if (def["x-kubernetes-map-type"] === undefined && mapType !== undefined) def["x-kubernetes-map-type"] = mapType;
  }
  return { table, descriptions: descriptionsFromOpenApi(documents) };
}

/**
 * A catalog of client-node's models expanded with the facts and the descriptions of a folder
 * of OpenAPI v3 documents (see {@link readEmbeddedOpenApiFolder}), read now: a field has its
 * own doc from the documents (or else its type's, as controller-gen does), and client-node's
 * descriptions fill in only where the documents have none. A model whose type the documents
 * lack comes from client-node alone.
 *
 * @param options `embeddedObjectMeta`: see {@link BuiltinCatalogOptions.embeddedObjectMeta}
 * @example
 * const catalog = embeddedOpenApiCatalog("openapi/");
 * catalog.schema("V1JobTemplateSpec"); // as the cluster that served the documents has it
 */
export function embeddedOpenApiCatalog(dir: string, options: Pick<BuiltinCatalogOptions, "embeddedObjectMeta"> = {}): BuiltinCatalog {
  const { table, descriptions } = readEmbeddedOpenApiFolder(dir);
  return new BuiltinCatalog(locateClientNodeModels(), { table, descriptions, embeddedObjectMeta: options.embeddedObjectMeta });
}
