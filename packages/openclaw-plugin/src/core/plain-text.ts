/**
 * Markdown to plain text for the running preview: the box shows what the agent is saying, not its
 * markup (`**`, `#`, backticks, link targets). Words are kept as they are; only markers go.
 */

// Long texts are cut to their end first, at a line break, so the work stays bounded.
const WINDOW = 8192;

const LINE_RULES: ReadonlyArray<[RegExp, string]> = [
  [/^\s*(```|~~~).*$/, ""], // code fence lines
  [/^\s*([-*_])(\s*\1){2,}\s*$/, ""], // horizontal rules
  [/^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$/, ""], // table separators
  [/^\s{0,3}#{1,6}\s+/, ""], // headings
  [/^\s*(>\s?)+/, ""], // block quotes
  [/^\s*([-*+]|\d{1,9}[.)])\s+(\[[ xX]\]\s+)?/, ""], // list items and task boxes
];

const INLINE_RULES: ReadonlyArray<[RegExp, string]> = [
  [/!\[([^\]]*)\]\([^)]*\)/g, "$1"], // images: their alt text
  [/\[([^\]]+)\]\([^)]*\)/g, "$1"], // links: their text
  [/\[([^\]]+)\]\[[^\]]*\]/g, "$1"], // reference links
  [/<(https?:\/\/[^>\s]+)>/g, "$1"], // autolinks
  [/(`+)\s?([^`]|[^`].*?[^`])\s?\1/g, "$2"], // inline code
  [/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "$2"], // strong
  [/~~(?=\S)(.+?)(?<=\S)~~/g, "$1"], // strike-through
  [/(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])/g, "$1"], // emphasis with *
  [/(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])/g, "$1"], // emphasis with _ (not snake_case)
  [/\s*\|\s*/g, " "], // table cells
];

/** `md` without markdown markers; line breaks are kept (a later one-line pass folds them). */
export function plainText(md: string): string {
  let text = md;
  if (text.length > WINDOW) {
    text = text.slice(text.length - WINDOW);
    const nl = text.indexOf("\n");
    if (nl >= 0 && nl < WINDOW / 2) text = text.slice(nl + 1);
  }
  return text
    .split("\n")
    .map((line) => {
      let out = line;
      for (const [re, to] of LINE_RULES) out = out.replace(re, to);
      for (const [re, to] of INLINE_RULES) out = out.replace(re, to);
      return out;
    })
    .join("\n");
}
