import { InvalidArgumentError } from "commander";
import type { Io } from "./output.js";

/**
 * Parses a yes/no flag written as kubebuilder writes them: `--resource`, `--resource=true`,
 * `--resource=false`.
 */
export function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === "true") return true;
  if (value === "false") return false;
  throw new InvalidArgumentError("expected true or false");
}

/** The flag's value; when it is missing, the answer at a terminal, else the default. */
export async function askIfMissing(io: Io, value: boolean | undefined, question: string, defaultValue: boolean): Promise<boolean> {
  if (value !== undefined) return value;
  if (io.confirm) return io.confirm(question, defaultValue);
  return defaultValue;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").filter(Boolean)];
}
