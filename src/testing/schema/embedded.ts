/**
 * Validation of embedded resources (`x-kubernetes-embedded-resource`) below the root:
 * apiVersion and kind are required and well formed, and the embedded metadata's name and
 * generateName can be used as path segments.
 */
import type { CompiledNode } from "./compile.js";
import { childPath, invalid, keyPath, required, type SchemaCause } from "./field-error.js";
import { hasKey, isObject } from "./json.js";

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function dns1035Errors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!DNS1035.test(value)) errs.push(DNS1035_MESSAGE);
  return errs;
}

function pathSegmentErrors(name: string, prefix: boolean): string[] {
  if (!prefix && (name === "." || name === "..")) return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

function validateEmbedded(path: string, x: Record<string, unknown>, out: SchemaCause[]): void {
  if (!hasKey(x, "apiVersion")) out.push(required(childPath(path, "apiVersion")));
  if (!hasKey(x, "kind")) out.push(required(childPath(path, "kind")));
  for (const k of Object.keys(x)) {
    const v = x[k];
    const p = childPath(path, k);
    switch (k) {
      case "apiVersion":
        if (typeof v !== "string") out.push(invalid(p, v, "must be a string"));
        else if (v.length === 0) out.push(invalid(p, v, "must not be empty"));
        else if (v !== "/" && v.split("/").length > 2) out.push(invalid(p, v, `unexpected GroupVersion string: ${v}`));
        break;
      case "kind":
        if (typeof v !== "string") out.push(invalid(p, v, "must be a string"));
        else if (v.length === 0) out.push(invalid(p, v, "must not be empty"));
        else {
          const errs = dns1035Errors(v.toLowerCase());
          if (errs.length > 0)
            out.push(invalid(p, v, "may have mixed case, but should otherwise match: " + errs.join(",")));
        }
        break;
      case "metadata":
        if (isObject(v)) {
          if (typeof v.name === "string" && v.name !== "") {
            for (const m of pathSegmentErrors(v.name, false)) out.push(invalid(childPath(p, "name"), v.name, m));
          }
          if (typeof v.generateName === "string" && v.generateName !== "") {
            for (const m of pathSegmentErrors(v.generateName, true)) {
              out.push(invalid(childPath(p, "generateName"), v.generateName, m));
            }
          }
        }
        break;
    }
  }
}

/** Validates every embedded resource below the root of `x`. */
export function validateEmbeddedResources(
  path: string,
  node: CompiledNode | undefined,
  x: unknown,
  out: SchemaCause[],
  root = true,
): void {
  if (node === undefined || !node.embeddedBelow) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) validateEmbeddedResources(keyPath(path, i), node.items, x[i], out, false);
    return;
  }
  if (!isObject(x)) return;
  if (node.embedded && !root) validateEmbedded(path, x, out);
  for (const k of Object.keys(x)) {
    const prop = node.properties?.get(k);
    if (prop !== undefined) validateEmbeddedResources(childPath(path, k), prop, x[k], out, false);
    else if (node.additional !== undefined && node.additional !== "any") {
      validateEmbeddedResources(keyPath(path, k), node.additional, x[k], out, false);
    }
  }
}
