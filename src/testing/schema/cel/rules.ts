/**
 * CEL rules of `x-kubernetes-validations` compiled once per schema node: parsed and planned
 * with `@bufbuild/cel`, with whether they are transition rules (use `oldSelf`), their
 * `messageExpression` and their `fieldPath` normalized as the server prints it.
 */
import { parse, plan, type CelResult } from "@bufbuild/cel";
import type { ValidationRule } from "../../../model/schema.js";
import type { CompiledNode } from "../compile.js";
import { ruleEnv } from "./library.js";
import { SINGLE_QUOTE_ESCAPES } from "../../../generator/crd/cel/field-path.js";

/** A planned CEL program. */
export type Program = (vars: Record<string, unknown>) => CelResult;

/** One compiled rule. */
export interface CompiledRule {
  readonly source: ValidationRule;
  /** The planned rule, or why it does not compile. */
  readonly program: Program | undefined;
  readonly compileError: string | undefined;
  readonly messageProgram: Program | undefined;
  /** A transition rule: it refers to `oldSelf`. */
  readonly usesOldSelf: boolean;
  readonly optionalOldSelf: boolean;
  /** `fieldPath` as the server prints it, relative to the node ("" when absent). */
  readonly fieldPath: string;
}

function refersTo(node: unknown, name: string, depth = 0): boolean {
  if (depth > 500 || typeof node !== "object" || node === null) return false;
  const n = node as { case?: unknown; value?: { name?: unknown } };
  if (n.case === "identExpr" && n.value?.name === name) return true;
  for (const v of Object.values(node)) {
    if (typeof v === "object" && v !== null && refersTo(v, name, depth + 1)) return true;
  }
  return false;
}

function compileExpr(text: string): { program: Program; parsed: unknown } | { error: string } {
  try {
    const parsed = parse(text);
    const program = plan(ruleEnv(), parsed) as unknown as Program;
    return { program, parsed: parsed.expr };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const optional = /\.\?|\[\?/.test(text)
      ? " (the optional syntax a.?b and a[?i] is not supported by the kubebuilder-ts test server)"
      : "";
    return { error: message + optional };
  }
}

function unquote(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/\\(.)/g, (_m, c: string) => {
    const r = SINGLE_QUOTE_ESCAPES[c];
    if (r === undefined) bad = true;
    return r ?? "";
  });
  return bad ? undefined : out;
}

/**
 * `fieldPath` (`.spec.foo`, `.labels['a.b']`) resolved against `node` and printed as Go's
 * `field.Path` prints it, or undefined when it does not name a field of the schema.
 */
export function normalizeFieldPath(fieldPath: string, node: CompiledNode): string | undefined {
  const tokens = fieldPath.match(/'(?:[^'\\]|\\.)*'|[.[\]]|[^.[\]']+/g) ?? [];
  let out = "";
  let schema: CompiledNode | undefined = node;
  let i = 0;
  const step = (name: string): boolean => {
    if (schema === undefined) return false;
    if (schema.properties !== undefined) {
      out = out === "" ? name : `${out}.${name}`;
      schema = schema.properties.get(name);
      return schema !== undefined;
    }
    if (schema.additional !== undefined) {
      out = `${out}[${name}]`;
      schema = schema.additional === "any" ? undefined : schema.additional;
      return true;
    }
    return false;
  };
  while (i < tokens.length) {
    const t = tokens[i++]!;
    if (t === ".") {
      const name = tokens[i++];
      if (name === undefined || !step(name)) return undefined;
    } else if (t === "[") {
      const q = tokens[i++];
      if (q === undefined || q.length < 2 || !q.startsWith("'") || !q.endsWith("'")) return undefined;
      const name = unquote(q.slice(1, -1));
      if (name === undefined || !step(name) || tokens[i++] !== "]") return undefined;
    } else return undefined;
  }
  return out;
}

/** Compiles the rules of one schema node. */
export function compileRules(rules: readonly ValidationRule[], node: CompiledNode, _isRoot: boolean): CompiledRule[] {
  return rules.map((rule) => {
    const compiled = compileExpr(rule.rule);
    const message =
      rule.messageExpression !== undefined && rule.messageExpression !== ""
        ? compileExpr(rule.messageExpression)
        : undefined;
    return {
      source: rule,
      program: "program" in compiled ? compiled.program : undefined,
      compileError: "error" in compiled ? compiled.error : undefined,
      messageProgram: message !== undefined && "program" in message ? message.program : undefined,
      usesOldSelf: "parsed" in compiled && refersTo(compiled.parsed, "oldSelf"),
      optionalOldSelf: rule.optionalOldSelf === true,
      fieldPath:
        rule.fieldPath !== undefined && rule.fieldPath !== "" ? (normalizeFieldPath(rule.fieldPath, node) ?? "") : "",
    };
  });
}
