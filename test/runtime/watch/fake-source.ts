import type { ListPage, WatchStream } from "../../../src/runtime/client/api-client.js";
import type { RawWatchEvent } from "../../../src/runtime/client/watch-event.js";
import type { KubernetesObject } from "../../../src/runtime/resource.js";
import type { ListWatchSource } from "../../../src/runtime/watch/list-watch-source.js";

type Item<T extends KubernetesObject> = { event: RawWatchEvent<T> } | { error: Error } | { end: true };

/** A watch stream the test feeds by hand. */
export class FakeWatch<T extends KubernetesObject = KubernetesObject> implements WatchStream<T> {
  readonly #items: Item<T>[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  constructor(readonly resourceVersion: string) {}

  push(event: RawWatchEvent<T>): this {
    return this.#put({ event });
  }
  fail(error: Error): this {
    return this.#put({ error });
  }
  end(): this {
    return this.#put({ end: true });
  }

  #put(item: Item<T>): this {
    this.#items.push(item);
    this.#wake?.();
    return this;
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RawWatchEvent<T>> {
    for (;;) {
      if (this.closed) return;
      const item = this.#items.shift();
      if (!item) {
        await new Promise<void>((r) => (this.#wake = r));
        this.#wake = undefined;
        continue;
      }
      if ("end" in item) return;
      if ("error" in item) throw item.error;
      yield item.event;
    }
  }
}

export interface ListCall {
  readonly limit: number;
  readonly continue: string | undefined;
}
export interface WatchCall {
  readonly resourceVersion: string;
  readonly timeoutSeconds: number;
  readonly readTimeoutMs: number;
}

/** A list+watch source answering from scripts, recording every call. */
export class FakeSource<T extends KubernetesObject = KubernetesObject> implements ListWatchSource<T> {
  readonly description = "Thing";
  readonly lists: ListCall[] = [];
  readonly watches: WatchCall[] = [];
  readonly streams: FakeWatch<T>[] = [];
  onList: (call: ListCall) => ListPage<T> | Error = () => ({ items: [], resourceVersion: "1" });
  onWatch: (call: WatchCall) => FakeWatch<T> | Error = (call) => new FakeWatch<T>(call.resourceVersion);

  async list(options: { limit: number; continue?: string | undefined }): Promise<ListPage<T>> {
    const call = { limit: options.limit, continue: options.continue };
    this.lists.push(call);
    const out = this.onList(call);
    if (out instanceof Error) throw out;
    return out;
  }

  async watch(options: { resourceVersion: string; timeoutSeconds: number; readTimeoutMs: number }): Promise<WatchStream<T>> {
    const call = { resourceVersion: options.resourceVersion, timeoutSeconds: options.timeoutSeconds, readTimeoutMs: options.readTimeoutMs };
    this.watches.push(call);
    const out = this.onWatch(call);
    if (out instanceof Error) throw out;
    this.streams.push(out);
    return out;
  }

  /** The watch opened last. */
  get stream(): FakeWatch<T> {
    const s = this.streams.at(-1);
    if (!s) throw new Error("no watch opened yet");
    return s;
  }
}

export const obj = (name: string, rv: string, extra: Partial<KubernetesObject> = {}): KubernetesObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  ...extra,
  metadata: { name, namespace: "default", resourceVersion: rv, ...extra.metadata },
});

/** Lets pending promise callbacks run (a bounded number of turns). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
