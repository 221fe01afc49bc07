/**
 * Generation-time checks of CEL validation rules (`+kubebuilder:validation:XValidation`):
 * what the API server would reject when the CRD is applied is reported with the marker's
 * location instead.
 */
export { checkValidationRules, referencedSelfPaths, VALIDATION_REASONS, type RuleSite } from "./check-rules.js";
export { checkRuleCosts, estimateRuleCosts, RULE_COST_LIMIT, SCHEMA_COST_LIMIT, type RuleCost, type RuleCostSite } from "./rule-costs.js";
export { checkSchemaRules, validationRuleSites } from "./rule-sites.js";
export { estimateCost, type Range } from "./cost.js";
export { sizeModel, type SizeNode } from "./size-model.js";
export { escapeCelName, unescapeCelName, CEL_RESERVED_WORDS } from "./escape.js";
export { CelCode } from "./findings.js";
export { fieldPathProblem, type FieldPathProblem } from "./field-path.js";
