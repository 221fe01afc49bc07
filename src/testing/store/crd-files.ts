import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { isObject, type JsonObject } from "./json.js";

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** A CRD file that cannot be read or parsed; the message names the file. */
export class CrdFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CrdFileError";
  }
}

function filesOf(path: string): string[] {
  let info;
  try {
    info = statSync(path);
  } catch (e) {
    throw new CrdFileError(`crdDirectoryPaths: "${path}" does not exist (expected a directory of CRD YAML files, or one such file)`, { cause: e });
  }
  if (info.isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(path, e.name))
    .sort();
}

/**
 * Reads the CustomResourceDefinitions in the given directories (their `.yaml`, `.yml` and
 * `.json` files, not recursively) or files, with multi-document YAML. Documents of other
 * kinds are skipped, as envtest does. Synchronous: CRD files are small, and the fake client
 * is built synchronously.
 * @example
 * ```ts
 * const crds = readCrdFiles(["config/crd/bases"]);
 * ```
 */
export function readCrdFiles(paths: readonly string[]): JsonObject[] {
  const crds: JsonObject[] = [];
  for (const path of paths) {
    for (const file of filesOf(path)) {
      for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
        if (doc.errors.length > 0) throw new CrdFileError(`${file}: not valid YAML: ${doc.errors[0]!.message}`);
        const value: unknown = doc.toJS();
        if (isObject(value) && value["kind"] === "CustomResourceDefinition" && typeof value["apiVersion"] === "string" && value["apiVersion"].startsWith("apiextensions.k8s.io/")) {
          crds.push(value);
        }
      }
    }
  }
  return crds;
}
