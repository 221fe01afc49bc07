import type { JSONSchemaProps } from "../../../model/schema.js";

/** Why a `fieldPath` is not accepted, with the segment that failed when there is one. */
export interface FieldPathProblem {
  readonly message: string;
  /** The property name that was not found, and the names that were available. */
  readonly missing?: { readonly name: string; readonly candidates: readonly string[] };
}

/** The escapes Kubernetes accepts in a single-quoted field-path segment. */
export const SINGLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "'": "'",
  "\\": "\\",
};

/**
 * Splits a field path into `.`, `[`, `]` and the text between them; a token that starts
 * with `'` runs to the next `'` not preceded by a backslash (or to the end).
 */
function tokenize(path: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < path.length && !(path[j] === "'" && path[j - 1] !== "\\")) j++;
      tokens.push(path.slice(i, Math.min(j + 1, path.length)));
      i = j + 1;
      continue;
    }
    if (c === "." || c === "[" || c === "]") {
      tokens.push(c);
      i++;
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== "." && path[j] !== "[" && path[j] !== "]") j++;
    tokens.push(path.slice(i, j));
    i = j;
  }
  return tokens;
}

function unescapeSingleQuoted(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/\\./g, (m) => {
    const r = SINGLE_QUOTE_ESCAPES[m[1]!];
    if (r === undefined) bad = true;
    return r ?? "";
  });
  return bad ? undefined : out;
}

/**
 * Checks a rule's `fieldPath` against the schema the rule is attached to, as the API server
 * does: a relative JSON path of `.name` and `['name']` steps through properties and map
 * values (no list indexes). Returns undefined when the path is valid.
 */
export function fieldPathProblem(path: string, schema: JSONSchemaProps): FieldPathProblem | undefined {
  const tokens = tokenize(path);
  let node: JSONSchemaProps | undefined = schema;
  let k = 0;
  const step = (name: string): FieldPathProblem | undefined => {
    if (node?.properties !== undefined) {
      const next: JSONSchemaProps | undefined = node.properties[name];
      if (!next) {
        return {
          message: "does not refer to a valid field",
          missing: { name, candidates: Object.keys(node.properties) },
        };
      }
      node = next;
      return undefined;
    }
    if (node?.additionalProperties !== undefined) {
      node = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
      return undefined;
    }
    return { message: `does not refer to a valid field ("${name}" is below a value without properties)` };
  };
  while (k < tokens.length) {
    const tok = tokens[k++]!;
    if (tok === "[") {
      const quoted = tokens[k++];
      if (quoted === undefined) return { message: "unexpected end of the path" };
      if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) {
        return {
          message: `expected a single-quoted name after "[" but got ${quoted} (list indexes are not supported)`,
        };
      }
      const name = unescapeSingleQuoted(quoted.slice(1, -1));
      if (name === undefined) return { message: `invalid escape in ${quoted}` };
      const problem = step(name);
      if (problem) return problem;
      const close = tokens[k++];
      if (close === undefined) return { message: "unexpected end of the path" };
      if (close !== "]") return { message: `expected "]" but got ${close}` };
    } else if (tok === ".") {
      const name = tokens[k++];
      if (name === undefined) return { message: "unexpected end of the path" };
      const problem = step(name);
      if (problem) return problem;
    } else {
      return { message: `expected "." or "[" but got ${tok}` };
    }
  }
  return undefined;
}
