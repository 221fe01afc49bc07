import { compareLocations, type SourceLocation } from "./location.js";
import { DiagnosticsError, type Diagnostic } from "./kb-error.js";

/**
 * Collects the errors and warnings of a run, so that every problem is reported at once
 * rather than stopping at the first.
 */
export class DiagnosticList {
  private readonly items: Diagnostic[] = [];

  error(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.items.push(clean({ severity: "error", code, message, location, hint }));
  }

  warn(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.items.push(clean({ severity: "warning", code, message, location, hint }));
  }

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  /** Errors and warnings, de-duplicated and sorted by location. */
  all(): Diagnostic[] {
    const seen = new Set<string>();
    const unique = this.items.filter((d) => {
      const key = `${d.severity}|${d.location?.file}|${d.location?.line}|${d.location?.column}|${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return unique.sort((a, b) => {
      if (a.location && b.location) return compareLocations(a.location, b.location);
      if (a.location) return -1;
      if (b.location) return 1;
      return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
    });
  }

  errors(): Diagnostic[] {
    return this.all().filter((d) => d.severity === "error");
  }

  warnings(): Diagnostic[] {
    return this.all().filter((d) => d.severity === "warning");
  }

  /** Throws a {@link DiagnosticsError} holding every diagnostic when any is an error. */
  throwIfErrors(): void {
    if (this.hasErrors) throw new DiagnosticsError(this.all());
  }
}

function clean(d: {
  severity: Diagnostic["severity"];
  code: string;
  message: string;
  location: SourceLocation | undefined;
  hint: string | undefined;
}): Diagnostic {
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
  if (d.location) out.location = d.location;
  if (d.hint) out.hint = d.hint;
  return out;
}
