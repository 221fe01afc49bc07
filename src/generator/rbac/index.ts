export { buildRbac, RBAC_OUTPUT_FILE, type BuildRbacOptions } from "./build-rbac.js";
export { normalizeRules } from "./normalize-rules.js";
export { readRbacRule } from "./read-rule.js";
export { compareGoStrings, uniqueSorted } from "./go-strings.js";
export { RBAC_API_VERSION, type PolicyRule, type RbacRule, type RoleDocument } from "./policy-rule.js";
