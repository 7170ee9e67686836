/**
 * Scene files name channels, posts and users by readable refs written as `{{ref}}`; the real ids
 * exist only once the world is seeded. These helpers find and fill those placeholders.
 */

const PLACEHOLDER = /\{\{([A-Za-z0-9_.-]+)\}\}/g;

/** Every ref named by a `{{ref}}` placeholder anywhere in `value` (strings, arrays, objects). */
export function placeholdersIn(value: unknown): string[] {
  const found = new Set<string>();
  visitStrings(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) if (m[1] !== undefined) found.add(m[1]);
  });
  return [...found];
}

/**
 * A deep copy of `value` with every `{{ref}}` replaced by `ids.get(ref)`. A ref without an id is an
 * error: a half-bound event would route a box to a conversation that does not exist.
 */
export function fillPlaceholders<T>(value: T, ids: ReadonlyMap<string, string>): T {
  return mapStrings(value, (s) =>
    s.replace(PLACEHOLDER, (_, ref: string) => {
      const id = ids.get(ref);
      if (id === undefined) throw new Error(`no id for placeholder {{${ref}}}`);
      return id;
    }),
  ) as T;
}

/**
 * The reverse of {@link fillPlaceholders}: a deep copy of `value` with every id that `refsById`
 * knows replaced by its `{{ref}}`. Used on a recording made against another server, whose ids
 * mean nothing to the demo's world until they are named.
 */
export function toPlaceholders<T>(value: T, refsById: ReadonlyMap<string, string>): T {
  const ids = [...refsById.keys()].filter((id) => id !== "");
  return mapStrings(value, (s) =>
    ids.reduce((out, id) => (out.includes(id) ? out.replaceAll(id, `{{${refsById.get(id)}}}`) : out), s),
  ) as T;
}

function visitStrings(value: unknown, visit: (s: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const v of value) visitStrings(v, visit);
  else if (typeof value === "object" && value !== null)
    for (const v of Object.values(value)) visitStrings(v, visit);
}

function mapStrings(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  return value;
}
