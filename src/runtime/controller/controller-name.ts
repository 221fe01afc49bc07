/**
 * Controller names label every metric of a controller (`controller="…"`), name its work
 * queue, its log lines and the `source.component` of the Events it records, so they must be
 * unique within a manager (controller-runtime's name check) and well-formed.
 */

/** The longest name accepted: a DNS subdomain's length. */
export const MAX_CONTROLLER_NAME_LENGTH = 253;

/** Letters, digits, '-', '_' and '.', beginning and ending with a letter or digit. */
const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Thrown for an empty, malformed or duplicate controller name. */
export class ControllerNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ControllerNameError";
  }
}

/**
 * Checks the form of a controller name: 1–253 characters, letters, digits, '-', '_' and
 * '.', beginning and ending with a letter or digit (a Prometheus-friendly label value, DNS
 * subdomain-like: `cronjob`, `apps-deployment`, `ship.frigate`). Throws a
 * {@link ControllerNameError} saying what is wrong.
 */
export function validateControllerName(name: string): void {
  if (name.length === 0) throw new ControllerNameError("a controller needs a name (got an empty string)");
  if (name.length > MAX_CONTROLLER_NAME_LENGTH) {
    throw new ControllerNameError(`controller name ${JSON.stringify(name.slice(0, 40) + "…")} is ${name.length} characters long; at most ${MAX_CONTROLLER_NAME_LENGTH} are allowed`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new ControllerNameError(
      `invalid controller name ${JSON.stringify(name)}: expected letters, digits, '-', '_' and '.', beginning and ending with a letter or digit (e.g. "cronjob" or "apps-deployment"); ` +
        "set skipNameValidation to accept it anyway",
    );
  }
}

/**
 * The controller names taken in one manager. controller-runtime keeps one such set per
 * process; here each manager has its own, so tests can build many managers.
 * @example
 * ```ts
 * const names = new ControllerNames();
 * names.claim("cronjob");
 * names.claim("cronjob"); // throws: controller with name "cronjob" already exists …
 * ```
 */
export class ControllerNames {
  readonly #taken = new Set<string>();

  /**
   * Takes `name` for a new controller: checks its form ({@link validateControllerName}) and
   * that no other controller of this manager has it. With `skipNameValidation` neither is
   * checked and the name is not recorded (as controller-runtime's SkipNameValidation), but an
   * empty name is still refused.
   */
  claim(name: string, options: { readonly skipNameValidation?: boolean | undefined } = {}): void {
    if (name.length === 0) throw new ControllerNameError("a controller needs a name (got an empty string)");
    if (options.skipNameValidation === true) return;
    validateControllerName(name);
    if (this.#taken.has(name)) {
      throw new ControllerNameError(
        `controller with name ${JSON.stringify(name)} already exists in this manager: controller names must be unique, as they label the controllers' metrics and logs; ` +
          "give one another name with named(), or set skipNameValidation to allow the duplicate",
      );
    }
    this.#taken.add(name);
  }

  /** Whether a controller of this manager has taken `name` (names claimed with `skipNameValidation` are not recorded). */
  has(name: string): boolean {
    return this.#taken.has(name);
  }
}
