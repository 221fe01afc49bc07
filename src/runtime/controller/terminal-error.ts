/**
 * An error that retrying cannot fix (bad user input, say): the controller records it and
 * does not requeue, as controller-runtime's reconcile.TerminalError.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalError";
  }
}
