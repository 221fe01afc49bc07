import { describe, expect, it } from "vitest";
import type { JsonStream, StreamRequest, Transport, TransportRequest } from "../../../src/runtime/client/transport.js";
import { ManagerTransport } from "../../../src/runtime/manager/manager-transport.js";

/** A transport whose requests never answer, and may ignore their signal; its streams never send. */
class StuckTransport implements Transport {
  closed = 0;
  streamsClosed = 0;
  signals: (AbortSignal | undefined)[] = [];
  constructor(private readonly honourSignal: boolean) {}

  request<T>(req: TransportRequest): Promise<T> {
    this.signals.push(req.signal);
    return new Promise<T>((_resolve, reject) => {
      if (this.honourSignal) req.signal?.addEventListener("abort", () => reject(new Error("inner saw the abort")), { once: true });
    });
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    this.signals.push(req.signal);
    let wake: (() => void) | undefined;
    let closed = false;
    return {
      async *[Symbol.asyncIterator]() {
        while (!closed) await new Promise<void>((resolve) => (wake = resolve));
      },
      close: () => {
        closed = true;
        this.streamsClosed++;
        wake?.();
      },
    };
  }

  close(): void {
    this.closed++;
  }
}

describe("ManagerTransport", () => {
  it.each([true, false])("close() ends the requests in flight (inner honours its signal: %s), refuses later ones, and closes an owned transport", async (honour) => {
    const inner = new StuckTransport(honour);
    const transport = new ManagerTransport(inner, { owned: true });
    const pending = transport.request({ method: "PUT", path: "/api/v1/namespaces/default/configmaps/x" }).catch((e: unknown) => e);
    expect(transport.inFlight).toBe(1);
    transport.close();
    const error = (await pending) as Error;
    expect(error.name).toBe("AbortError");
    expect(error.message).toBe("the manager stopped");
    expect(transport.inFlight).toBe(0);
    expect(inner.signals[0]?.aborted).toBe(true);
    expect(inner.closed).toBe(1);
    await expect(transport.request({ method: "GET", path: "/version" })).rejects.toThrow("GET /version: the manager stopped: its clients no longer reach the API server");
    await expect(transport.stream({ path: "/api/v1/pods" })).rejects.toThrow(/the manager stopped/);
  });

  it("leaves a transport it does not own open", () => {
    const inner = new StuckTransport(true);
    new ManagerTransport(inner, { owned: false }).close();
    expect(inner.closed).toBe(0);
  });

  it("passes the caller's abort on", async () => {
    const inner = new StuckTransport(true);
    const transport = new ManagerTransport(inner, { owned: false });
    const caller = new AbortController();
    const pending = transport.request({ method: "GET", path: "/x", signal: caller.signal }).catch((e: unknown) => e);
    caller.abort(new Error("caller gave up"));
    expect(String(await pending)).toBe("Error: caller gave up");
    expect(transport.inFlight).toBe(0);
  });

  it("ends an open stream on close(), even when the stream ignores its signal", async () => {
    const inner = new StuckTransport(false);
    const transport = new ManagerTransport(inner, { owned: false });
    const stream = await transport.stream({ path: "/api/v1/pods" });
    const iterating = (async () => {
      for await (const value of stream) void value;
      return "ended";
    })();
    expect(transport.inFlight).toBe(1);
    transport.close();
    expect(await iterating).toBe("ended");
    expect(inner.streamsClosed).toBeGreaterThan(0);
    expect(transport.inFlight).toBe(0);
  });

  it("counts a stream closed by its consumer as finished", async () => {
    const transport = new ManagerTransport(new StuckTransport(true), { owned: false });
    const stream = await transport.stream({ path: "/api/v1/pods" });
    stream.close();
    expect(transport.inFlight).toBe(0);
  });
});
