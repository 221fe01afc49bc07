// Typed hub-and-spoke conversions: each spoke's functions checked against its version's type
// (the @ts-expect-error lines are checked by the type check: each must be an error), and
// conversions asked for by resource.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { answerConversionReview, ConversionRegistry } from "../../../src/runtime/webhook/conversion-review.js";
import { ConversionError, conversionFor } from "../../../src/runtime/webhook/conversion.js";

const GROUP = "shop.example.com";
interface OrderV1 extends KubernetesObject {
  spec: { items: { sku: string; count: number }[] };
}
interface OrderV1beta1 extends KubernetesObject {
  spec: { skus: string[] };
}
interface OrderV1alpha1 extends KubernetesObject {
  spec: { sku: string };
}
const base = { group: GROUP, kind: "Order", plural: "orders", namespaced: true };
const Orders = defineResource<OrderV1>({ ...base, version: "v1" });
const OrdersV1beta1 = defineResource<OrderV1beta1>({ ...base, version: "v1beta1" });
const OrdersV1alpha1 = defineResource<OrderV1alpha1>({ ...base, version: "v1alpha1" });
const Other = defineResource<KubernetesObject>({ group: GROUP, version: "v2", kind: "Invoice", plural: "invoices", namespaced: true });

const orders = conversionFor(Orders)
  .spoke(OrdersV1beta1, {
    toHub: (o) => ({ ...o, spec: { items: o.spec.skus.map((sku) => ({ sku, count: 1 })) } }),
    fromHub: (o) => ({ ...o, spec: { skus: o.spec.items.map((i) => i.sku) } }),
  })
  .spoke(OrdersV1alpha1, {
    toHub: (o) => ({ ...o, spec: { items: [{ sku: o.spec.sku, count: 1 }] } }),
    fromHub: async (o) => ({ ...o, spec: { sku: o.spec.items[0]?.sku ?? "" } }),
  });

const alpha: OrderV1alpha1 = { apiVersion: `${GROUP}/v1alpha1`, kind: "Order", metadata: { name: "o", namespace: "default", labels: { a: "b" } }, spec: { sku: "x-1" } };

describe("conversionFor (typed hub and spokes)", () => {
  it("converts by resource handle, typed as the target's objects, through the hub", async () => {
    const beta: OrderV1beta1 = await orders.convertTo(alpha, OrdersV1beta1);
    expect(beta).toEqual({ apiVersion: `${GROUP}/v1beta1`, kind: "Order", metadata: alpha.metadata, spec: { skus: ["x-1"] } });
    const hub: OrderV1 = await orders.convertTo(beta, Orders);
    expect(hub.spec.items).toEqual([{ sku: "x-1", count: 1 }]);
    expect(await orders.convertTo(hub, OrdersV1alpha1)).toEqual(alpha);
    expect([orders.group, orders.kind, orders.hub, orders.versions]).toEqual([GROUP, "Order", "v1", ["v1", "v1beta1", "v1alpha1"]]);
    expect(orders.hubResource).toBe(Orders);
  });

  it("serves a ConversionReview once registered, as the record form does", async () => {
    const registry = new ConversionRegistry();
    registry.add(orders);
    const answer = await answerConversionReview(
      { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", request: { uid: "u", desiredAPIVersion: `${GROUP}/v1beta1`, objects: [alpha] } },
      registry,
      pino({ level: "silent" }),
    );
    expect(answer.body).toMatchObject({ response: { uid: "u", result: { status: "Success" }, convertedObjects: [{ apiVersion: `${GROUP}/v1beta1`, spec: { skus: ["x-1"] } }] } });
  });

  it("is immutable, and refuses another kind, the hub's version or a version twice", async () => {
    const hubOnly = conversionFor(Orders);
    expect(hubOnly.versions).toEqual(["v1"]);
    const identity = { toHub: (o: OrderV1) => o, fromHub: (o: OrderV1) => o };
    expect(() => hubOnly.spoke(Other, { toHub: (o) => o as OrderV1, fromHub: (o) => o })).toThrow(/a spoke is another version of the same kind, got Invoice/);
    expect(() => hubOnly.spoke(Orders, identity)).toThrow(/v1 is the hub and cannot also be a spoke/);
    expect(() => orders.spoke(OrdersV1beta1, { toHub: (o) => ({ ...o, spec: { items: [] } }), fromHub: (o) => ({ ...o, spec: { skus: [] } }) })).toThrow(/v1beta1 already has its conversions/);
    await expect(hubOnly.convertTo(alpha, OrdersV1beta1)).rejects.toThrow(ConversionError);
    await expect(orders.convertTo(alpha, Other)).rejects.toThrow(/cannot convert to Invoice/);
  });

  it("makes a function for the wrong version's type a compile error", () => {
    const toHubOfAlpha = (o: OrderV1alpha1): OrderV1 => ({ ...o, spec: { items: [{ sku: o.spec.sku, count: 1 }] } });
    const fromHubToAlpha = (o: OrderV1): OrderV1alpha1 => ({ ...o, spec: { sku: "" } });
    const build = () => [
      // @ts-expect-error v1beta1's toHub gets a v1beta1 object, not a v1alpha1 one
      conversionFor(Orders).spoke(OrdersV1beta1, { toHub: toHubOfAlpha, fromHub: (o) => ({ ...o, spec: { skus: [] } }) }),
      // @ts-expect-error v1beta1's fromHub must return a v1beta1 object
      conversionFor(Orders).spoke(OrdersV1beta1, { toHub: (o) => ({ ...o, spec: { items: [] } }), fromHub: fromHubToAlpha }),
      // @ts-expect-error toHub must return the hub's type
      conversionFor(Orders).spoke(OrdersV1beta1, { toHub: (o) => o, fromHub: (o) => ({ ...o, spec: { skus: [] } }) }),
    ];
    expect(typeof build).toBe("function");
  });
});
