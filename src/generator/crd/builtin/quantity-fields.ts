/**
 * The fields of Kubernetes built-in types whose Go type is `resource.Quantity` (alone, in a
 * slice, or as the values of a map such as `ResourceList`), as `Type.jsonField`, where
 * `Type` is the Go type's name (the client-node model's name without its version prefix,
 * `V1ResourceRequirements` → `ResourceRequirements`).
 *
 * Written by hand, and the only type knowledge here that client-node's metadata does not
 * carry: its generator erases `resource.Quantity` to `string` (the OpenAPI spec it reads
 * declares Quantity as a string), so `limits`, `requests`, `sizeLimit`, ... cannot be told
 * apart from plain strings. controller-gen gives them its Quantity schema (an int-or-string
 * with the Quantity pattern), and without it `cpu: 1` would be rejected.
 *
 * The list was taken from the Go types of k8s.io/api, in the versions client-node may
 * describe: fields of type `resource.Quantity`, `*resource.Quantity`,
 * `[]resource.Quantity`, `ResourceList` or `map[...]resource.Quantity`; a field of an
 * inline-embedded struct is listed under the struct that embeds it. An entry applies only
 * where client-node types the field as a plain string (or an array or map of them), so an
 * entry that no longer fits is ignored rather than misapplied.
 */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  // core/v1
  "ContainerStatus.allocatedResources",
  "EmptyDirVolumeSource.sizeLimit",
  "LimitRangeItem.default",
  "LimitRangeItem.defaultRequest",
  "LimitRangeItem.max",
  "LimitRangeItem.maxLimitRequestRatio",
  "LimitRangeItem.min",
  "NodeStatus.allocatable",
  "NodeStatus.capacity",
  "PersistentVolumeClaimStatus.allocatedResources",
  "PersistentVolumeClaimStatus.capacity",
  "PersistentVolumeSpec.capacity",
  "PodSpec.overhead",
  "PodStatus.allocatedResources",
  "ResourceFieldSelector.divisor",
  "ResourceQuotaSpec.hard",
  "ResourceQuotaStatus.hard",
  "ResourceQuotaStatus.used",
  "ResourceRequirements.limits",
  "ResourceRequirements.requests",
  "VolumeResourceRequirements.limits",
  "VolumeResourceRequirements.requests",
  // node/*
  "Overhead.podFixed",
  // autoscaling/v1 and v2
  "ContainerResourceMetricSource.targetAverageValue",
  "ContainerResourceMetricStatus.currentAverageValue",
  "ExternalMetricSource.targetAverageValue",
  "ExternalMetricSource.targetValue",
  "ExternalMetricStatus.currentAverageValue",
  "ExternalMetricStatus.currentValue",
  "HPAScalingRules.tolerance",
  "MetricTarget.averageValue",
  "MetricTarget.value",
  "MetricValueStatus.averageValue",
  "MetricValueStatus.value",
  "ObjectMetricSource.averageValue",
  "ObjectMetricSource.targetValue",
  "ObjectMetricStatus.averageValue",
  "ObjectMetricStatus.currentValue",
  "PodsMetricSource.targetAverageValue",
  "PodsMetricStatus.currentAverageValue",
  "ResourceMetricSource.targetAverageValue",
  "ResourceMetricStatus.currentAverageValue",
  // resource/* (dynamic resource allocation)
  "BasicDevice.capacity",
  "CapacityRequestPolicy.default",
  "CapacityRequestPolicy.validValues",
  "CapacityRequestPolicyRange.max",
  "CapacityRequestPolicyRange.min",
  "CapacityRequestPolicyRange.step",
  "CapacityRequirements.requests",
  "Counter.value",
  "DeviceCapacity.value",
  "DeviceRequestAllocationResult.consumedCapacity",
  // NamedResourcesAttributeValue.quantity, embedded inline in NamedResourcesAttribute
  "NamedResourcesAttribute.quantity",
  "NodeAllocatableMappedResources.quantity",
  "NodeAllocatableMapping.capacityMultiplier",
  "NodeAllocatableMapping.deviceMultiplier",
  "NodeAllocatableOverhead.perContainer",
  "NodeAllocatableOverhead.perPod",
  "NodeAllocatableOverheadResources.perContainer",
  "NodeAllocatableOverheadResources.perPod",
  "ShareableCapacityStatus.available",
  "ShareableCapacityStatus.consumed",
  "ShareableCapacityStatus.total",
  // storage/*
  "CSIStorageCapacity.capacity",
  "CSIStorageCapacity.maximumVolumeSize",
]);

/** Whether the field `jsonName` of the Go type `goTypeName` holds Quantities. */
export function isQuantityField(goTypeName: string, jsonName: string): boolean {
  return QUANTITY_FIELDS.has(`${goTypeName}.${jsonName}`);
}
