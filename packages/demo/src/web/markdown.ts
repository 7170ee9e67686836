/**
 * A tiny Markdown reader for ordinary posts in the web view: paragraphs, lists, quotes, fenced code,
 * headings, and inline code, bold, italics, links and mentions. It returns a tree the page turns
 * into React elements, so text is always text: there is no path from a message to raw HTML, and
 * links keep only http, https and mailto targets.
 */

export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong"; c: Inline[] }
  | { t: "em"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "mention"; v: string }
  | { t: "br" };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "h"; level: number; c: Inline[] }
  | { t: "ul"; items: Inline[][] }
  | { t: "ol"; start: number; items: Inline[][] }
  | { t: "quote"; c: Block[] }
  | { t: "pre"; v: string };

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** Whether a link target may be followed from the page. */
export function isSafeHref(href: string): boolean {
  return SAFE_HREF.test(href);
}

const INLINE =
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]+?)\*\*|(?<![\w*])\*(?=\S)([^*\n]+?)\*(?![\w*])|(?<!\w)_(?=\S)([^_\n]+?)_(?!\w)|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"])|(?<![\w@])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])|(\n)/gi;

/** Inline Markdown of one block's text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  const push = (node: Inline) => {
    const prev = out.at(-1);
    if (node.t === "text" && prev?.t === "text") prev.v += node.v;
    else out.push(node);
  };
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) push({ t: "text", v: text.slice(last, at) });
    last = at + m[0].length;
    if (m[2] !== undefined) push({ t: "code", v: m[2] });
    else if (m[3] !== undefined) push({ t: "strong", c: parseInline(m[3]) });
    else if (m[4] !== undefined) push({ t: "em", c: parseInline(m[4]) });
    else if (m[5] !== undefined) push({ t: "em", c: parseInline(m[5]) });
    else if (m[6] !== undefined && m[7] !== undefined)
      push(isSafeHref(m[7]) ? { t: "link", href: m[7], c: parseInline(m[6]) } : { t: "text", v: m[0] });
    else if (m[8] !== undefined) push({ t: "link", href: m[8], c: [{ t: "text", v: m[8] }] });
    else if (m[9] !== undefined) push({ t: "mention", v: m[9] });
    else if (m[10] !== undefined) push({ t: "br" });
  }
  if (last < text.length) push({ t: "text", v: text.slice(last) });
  return out;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const FENCE = /^\s*(```|~~~)/;

/** Block Markdown of a whole message. */
export function parseMarkdown(message: string): Block[] {
  const lines = message.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").trimStart().startsWith(fence[1] ?? "```"))
        body.push(lines[i++] ?? "");
      i++;
      blocks.push({ t: "pre", v: body.join("\n") });
      continue;
    }
    if (line.trim() === "") {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ t: "h", level: heading[1]?.length ?? 1, c: parseInline(heading[2] ?? "") });
      i++;
      continue;
    }
    if (line.startsWith(">")) {
      const body: string[] = [];
      while (i < lines.length && (lines[i] ?? "").startsWith(">"))
        body.push((lines[i++] ?? "").replace(/^>\s?/, ""));
      blocks.push({ t: "quote", c: parseMarkdown(body.join("\n")) });
      continue;
    }
    if (BULLET.test(line)) {
      const items: Inline[][] = [];
      while (i < lines.length && BULLET.test(lines[i] ?? ""))
        items.push(parseInline(BULLET.exec(lines[i++] ?? "")?.[1] ?? ""));
      blocks.push({ t: "ul", items });
      continue;
    }
    const numbered = NUMBERED.exec(line);
    if (numbered) {
      const items: Inline[][] = [];
      while (i < lines.length && NUMBERED.test(lines[i] ?? ""))
        items.push(parseInline(NUMBERED.exec(lines[i++] ?? "")?.[2] ?? ""));
      blocks.push({ t: "ol", start: Number(numbered[1]), items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length) {
      const l = lines[i] ?? "";
      if (
        l.trim() === "" ||
        FENCE.test(l) ||
        HEADING.test(l) ||
        l.startsWith(">") ||
        BULLET.test(l) ||
        NUMBERED.test(l)
      )
        break;
      para.push(l);
      i++;
    }
    blocks.push({ t: "p", c: parseInline(para.join("\n")) });
  }
  return blocks;
}
