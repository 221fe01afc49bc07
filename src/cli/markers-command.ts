import { Command } from "commander";
import { describeArgType, type MarkerDefinition } from "../markers/index.js";
import type { Io } from "./output.js";

/** How a marker is written, e.g. `+kubebuilder:printcolumn:name=<string>,type=<string>`. */
export function markerUsage(d: MarkerDefinition): string {
  const s = d.shape;
  switch (s.kind) {
    case "flag":
      return `+${d.name}`;
    case "value":
      return `+${d.name}=<${describeArgType(s.type)}>`;
    case "args":
      return `+${d.name}:${s.args.map((a) => `${a.name}=<${describeArgType(a.type)}>${a.optional ? "?" : ""}`).join(",")}`;
  }
}

/** `kb markers [--json]` */
export function markersCommand(io: Io): Command {
  return new Command("markers")
    .description("list every marker kb understands, with its arguments and help")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  $ kb markers\n  $ kb markers --json | jq '.[].name'")
    .action(async (flags: { json?: boolean }) => {
      const { ALL_MARKERS } = await import("../markers/definitions/index.js");
      const { FOREIGN_MARKERS } = await import("../markers/definitions/foreign.js");
      const defs = [...ALL_MARKERS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (flags.json) {
        const json = defs.map((d) => ({
          name: d.name,
          targets: d.targets,
          category: d.category,
          usage: markerUsage(d),
          help: d.help,
          ...(d.shape.kind === "args"
            ? {
                arguments: d.shape.args.map((a) => ({
                  name: a.name,
                  type: describeArgType(a.type),
                  optional: a.optional ?? false,
                  ...(a.help ? { help: a.help } : {}),
                })),
              }
            : d.shape.kind === "value"
              ? { value: describeArgType(d.shape.type) }
              : {}),
          ...(d.ignored ? { ignored: true } : {}),
        }));
        io.out(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const categories = [...new Set(defs.map((d) => d.category))].sort();
      for (const category of categories) {
        io.out(`${category}\n`);
        for (const d of defs.filter((x) => x.category === category)) {
          io.out(`  ${markerUsage(d)}\n      ${d.help}${d.ignored ? " (accepted, no effect)" : ""} [on ${d.targets.join(", ")}]\n`);
          if (d.shape.kind === "args") {
            for (const a of d.shape.args) if (a.help) io.out(`        ${a.name}: ${a.help}\n`);
          }
        }
        io.out("\n");
      }
      io.out("Markers of other Go generators (accepted and ignored, with their `:`, `-` and `.` variants)\n");
      const tools = [...new Set(FOREIGN_MARKERS.map((f) => f.tool))];
      for (const tool of tools) {
        io.out(`  ${tool}: ${FOREIGN_MARKERS.filter((f) => f.tool === tool).map((f) => `+${f.name}`).join(", ")}\n`);
      }
    });
}
