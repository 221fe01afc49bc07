/**
 * Time for the test server (bookmarks, watch timeouts, request delays, timestamps): the
 * runtime's clock, so one clock (a `FakeClock` in tests) drives both the server and the
 * informers and queues under test.
 */
export { FakeClock, realClock, setBackgroundTimeout, type Clock, type ClockTimer } from "../runtime/clock/index.js";

/** An RFC 3339 timestamp with second precision, as the API server writes `metav1.Time`. */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
