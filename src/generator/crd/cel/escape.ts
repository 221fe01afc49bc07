/**
 * Kubernetes' escaping of property names into CEL identifiers, as the API server applies it
 * when it exposes a structural schema to CEL: `__` → `__underscores__`, `.` → `__dot__`,
 * `-` → `__dash__`, `/` → `__slash__`, and a name equal to a CEL reserved word → `__word__`.
 * Names with other characters, or starting with a digit, are not accessible from CEL.
 */

/** Words CEL reserves; a property with one of these names is written `__name__` in CEL. */
export const CEL_RESERVED_WORDS: ReadonlySet<string> = new Set([
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

const ESCAPES: Readonly<Record<string, string>> = {
  __: "__underscores__",
  ".": "__dot__",
  "-": "__dash__",
  "/": "__slash__",
};

/**
 * The CEL identifier under which the API server exposes property `name`, or undefined when
 * the name cannot be accessed from CEL (empty, starts with a digit, or holds a character
 * outside `[a-zA-Z0-9_.-/]`).
 */
export function escapeCelName(name: string): string | undefined {
  if (name.length === 0 || (name[0]! >= "0" && name[0]! <= "9")) return undefined;
  if (CEL_RESERVED_WORDS.has(name)) return `__${name}__`;
  if (!/^[A-Za-z0-9_./-]*$/.test(name)) return undefined;
  if (!/[./-]|__/.test(name)) return name;
  return name.replace(/__|[./-]/g, (m) => ESCAPES[m] ?? m);
}

/**
 * The property name a CEL identifier stands for (the inverse of {@link escapeCelName}), or
 * undefined when the identifier holds an unknown `__word__` sequence.
 */
export function unescapeCelName(ident: string): string | undefined {
  let ok = true;
  const out = ident.replace(/__[^_]+__/g, (m) => {
    const inner = m.slice(2, -2);
    switch (inner) {
      case "underscores":
        return "__";
      case "dot":
        return ".";
      case "dash":
        return "-";
      case "slash":
        return "/";
    }
    if (CEL_RESERVED_WORDS.has(inner) && m.length === ident.length) return inner;
    ok = false;
    return m;
  });
  return ok ? out : undefined;
}
