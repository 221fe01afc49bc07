import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../../src/runtime/queue/ring-buffer.js";
import { seededPrng } from "./prng.js";

describe("RingBuffer", () => {
  it("is a FIFO across wrap-arounds and growth", () => {
    const rng = seededPrng(3);
    const ring = new RingBuffer<number>(4);
    const model: number[] = [];
    let next = 0;
    for (let op = 0; op < 10_000; op++) {
      if (rng.int(3) < 2) {
        ring.push(next);
        model.push(next++);
      } else {
        expect(ring.shift()).toBe(model.shift());
      }
      expect(ring.length).toBe(model.length);
    }
    const rest: number[] = [];
    ring.drain((n) => rest.push(n));
    expect(rest).toEqual(model);
    expect(ring.length).toBe(0);
    expect(ring.shift()).toBeUndefined();
  });
});
