import type { DiagnosticList, SourceLocation } from "../../../diagnostics/index.js";
import type { JSONSchemaProps } from "../../../model/schema.js";
import { checkValidationRules, type RuleSite } from "./check-rules.js";
import { checkRuleCosts } from "./rule-costs.js";

/**
 * The CEL rules of a CRD version's schema (`openAPIV3Schema`), each with the node it is on:
 * for checking a CRD that was not generated from markers (a CRD file). The top node and
 * embedded resources are resource roots.
 */
export function validationRuleSites(schema: JSONSchemaProps, location: SourceLocation): RuleSite[] {
  const sites: RuleSite[] = [];
  const walk = (node: JSONSchemaProps, root: boolean): void => {
    for (const rule of node["x-kubernetes-validations"] ?? []) sites.push({ rule, schema: node, location, resourceRoot: root });
    for (const child of Object.values(node.properties ?? {})) walk(child, child["x-kubernetes-embedded-resource"] === true);
    if (node.items) walk(node.items, node.items["x-kubernetes-embedded-resource"] === true);
    if (typeof node.additionalProperties === "object") walk(node.additionalProperties, node.additionalProperties["x-kubernetes-embedded-resource"] === true);
  };
  walk(schema, true);
  return sites;
}

/**
 * Every check kb makes on the CEL rules of a CRD version's schema, as `kb generate` makes them
 * on the rules of markers: each rule's compilation checks, then the API server's cost budgets.
 * Problems are reported at `location`.
 */
export function checkSchemaRules(schema: JSONSchemaProps, label: string, location: SourceLocation, diagnostics: DiagnosticList): void {
  checkValidationRules(validationRuleSites(schema, location), diagnostics);
  checkRuleCosts([{ schema, label, location }], diagnostics);
}
