import type { Diagnostic, SourceLocation } from "../diagnostics/index.js";
import { closest } from "../diagnostics/index.js";
import type { MarkerValue } from "./grammar/arg-type.js";
import { describeArgType } from "./grammar/arg-type.js";
import { Cursor, MarkerSyntaxError } from "./grammar/cursor.js";
import { parseValue } from "./grammar/parse-value.js";
import type { Marker, MarkerArgs, MarkerDefinition, MarkerTarget, ParsedValue } from "./definition.js";
import type { MarkerRegistry } from "./registry.js";
import { foreignMarker } from "./definitions/foreign.js";

/**
 * The outcome of parsing one marker line: a marker, an error, or nothing (a marker of another
 * tool; `tool` names it when the marker is one of the listed foreign families).
 */
export type ParseOutcome =
  | { readonly kind: "marker"; readonly marker: Marker }
  | { readonly kind: "error"; readonly diagnostic: Diagnostic }
  | { readonly kind: "ignored"; readonly tool?: string };

const TARGET_NAMES: Record<MarkerTarget, string> = {
  package: "a package (the top comment of groupversion-info.ts)",
  type: "a type",
  field: "a field",
  file: "anywhere in a file",
};

/**
 * Prefixes whose unknown markers are errors, but for the listed markers of other Go
 * generators (./definitions/foreign.ts); markers outside them (`+genclient`, ...) belong to
 * other tools unless they look like a typo of a known one.
 */
const OWNED_PREFIXES = ["kubebuilder:", "k8s:"];

/**
 * Parses the marker text `text` (without its leading `+`) found at `location` (the `+`) on a
 * declaration of kind `target`. Names resolve as in controller-tools: the whole name before
 * the first `=`, else that name less its last `:` segment, which then becomes the first
 * argument (`+kubebuilder:printcolumn:name=Age,...`).
 */
export function parseMarker(
  text: string,
  location: SourceLocation,
  target: MarkerTarget,
  registry: MarkerRegistry,
): ParseOutcome {
  const trimmed = text.trimEnd();
  const eq = trimmed.indexOf("=");
  const fullName = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim();
  const lastColon = fullName.lastIndexOf(":");
  const shortName = lastColon > 0 ? fullName.slice(0, lastColon) : undefined;

  let definition = registry.lookup(fullName, target);
  let name = fullName;
  let fieldsStart = eq < 0 ? trimmed.length : eq + 1;
  let fields = eq < 0 ? "" : trimmed.slice(eq + 1);
  if (definition === undefined && shortName !== undefined) {
    const short = registry.lookup(shortName, target);
    if (short !== undefined && short.shape.kind === "value" && fullName.endsWith(":") && eq >= 0) {
      // `+kubebuilder:default:=Allow`: an empty last segment before `=`, as controller-tools allows
      definition = short;
      name = shortName;
    } else if (short !== undefined && short.shape.kind === "args") {
      definition = short;
      name = shortName;
      // `name:first=value,...`: the last name segment is the first argument's name
      fieldsStart = trimmed.indexOf(fullName) + lastColon + 1;
      fields = trimmed.slice(fieldsStart);
    }
  }

  const error = (message: string, column = location.column, hint?: string): ParseOutcome => {
    const d: Diagnostic = {
      severity: "error",
      code: "marker",
      message,
      location: { ...location, column },
      ...(hint ? { hint } : {}),
    };
    return { kind: "error", diagnostic: d };
  };

  if (definition === undefined) {
    const elsewhere = [
      ...registry.definitionsOf(fullName),
      ...(shortName ? registry.definitionsOf(shortName).filter((d) => d.shape.kind === "args") : []),
    ];
    if (elsewhere.length > 0) {
      const where = [...new Set(elsewhere.flatMap((d) => d.targets))].map((t) => TARGET_NAMES[t]);
      return error(
        `marker +${elsewhere[0]!.name} cannot be used on ${TARGET_NAMES[target]}; it applies to ${where.join(" or ")}`,
      );
    }
    const foreign = foreignMarker(fullName);
    if (foreign !== undefined) return { kind: "ignored", tool: foreign.tool };
    const suggestion = registry.suggest(fullName) ?? (shortName ? registry.suggest(shortName) : undefined);
    const owned = OWNED_PREFIXES.some((p) => fullName.startsWith(p));
    if (!owned && suggestion === undefined) return { kind: "ignored" };
    if (!owned && !looksLikeTypo(fullName, suggestion)) return { kind: "ignored" };
    return error(
      `unknown marker +${fullName}`,
      location.column,
      suggestion ? `did you mean +${suggestion}?` : "run `kb markers` to list the supported markers",
    );
  }

  try {
    const value = parseFields(definition, fields, 1 + fieldsStart);
    const marker: Marker = { name, value, definition, text: trimmed, location };
    return { kind: "marker", marker };
  } catch (e) {
    if (e instanceof MarkerSyntaxError) {
      return error(`invalid marker +${name}: ${e.message}`, location.column + e.offset, usageHint(definition));
    }
    throw e;
  }
}

