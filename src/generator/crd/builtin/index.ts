export { builtinSchema, isBuiltinModel, goTypeName, BuiltinCatalog } from "./builtin-schema.js";
export { conditionSchema } from "./condition-schema.js";
export { locateClientNodeModels } from "./locate-client-node.js";
export { QUANTITY_FIELDS, isQuantityField } from "./quantity-fields.js";
export type { AttributeType, ModelMetadata, ModelProperty } from "./model-metadata.js";
