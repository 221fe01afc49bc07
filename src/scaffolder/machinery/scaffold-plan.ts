/** What happens when a file a template would write already exists. */
export type IfExists =
  /** Refuse (the whole command) unless `--force`. */
  | "error"
  /** Keep the existing file: it is shared by several resources (`groupversion-info.ts`). */
  | "skip"
  /** kb owns the file (`PROJECT`): always rewrite it. */
  | "overwrite";

/** One file rendered from one EJS template. */
export interface TemplateFile {
  /** The template, relative to the package's `templates/` folder, with its `.ejs` suffix. */
  readonly template: string;
  /** Where it goes, relative to the project root. */
  readonly path: string;
  readonly ifExists: IfExists;
  /** Extra values for this template only (merged over the plan's data). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A file whose whole content kb computes itself (PROJECT). */
export interface ComputedFile {
  readonly path: string;
  readonly content: string;
  readonly ifExists: IfExists;
}

/**
 * Lines to add to a file that may already exist and may have been edited by the user: each
 * fragment goes just above the marker comment, indented as the marker is, unless the file
 * already holds it (so re-running a command never duplicates an entry).
 */
export interface Insertion {
  readonly path: string;
  /** The marker's text without its comment leader, e.g. `+kubebuilder:scaffold:imports`. */
  readonly marker: string;
  /** Each fragment is one or more lines, indented relative to the marker. */
  readonly fragments: readonly string[];
  /**
   * Skip this insertion when the file, as it was before the command, already holds this
   * text: the entry is there in another form (`src/main.ts` imports the module under a name
   * chosen when it was first registered), so adding it again would register it twice.
   */
  readonly unlessPresent?: string;
}

/** Everything one command will do to the project, computed before anything is written. */
export interface ScaffoldPlan {
  /** Values every template sees (`project`, `resource`, ...). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly templates: readonly TemplateFile[];
  readonly computed: readonly ComputedFile[];
  readonly insertions: readonly Insertion[];
}
