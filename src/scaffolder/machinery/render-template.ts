import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ejs from "ejs";

/** The package's `templates/` folder (from both `src/scaffolder/machinery` and `dist/scaffolder/machinery`). */
export const TEMPLATES_DIR = fileURLToPath(new URL("../../../templates/", import.meta.url));

const compiled = new Map<string, ejs.TemplateFunction>();

/**
 * Renders `templates/<template>` with `data`. Templates see the data's keys as variables
 * (`resource.kind`) and may `include()` partials relative to themselves.
 */
export function renderTemplate(template: string, data: Readonly<Record<string, unknown>>): string {
  let fn = compiled.get(template);
  if (!fn) {
    const filename = `${TEMPLATES_DIR}${template}`;
    fn = ejs.compile(readFileSync(filename, "utf8"), { filename, async: false });
    compiled.set(template, fn);
  }
  return fn(data);
}
