// The watch module: list+watch as a recovering stream of events. Named exports only.
export { exponentialBackoff, type Backoff, type BackoffOptions } from "./backoff.js";
export { listWatchSource, type ListWatchSource, type WatchScope } from "./list-watch-source.js";
export { watch, type WatcherOptions } from "./watcher.js";
export { WatcherError, type WatcherEvent, type WatcherPhase } from "./watcher-event.js";
export { emptyState, stepWatcher, type StepContext, type StepResult, type WatcherState, type WatcherStateKind } from "./watcher-step.js";
