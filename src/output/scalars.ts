/**
 * go-yaml double-quotes a string that a YAML 1.1 reader would take for another type (an
 * empty string, a boolean such as `yes` or `on`, null, a number, base-60 `1:20`), and
 * single-quotes only strings that cannot be plain for syntax reasons (`'*'`).
 */
export function looksLikeOtherScalar(value: string): boolean {
  if (value === "") return true;
  return OTHER_SCALAR.test(value);
}

const OTHER_SCALAR = new RegExp(
  [
    "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
    "^(?:~|null|Null|NULL)$",
    "^[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
    "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?$",
    "^[-+]?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)$",
    "^[-+]?\\.(?:inf|Inf|INF)$",
    "^\\.(?:nan|NaN|NAN)$",
  ].join("|"),
);
