import { inspect, types } from "node:util";

/**
 * The error classes the JavaScript engine itself throws when code is wrong (reading a
 * property of `undefined`, calling a non-function, an undeclared variable, an invalid array
 * length or a blown stack, bad `eval`/URI input): JavaScript's counterparts of Go's runtime
 * panics (nil dereference, index out of range, failed type assertion).
 */
const ENGINE_ERRORS: readonly (new (...args: never[]) => Error)[] = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];
const ENGINE_ERROR_NAMES = new Set(ENGINE_ERRORS.map((c) => c.name));

/**
 * Whether a value a reconcile threw (or rejected with) is a *panic* — a bug in the
 * reconciler rather than an error it reports — in the sense of controller-runtime's
 * `RecoverPanic`:
 * - anything that is not an `Error` (`throw "boom"`, `throw undefined`, `throw { code: 1 }`);
 * - an error of the classes the engine throws for programming mistakes: `TypeError`,
 *   `ReferenceError`, `RangeError`, `SyntaxError`, `EvalError`, `URIError` (subclasses
 *   included, and those of other realms by name).
 *
 * Every other `Error` (an `ApiError`, a `TerminalError`, your own) is an ordinary reconcile
 * error. Whether reconcile threw synchronously or returned a rejected promise makes no
 * difference. Note that `fetch` reports network failures as `TypeError`s: a reconciler that
 * calls `fetch` should catch and wrap them if they are not to count as panics.
 */
export function isPanic(thrown: unknown): boolean {
  if (!(thrown instanceof Error) && !types.isNativeError(thrown)) return true;
  if (ENGINE_ERRORS.some((c) => thrown instanceof c)) return true;
  // An engine error from another realm (a vm context) fails `instanceof`, but is native and keeps its name.
  return !(thrown instanceof Error) && ENGINE_ERROR_NAMES.has((thrown as Error).name);
}

/**
 * A recovered panic, as controller-runtime reports it: `panic: <value> [recovered]`. Its
 * `value` is the value thrown, and its stack that value's when it has one. (The value is not
 * set as `cause`: the message already says it, and loggers would repeat it.)
 */
export class ReconcilePanicError extends Error {
  /** What the reconcile threw. */
  readonly value: unknown;

  constructor(value: unknown) {
    super(`panic: ${describePanic(value)} [recovered]`);
    this.name = "ReconcilePanicError";
    this.value = value;
    if (value instanceof Error || types.isNativeError(value)) {
      const stack = (value as Error).stack;
      if (stack) this.stack = `${this.name}: ${this.message}\n${stack.split("\n").slice(1).join("\n")}`;
    }
  }
}

/** A thrown value as text for logs: `TypeError: …` for an error, the string itself, else `util.inspect`'s rendering. */
export function describePanic(value: unknown): string {
  if (value instanceof Error || types.isNativeError(value)) return `${(value as Error).name}: ${(value as Error).message}`;
  if (typeof value === "string") return value;
  return inspect(value, { depth: 2, breakLength: Infinity });
}