/** A suggestion for a name outside our prefixes counts only when it is nearly the same. */
function looksLikeTypo(name: string, suggestion: string | undefined): boolean {
  if (suggestion === undefined) return false;
  const a = name.toLowerCase();
  const b = suggestion.toLowerCase();
  return a === b || (Math.abs(a.length - b.length) <= 2 && a.length >= 6 && closest(name, [suggestion]) !== undefined);
}

/**
 * Parses the argument part of a marker. `base` is the offset of `fields` in the marker
 * text plus one for the `+`, so errors point at the right column.
 */
function parseFields(definition: MarkerDefinition, fields: string, base: number): ParsedValue {
  const cursor: Cursor = new Cursor(fields, 0, base);
  const shape = definition.shape;
  switch (shape.kind) {
    case "flag":
      if (fields.trim() !== "") cursor.fail(`+${definition.name} takes no value`);
      return true;
    case "value": {
      if (fields.trim() === "") cursor.fail(`expected a value (${describeArgType(shape.type)})`);
      const value = parseValue(cursor, shape.type);
      if (cursor.peek() !== "") cursor.fail(`unexpected ${cursor.describeNext()} after the value`);
      return value;
    }
    case "args": {
      const out: Record<string, MarkerValue> = {};
      const known = new Map(shape.args.map((a) => [a.name, a]));
      if (fields.trim() !== "") {
        for (;;) {
          const at = (cursor.skipSpace(), cursor.pos);
          const argName = cursor.ident();
          if (argName === undefined) cursor.fail(`expected argument name, got ${cursor.describeNext()}`);
          const spec = known.get(argName);
          if (spec === undefined) {
            const near = closest(argName, known.keys());
            const list = [...known.keys()].join(", ");
            cursor.fail(
              `unknown argument "${argName}"${near ? ` (did you mean "${near}"?)` : ""}; expected one of ${list}`,
              at,
            );
          }
          if (argName in out) cursor.fail(`argument "${argName}" is given twice`, at);
          cursor.expect("=", `"=" after ${argName}`);
          out[argName] = parseValue(cursor, spec.type);
          const next = cursor.peek();
          if (next === "") break;
          cursor.expect(",", "comma between arguments");
        }
      }
      const missing = shape.args.filter((a) => !a.optional && !(a.name in out)).map((a) => a.name);
      if (missing.length > 0) {
        cursor.fail(`missing argument${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}`, fields.length);
      }
      return out as MarkerArgs;
    }
  }
}

function usageHint(definition: MarkerDefinition): string {
  const shape = definition.shape;
  switch (shape.kind) {
    case "flag":
      return `usage: +${definition.name}`;
    case "value":
      return `usage: +${definition.name}=<${describeArgType(shape.type)}>`;
    case "args":
      return `usage: +${definition.name}:${shape.args
        .map((a) => `${a.name}=<${describeArgType(a.type)}>${a.optional ? "?" : ""}`)
        .join(",")}`;
  }
}
