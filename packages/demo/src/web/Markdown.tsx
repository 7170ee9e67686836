import * as React from "react";
import { type Block, type Inline, parseMarkdown } from "./markdown.ts";

// Children passed as arguments, not arrays: a message's tree never reorders, so it needs no keys.
const h = React.createElement;

function inline(n: Inline, known: ReadonlySet<string>): React.ReactNode {
  switch (n.t) {
    case "text":
      return n.v;
    case "code":
      return h("code", null, n.v);
    case "strong":
      return h("strong", null, ...inlines(n.c, known));
    case "em":
      return h("em", null, ...inlines(n.c, known));
    case "link":
      return h("a", { href: n.href, target: "_blank", rel: "noopener noreferrer" }, ...inlines(n.c, known));
    case "mention":
      return known.has(n.v.toLowerCase()) ? h("span", { className: "mention" }, `@${n.v}`) : `@${n.v}`;
    case "br":
      return h("br");
    default:
      return n satisfies never;
  }
}

function inlines(nodes: readonly Inline[], known: ReadonlySet<string>): React.ReactNode[] {
  return nodes.map((n) => inline(n, known));
}

function block(b: Block, known: ReadonlySet<string>): React.ReactNode {
  switch (b.t) {
    case "p":
      return h("p", null, ...inlines(b.c, known));
    case "h":
      return h(`h${Math.min(6, Math.max(3, b.level + 2))}`, null, ...inlines(b.c, known));
    case "ul":
      return h("ul", null, ...b.items.map((item) => h("li", null, ...inlines(item, known))));
    case "ol":
      return h("ol", { start: b.start }, ...b.items.map((item) => h("li", null, ...inlines(item, known))));
    case "quote":
      return h("blockquote", null, ...b.c.map((c) => block(c, known)));
    case "pre":
      return h("pre", null, h("code", null, b.v));
    default:
      return b satisfies never;
  }
}

/** A message drawn from Markdown; every piece of text goes through React as text. */
export function Markdown({
  text,
  usernames,
}: {
  text: string;
  usernames: ReadonlySet<string>;
}): React.ReactElement {
  const tree = React.useMemo(() => parseMarkdown(text), [text]);
  return h("div", { className: "markdown" }, ...tree.map((b) => block(b, usernames)));
}
