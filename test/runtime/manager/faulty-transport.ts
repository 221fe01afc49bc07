// A Transport that wraps another and injects the faults a manager must live through: error
// answers (500), requests that hang until their caller gives up on them (their signal
// aborts), and watches dropped after a few events. Seeded, so a run can be replayed.
import { apiErrorFromResponse, type JsonStream, type StreamRequest, type Transport, type TransportRequest } from "../../../src/runtime/client/index.js";
import { abortError } from "../../../src/runtime/client/transport-error.js";
import { seededRandom } from "../../helpers/seeded-random.js";

/** Which faults happen, and how often. */
export interface FaultPlan {
  /** The probability that a request (or watch start) is answered 500. */
  readonly fail500: number;
  /** How many requests are held until their signal aborts (never answered): the first that may hang. */
  readonly hang: number;
  /** Which requests may hang (default writes). */
  readonly hangable?: (req: TransportRequest) => boolean;
  /** The probability that a watch ends after 0-2 events, as a dropped connection does. */
  readonly drop: number;
  /** The first `calm` requests pass untouched (the start-up check, the first lists). Default 0. */
  readonly calm?: number;
}


export class FaultyTransport implements Transport {
  /** Requests held now; each ends only when its signal aborts. */
  hanging = 0;
  /** Requests and streams passed to the inner transport and not finished yet. */
  inFlight = 0;
  readonly injected = { fail500: 0, hang: 0, drop: 0 };
  #seen = 0;
  #hangsLeft: number;
  readonly #random: () => number;

  constructor(
    private readonly inner: Transport,
    private readonly plan: FaultPlan,
    seed = 1,
  ) {
    this.#random = seededRandom(seed);
    this.#hangsLeft = plan.hang;
  }

  async request<T = unknown>(req: TransportRequest): Promise<T> {
    const fault = this.#pick((this.plan.hangable ?? defaultHangable)(req));
    if (fault === "fail500") throw apiErrorFromResponse(500, JSON.stringify({ kind: "Status", code: 500, reason: "InternalError", message: "injected" }), req.method, req.path);
    if (fault === "hang") return await this.#hang(req.signal);
    this.inFlight++;
    try {
      return await this.inner.request<T>(req);
    } finally {
      this.inFlight--;
    }
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    const fault = this.#pick(false);
    if (fault === "fail500") throw apiErrorFromResponse(500, JSON.stringify({ kind: "Status", code: 500, reason: "InternalError", message: "injected" }), "GET", req.path);
    const dropAfter = this.plan.drop > 0 && this.#random() < this.plan.drop ? Math.floor(this.#random() * 3) : undefined;
    if (dropAfter !== undefined) this.injected.drop++;
    this.inFlight++;
    let inner: JsonStream;
    try {
      inner = await this.inner.stream(req);
    } catch (error) {
      this.inFlight--;
      throw error;
    }
    let done = false;
    const finish = (): void => {
      if (!done) {
        done = true;
        this.inFlight--;
      }
    };
    async function* iterate(): AsyncGenerator<unknown> {
      let n = 0;
      try {
        for await (const value of inner) {
          if (dropAfter !== undefined && n >= dropAfter) return;
          n++;
          yield value;
        }
      } finally {
        inner.close();
        finish();
      }
    }
    return {
      [Symbol.asyncIterator]: () => iterate(),
      close: () => {
        inner.close();
        finish();
      },
    };
  }

  close(): void {
    this.inner.close();
  }

  #pick(hangable: boolean): "fail500" | "hang" | undefined {
    if (this.#seen++ < (this.plan.calm ?? 0)) return undefined;
    const r = this.#random();
    if (r < this.plan.fail500) {
      this.injected.fail500++;
      return "fail500";
    }
    if (hangable && this.#hangsLeft > 0) {
      this.#hangsLeft--;
      this.injected.hang++;
      return "hang";
    }
    return undefined;
  }

  #hang<T>(signal: AbortSignal | undefined): Promise<T> {
    this.hanging++;
    return new Promise<T>((_resolve, reject) => {
      const onAbort = (): void => {
        this.hanging--;
        reject(abortError(signal!));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** Writes may hang; reads do not (a hung list would only stall an informer for its timeout). */
function defaultHangable(req: TransportRequest): boolean {
  return req.method !== "GET";
}
