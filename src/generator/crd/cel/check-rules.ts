import { closest, type DiagnosticList, type SourceLocation } from "../../../diagnostics/index.js";
import type { JSONSchemaProps, ValidationRule } from "../../../model/schema.js";
import { DYN, exposureProblem, isResourceRoot, optionalOf, typeFromSchema, type CelType } from "./cel-types.js";
import { fieldPathProblem } from "./field-path.js";
import { CelCode, withArticle, type Finding } from "./findings.js";
import { parseRule, where } from "./parse-rule.js";
import { checkExpression, type ExpressionCheck, type RuleEnv } from "./rule-checker.js";

/** A CEL rule as placed in a CRD schema, with the marker it came from. */
export interface RuleSite {
  readonly rule: ValidationRule;
  /** The schema node the rule is attached to: `self`. */
  readonly schema: JSONSchemaProps;
  /** The marker's location. */
  readonly location: SourceLocation;
  /**
   * Whether `schema` is the root of a resource (the CRD's top node), where the API server
   * adds `apiVersion`, `kind` and `metadata.name`/`generateName`. When unset, a node with
   * `apiVersion`, `kind` and a property-less `metadata` object (or an embedded resource)
   * counts as a root.
   */
  readonly resourceRoot?: boolean;
}

/** The `reason`s the API server accepts. */
export const VALIDATION_REASONS: readonly string[] = [
  "FieldValueInvalid",
  "FieldValueForbidden",
  "FieldValueRequired",
  "FieldValueDuplicate",
];

const MAX_QUOTED = 80;

/**
 * Checks every CEL rule at generation time, as the API server would when the CRD is applied:
 * the rule and its messageExpression parse; field references are typed against the schema
 * (escaped names, optional selection, macros, maps, int-or-string, embedded resources);
 * operators, indexes, literals and function arguments have matching overloads, and literal
 * patterns, durations and timestamps parse; the rule gives a bool and the message expression
 * a string; `reason`, `fieldPath`, `message` and `optionalOldSelf` are valid. Iterating lists
 * or maps without maxItems/maxProperties, and scanning strings without maxLength, are
 * warnings, since the API server estimates cost from those bounds (the budgets themselves
 * are checked on the finished CRDs: see checkRuleCosts). Each rule is parsed once.
 */
export function checkValidationRules(sites: readonly RuleSite[], diagnostics: DiagnosticList): void {
  for (const site of sites) checkSite(site, diagnostics);
}

function checkSite(site: RuleSite, diagnostics: DiagnosticList): void {
  const { rule, schema, location } = site;
  const label = `XValidation rule ${quote(rule.rule)}`;
  const error = (code: string, message: string, hint?: string) =>
    diagnostics.error(code, `${label}: ${message}`, location, hint);

  checkFields(rule, schema, error);

  const root = site.resourceRoot ?? isResourceRoot(schema);
  const env = ruleEnv(rule, schema, root);
  if (!env) {
    error(
      CelCode.untyped,
      `the API server cannot compile rules on this schema node: ${exposureProblem(schema) ?? "it has no CEL type"}`,
      "attach the rule to a typed field, or to the object that holds this one",
    );
    return;
  }

  if (rule.rule.trim() !== "") {
    const checked = checkText(rule.rule, env, label, location, diagnostics);
    if (checked) {
      if (definitelyNot(checked.type, "bool")) {
        error(CelCode.resultType, `must evaluate to a bool, but evaluates to ${withArticle(checked.type)}`);
      }
      if (rule.optionalOldSelf !== undefined && !checked.usesOldSelf) {
        error(
          CelCode.optionalOldSelf,
          "optionalOldSelf may only be set on a transition rule, one that uses oldSelf",
          "remove optionalOldSelf, or compare self with oldSelf in the rule",
        );
      }
    }
  }

  const messageExpression = rule.messageExpression;
  if (messageExpression !== undefined && messageExpression.trim() !== "") {
    const msgLabel = `messageExpression ${quote(messageExpression)} of ${label}`;
    const checked = checkText(messageExpression, env, msgLabel, location, diagnostics);
    if (checked && definitelyNot(checked.type, "string")) {
      diagnostics.error(
        CelCode.resultType,
        `${msgLabel}: must evaluate to a string, but evaluates to ${withArticle(checked.type)}`,
        location,
      );
    }
  }
}

/**
 * The variables a rule on `schema` sees (`self`, and `oldSelf`, optional with
 * optionalOldSelf), or undefined when the API server gives the node no CEL type.
 */
export function ruleEnv(rule: ValidationRule, schema: JSONSchemaProps, root: boolean): RuleEnv | undefined {
  const self = typeFromSchema(schema, "self", "self", root);
  if (!self) return undefined;
  const old = typeFromSchema(schema, "oldSelf", "self", root) ?? DYN;
  return { self, oldSelf: rule.optionalOldSelf === true ? optionalOf(old) : old };
}

