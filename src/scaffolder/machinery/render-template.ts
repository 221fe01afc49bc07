import { readFileSync } from "node:fs";
import { join } from "node:path";
import ejs from "ejs";
import { PACKAGE_ROOT } from "../../package-root.js";

/** The package's `templates/` folder. */
export const TEMPLATES_DIR = join(PACKAGE_ROOT, "templates") + "/";

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
