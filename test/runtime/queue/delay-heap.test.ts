import { describe, expect, it } from "vitest";
import { DelayHeap, type HeapNode } from "../../../src/runtime/queue/delay-heap.js";
import { seededPrng } from "./prng.js";

interface Node extends HeapNode {
  readonly id: number;
}

describe("DelayHeap", () => {
  it("pops in due order, ties in the order their due time was set, with decrease-key", () => {
    const rng = seededPrng(7);
    const heap = new DelayHeap<Node>();
    // The model: id → [readyAt, order set]; the heap must agree with a sort of it.
    const model = new Map<number, [number, number]>();
    const nodes = new Map<number, Node>();
    let order = 0;
    for (let op = 0; op < 5_000; op++) {
      const roll = rng.int(10);
      if (roll < 5) {
        const id = rng.int(300);
        const readyAt = rng.int(100);
        const node = nodes.get(id);
        if (node === undefined) {
          const fresh: Node = { id, readyAt, heapIndex: -1, heapSeq: 0 };
          nodes.set(id, fresh);
          heap.push(fresh);
          model.set(id, [readyAt, order++]);
        } else if (readyAt < node.readyAt) {
          heap.decrease(node, readyAt);
          model.set(id, [readyAt, order++]);
        }
      } else if (roll < 8) {
        const expected = [...model].sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1])[0];
        const popped = heap.pop();
        expect(popped?.id).toBe(expected?.[0]);
        if (popped !== undefined) {
          expect(popped.heapIndex).toBe(-1);
          model.delete(popped.id);
          nodes.delete(popped.id);
        }
      } else {
        const min = Math.min(...[...model.values()].map(([at]) => at));
        expect(heap.peek()?.readyAt ?? Infinity).toBe(min);
      }
      expect(heap.size).toBe(model.size);
    }
  });

  it("clear() empties it and marks every node out of the heap", () => {
    const heap = new DelayHeap<Node>();
    const nodes: Node[] = [3, 1, 2].map((readyAt, id) => ({ id, readyAt, heapIndex: -1, heapSeq: 0 }));
    for (const node of nodes) heap.push(node);
    const seen: number[] = [];
    heap.clear((node) => seen.push(node.id));
    expect(seen.sort()).toEqual([0, 1, 2]);
    expect(heap.size).toBe(0);
    expect(nodes.every((n) => n.heapIndex === -1)).toBe(true);
    expect(heap.pop()).toBeUndefined();
  });
});
