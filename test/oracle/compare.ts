import { parseAllDocuments } from "yaml";

/** A YAML stream as data: one value per document, empty documents (a leading `---`) left out. */
export function parseManifests(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

const MAX_VALUE = 160;

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  const part = plain ? key : JSON.stringify(key);
  return path === "" ? part : plain ? `${path}.${part}` : `${path}[${part}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The differences between what controller-gen wrote (`cg`) and what kb wrote (`kb`), as
 * one line per differing path: `path: controller-gen <value>, kb <value>` ("absent" when a
 * side lacks the key). Empty when the two are equal as data (key order never matters;
 * list order does).
 */
export function diffData(cg: unknown, kb: unknown, path = ""): string[] {
  if (isObject(cg) && isObject(kb)) {
    const out: string[] = [];
    const keys = [...new Set([...Object.keys(cg), ...Object.keys(kb)])].sort();
    for (const key of keys) {
      const p = child(path, key);
      if (!(key in kb)) out.push(`${p}: controller-gen ${show(cg[key])}, kb absent`);
      else if (!(key in cg)) out.push(`${p}: controller-gen absent, kb ${show(kb[key])}`);
      else out.push(...diffData(cg[key], kb[key], p));
    }
    return out;
  }
  if (Array.isArray(cg) && Array.isArray(kb) && cg.length === kb.length) {
    return cg.flatMap((item, i) => diffData(item, kb[i], child(path, i)));
  }
  if (JSON.stringify(cg) === JSON.stringify(kb)) return [];
  return [`${path || "(document)"}: controller-gen ${show(cg)}, kb ${show(kb)}`];
}
