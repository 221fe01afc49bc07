import type { JsonStream, StreamRequest, Transport, TransportRequest } from "../../../src/runtime/client/transport.js";

/** A transport that records requests and answers from a script, for client unit tests. */
export class FakeTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  readonly streams: StreamRequest[] = [];
  constructor(
    public answer: (req: TransportRequest) => unknown = () => ({}),
    public streamAnswer: (req: StreamRequest) => unknown[] = () => [],
  ) {}

  async request<T>(req: TransportRequest): Promise<T> {
    this.requests.push(req);
    const out = this.answer(req);
    if (out instanceof Error) throw out;
    return structuredClone(out) as T;
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    this.streams.push(req);
    const values = this.streamAnswer(req);
    return {
      async *[Symbol.asyncIterator]() {
        for (const v of values) yield v;
      },
      close: () => undefined,
    };
  }

  close(): void {}
}
