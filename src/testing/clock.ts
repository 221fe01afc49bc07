/**
 * Time for the test server (bookmarks, watch timeouts, request delays, timestamps): the
 * runtime's watch clock, so one clock drives both the server and the informers under test.
 */
export { systemClock, type Clock, type TimerHandle } from "../runtime/watch/clock.js";

/** An RFC 3339 timestamp with second precision, as the API server writes `metav1.Time`. */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
