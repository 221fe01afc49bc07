import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A type as client-node's `attributeTypeMap` writes it: `string`, `number`, `boolean`,
 * `Date`, `IntOrString`, `any`, a model name, `Array<T>` or `{ [key: string]: T; }`.
 */
export type AttributeType =
  | { readonly kind: "array"; readonly items: AttributeType }
  | { readonly kind: "map"; readonly values: AttributeType }
  | { readonly kind: "name"; readonly name: string };

/** One property of a client-node model. */
export interface ModelProperty {
  /** The JSON name (`baseName` in `attributeTypeMap`). */
  readonly jsonName: string;
  /** The name in the class, which may differ (`_default` for `default`). */
  readonly propertyName: string;
  readonly type: AttributeType;
  /** The OpenAPI format of the innermost type (`int32`, `date-time`, `byte`, ...), or "". */
  readonly format: string;
  /** Declared with `?` in the model's .d.ts. */
  readonly optional: boolean;
  /** The property's JSDoc, unescaped; "" when it has none. */
  readonly description: string;
}

/** What client-node ships about one model class. */
export interface ModelMetadata {
  readonly name: string;
  /** The class JSDoc, unescaped; "" when it has none. */
  readonly description: string;
  /** In `attributeTypeMap` order. */
  readonly properties: readonly ModelProperty[];
}

/** Files in the models directory that are not model classes. */
const NOT_MODELS = new Set(["ObjectSerializer", "all"]);

/** Whether `dir` holds the model class `name` (both its .d.ts and its .js). */
export function hasModelFiles(dir: string, name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name) || NOT_MODELS.has(name)) return false;
  return existsSync(join(dir, `${name}.js`)) && existsSync(join(dir, `${name}.d.ts`));
}

/**
 * Reads a model's metadata: property types and formats from the static `attributeTypeMap`
 * in its .js (read as text, so this stays synchronous and loads no client-node code), and
 * descriptions and optionality from its .d.ts.
 *
 * @returns undefined when `dir` has no such model.
 */
export function readModelMetadata(dir: string, name: string): ModelMetadata | undefined {
  if (!hasModelFiles(dir, name)) return undefined;
  const attributes = readAttributeTypeMap(readFileSync(join(dir, `${name}.js`), "utf8"), name);
  if (!attributes) return undefined;
  const declared = readDeclaration(readFileSync(join(dir, `${name}.d.ts`), "utf8"), name);
  const properties = attributes.map((a): ModelProperty => {
    const d = declared.properties.get(a.name);
    return {
      jsonName: a.baseName,
      propertyName: a.name,
      type: parseAttributeType(a.type),
      format: a.format,
      optional: d?.optional ?? true,
      description: d?.description ?? "",
    };
  });
  return { name, description: declared.description, properties };
}

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

/** The JSON array assigned to `<name>.attributeTypeMap` in a model's .js. */
function readAttributeTypeMap(js: string, name: string): Attribute[] | undefined {
  const marker = `${name}.attributeTypeMap = `;
  const start = js.indexOf(marker);
  if (start < 0) return undefined;
  const open = start + marker.length;
  const close = js.indexOf("\n];", open);
  if (js[open] !== "[" || close < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(js.slice(open, close + 2));
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) ? parsed.filter(isAttribute) : undefined;
}

function isAttribute(value: unknown): value is Attribute {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return ["name", "baseName", "type", "format"].every((k) => typeof v[k] === "string");
}

/** Parses an `attributeTypeMap` type string. */
export function parseAttributeType(text: string): AttributeType {
  const t = text.trim();
  if (t.startsWith("Array<") && t.endsWith(">")) {
    return { kind: "array", items: parseAttributeType(t.slice("Array<".length, -1)) };
  }
  const map = /^\{\s*\[key: string\]:\s*(.*?);?\s*\}$/s.exec(t);
  if (map?.[1] !== undefined) return { kind: "map", values: parseAttributeType(map[1]) };
  return { kind: "name", name: t };
}

interface Declaration {
  readonly description: string;
  readonly properties: ReadonlyMap<string, { optional: boolean; description: string }>;
}

/** A property line of a generated model class: `'name'?: Type;`. */
const PROPERTY_LINE = /^\s*'([^']+)'(\?)?:/;

/**
 * The class `name` of a model's .d.ts: its JSDoc, and each property's `?` and JSDoc.
 *
 * The generator writes these files in one fixed layout (a JSDoc block on its own lines
 * right above `export declare class X {` and above each `'prop'?: T;` line), so a line
 * scanner reads them; a full TypeScript parse would cost ten times as much for the hundred
 * models of a pod template. A test checks the scanner against the TypeScript parser for
 * every model client-node ships.
 */
function readDeclaration(text: string, name: string): Declaration {
  const properties = new Map<string, { optional: boolean; description: string }>();
  const classLine = `export declare class ${name} `;
  let description = "";
  let inClass = false;
  let doc: string[] | undefined; // the lines of the comment being read
  let lastDoc: string | undefined; // the comment just above the current line
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (doc) {
      doc.push(line);
      if (line.includes("*/")) {
        lastDoc = docText(doc.join("\n"));
        doc = undefined;
      }
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith("/**")) {
      if (i === 0) {
        // the generator's licence header opens every file: skip it
        while (i < lines.length && !(lines[i] ?? "").includes("*/")) i++;
        continue;
      }
      doc = [line];
      if (trimmed.endsWith("*/") && trimmed.length > 4) {
        lastDoc = docText(line);
        doc = undefined;
      }
      continue;
    }
    if (!inClass) {
      if (line.startsWith(classLine)) {
        inClass = true;
        description = lastDoc ?? "";
      }
    } else {
      if (line.startsWith("}")) break;
      const property = PROPERTY_LINE.exec(line);
      if (property?.[1] !== undefined) {
        properties.set(property[1], { optional: property[2] === "?", description: lastDoc ?? "" });
      }
    }
    if (trimmed !== "") lastDoc = undefined;
  }
  return { description, properties };
}

/**
 * A JSDoc comment's text. The generator writes each description on one line, escaped as a
 * JavaScript string would be (`\'`, `\"`, `\\`); undo that.
 */
function docText(raw: string): string {
  const lines = raw
    .trim()
    .slice(3, -2)
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\*? ?/, "").trimEnd());
  return lines.join("\n").trim().replace(/\\(.)/gs, "$1");
}

/**
 * The Go type name of a client-node model: the model name without its version prefix
 * (`V1`, `V1beta2`, or a group's `CoreV1`, `AdmissionregistrationV1`, ...).
 */
export function goTypeName(modelName: string): string {
  return modelName.replace(/^(?:[A-Z][a-z]+)*V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, "");
}
