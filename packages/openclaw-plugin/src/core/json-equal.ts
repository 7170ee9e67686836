/** Deep equality of JSON values, key order ignored; an `undefined` member counts as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const ak = Object.keys(x).filter((k) => x[k] !== undefined);
  const bk = Object.keys(y).filter((k) => y[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(x[k], y[k]));
}
