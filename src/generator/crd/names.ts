/**
 * The name rules the API server applies to a CustomResourceDefinition (apiextensions'
 * validation): the group is a DNS-1123 subdomain with at least one dot; plural, singular,
 * short names, categories and versions are DNS-1035 labels (lower case, starting with a
 * letter); the kind, lower-cased, too. Each check returns what is wrong, or undefined.
 * kb also builds file names from the group and plural: these rules keep them plain names.
 */
import { isDnsSubdomain } from "../webhook/vocabulary.js";

const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** What is wrong with `group` as a CRD's API group, or undefined. */
export function groupProblem(group: string): string | undefined {
  if (group.length === 0) return "it is empty";
  if (group.length > 253) return `it has ${group.length} characters; at most 253`;
  if (!isDnsSubdomain(group)) {
    return "it must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. batch.example.com)";
  }
  if (!group.includes(".")) return "it must be a domain with at least one dot (e.g. batch.example.com)";
  return undefined;
}

/** What is wrong with `name` as a plural, singular, short name, category or version, or undefined. */
export function labelProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > 63) return `it has ${name.length} characters; at most 63`;
  if (!LABEL_1035.test(name)) {
    return "it must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit";
  }
  return undefined;
}

/** What is wrong with `kind` as a kind name (mixed case allowed), or undefined. */
export function kindProblem(kind: string): string | undefined {
  const problem = labelProblem(kind.toLowerCase());
  return problem && `${problem} (mixed case allowed)`;
}

/**
 * What is wrong with `name` as the name of a Role or ClusterRole (the API server's
 * path-segment rule), or undefined.
 */
export function roleNameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > 253) return `it has ${name.length} characters; at most 253`;
  if (name === "." || name === "..") return `it may not be "${name}"`;
  if (/[/%]/.test(name)) return "it may not contain '/' or '%'";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(name)) return "it may not contain spaces or control characters";
  return undefined;
}