/** The checks the API server makes on a rule's other fields before compiling it. */
function checkFields(
  rule: ValidationRule,
  schema: JSONSchemaProps,
  error: (code: string, message: string, hint?: string) => void,
): void {
  const trimmedRule = rule.rule.trim();
  if (trimmedRule === "") error(CelCode.rule, "the rule is empty", "rule=<a CEL expression that must be true>");
  const message = rule.message ?? "";
  if (message !== "" && message.trim() === "") {
    error(CelCode.message, "message must be non-empty if specified");
  } else if (/[\r\n]/.test(message.trim())) {
    error(CelCode.message, "message must not contain line breaks");
  } else if (message === "" && /[\r\n]/.test(trimmedRule)) {
    error(CelCode.message, "a rule that spans several lines needs a message", "add message=<text> to the marker");
  }
  if (rule.messageExpression !== undefined && rule.messageExpression !== "" && rule.messageExpression.trim() === "") {
    error(CelCode.message, "messageExpression must be non-empty if specified");
  }
  const reason = rule.reason as string | undefined;
  if (reason !== undefined && !VALIDATION_REASONS.includes(reason)) {
    const match = closest(reason, VALIDATION_REASONS);
    error(
      CelCode.reason,
      `reason "${reason}" is not supported; expected one of ${VALIDATION_REASONS.join(", ")}`,
      match !== undefined ? `did you mean "${match}"?` : undefined,
    );
  }
  const fieldPath = rule.fieldPath;
  if (fieldPath === undefined || fieldPath === "") return;
  if (fieldPath.trim() === "") {
    error(CelCode.fieldPath, "fieldPath must be non-empty if specified");
  } else if (/[\r\n]/.test(fieldPath)) {
    error(CelCode.fieldPath, "fieldPath must not contain line breaks");
  } else {
    const problem = fieldPathProblem(fieldPath, schema);
    if (problem) {
      const match = problem.missing ? closest(problem.missing.name, problem.missing.candidates) : undefined;
      error(
        CelCode.fieldPath,
        `fieldPath "${fieldPath}" is not a valid path into the rule's schema: ${problem.message}` +
          (problem.missing ? ` ("${problem.missing.name}")` : ""),
        match !== undefined
          ? `did you mean "${match}"?`
          : 'write a path relative to self such as ".spec.field" or ".labels[\'key\']"',
      );
    }
  }
}

/** Parses and types one expression, reporting what it finds; undefined when it does not parse. */
function checkText(
  text: string,
  env: RuleEnv,
  label: string,
  location: SourceLocation,
  diagnostics: DiagnosticList,
): ExpressionCheck | undefined {
  const parsed = parseRule(text);
  if (!parsed.ok) {
    const at = parsed.error.offset === undefined ? "" : ` at ${where(text, parsed.error.offset)}`;
    diagnostics.error(CelCode.syntax, `${label}: syntax error${at}: ${parsed.error.message}`, location);
    return undefined;
  }
  const checked = checkExpression(parsed.rule, env);
  for (const f of checked.findings) report(f, text, label, location, diagnostics);
  return checked;
}

function report(f: Finding, text: string, label: string, location: SourceLocation, diagnostics: DiagnosticList): void {
  const at = f.offset === undefined ? "" : ` (at ${where(text, f.offset)})`;
  const message = `${label}: ${f.message}${at}`;
  if (f.severity === "error") diagnostics.error(f.code, message, location, f.hint);
  else diagnostics.warn(f.code, message, location, f.hint);
}

/** True when `t` is known and is not the scalar `name` (dyn and errors pass). */
function definitelyNot(t: CelType, name: "bool" | "string"): boolean {
  if (t.kind === "dyn" || t.kind === "error") return false;
  return !(t.kind === "scalar" && t.name === name);
}

function quote(text: string): string {
  const short = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
  return JSON.stringify(short);
}

/**
 * The schema paths under `self` that a rule reads, sorted, e.g. `self.spec.replicas` or
 * `self.spec.items[*].name` (list items and map values are `[*]`); a path that only leads
 * to a longer one is left out. Without `schema`, `self` is untyped and only the syntax
 * counts. A rule that does not parse gives an empty list.
 */
export function referencedSelfPaths(rule: string, schema?: JSONSchemaProps): string[] {
  const parsed = parseRule(rule);
  if (!parsed.ok) return [];
  const self: CelType = (schema && typeFromSchema(schema, "self", "self", isResourceRoot(schema))) ?? {
    kind: "dyn",
    path: "self",
  };
  const old: CelType = (schema && typeFromSchema(schema, "oldSelf", "self", isResourceRoot(schema))) ?? {
    kind: "dyn",
    path: "oldSelf",
  };
  const paths = checkExpression(parsed.rule, { self, oldSelf: old }).selfPaths;
  const leading = new Set<string>();
  for (const p of paths) {
    for (let i = 1; i < p.length; i++) if (p[i] === "." || p[i] === "[") leading.add(p.slice(0, i));
  }
  return [...paths].filter((p) => !leading.has(p)).sort();
}
