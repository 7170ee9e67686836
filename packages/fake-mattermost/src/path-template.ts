/** Path parameters captured from a route template such as `/api/v4/posts/{post_id}`. */
export type PathParams = Record<string, string>;

/** Matches a concrete path against a `{name}` template; returns the parameters or undefined. */
export function matchTemplate(template: string, path: string): PathParams | undefined {
  const want = template.split("/");
  const have = path.split("/");
  if (want.length !== have.length) return undefined;
  const params: PathParams = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const h = have[i] ?? "";
    if (w.startsWith("{") && w.endsWith("}")) {
      if (h === "") return undefined;
      params[w.slice(1, -1)] = decodeURIComponent(h);
    } else if (w !== h) {
      return undefined;
    }
  }
  return params;
}

/** Count of literal segments: with several matching templates the most literal one wins, as in routers. */
export function literalWeight(template: string): number {
  return template.split("/").filter((s) => !s.startsWith("{")).length;
}

/** The most specific template matching the path, if any. */
export function bestTemplate(templates: Iterable<string>, path: string): string | undefined {
  let best: string | undefined;
  for (const t of templates) {
    if (matchTemplate(t, path) === undefined) continue;
    if (best === undefined || literalWeight(t) > literalWeight(best)) best = t;
  }
  return best;
}
