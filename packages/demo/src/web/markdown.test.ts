import { describe, expect, it } from "vitest";
import { isSafeHref, parseInline, parseMarkdown } from "./markdown.ts";

describe("parseInline", () => {
  it("reads bold, italics, code, mentions and links", () => {
    expect(parseInline("**Fix** it in `values.yaml`, _today_, @alice: see https://example.com/x.")).toEqual([
      { t: "strong", c: [{ t: "text", v: "Fix" }] },
      { t: "text", v: " it in " },
      { t: "code", v: "values.yaml" },
      { t: "text", v: ", " },
      { t: "em", c: [{ t: "text", v: "today" }] },
      { t: "text", v: ", " },
      { t: "mention", v: "alice" },
      { t: "text", v: ": see " },
      { t: "link", href: "https://example.com/x", c: [{ t: "text", v: "https://example.com/x" }] },
      { t: "text", v: "." },
    ]);
  });

  it("keeps HTML as plain text: no node can carry markup", () => {
    const nodes = parseInline('<img src=x onerror="alert(1)"> <script>alert(2)</script>');
    expect(nodes).toEqual([{ t: "text", v: '<img src=x onerror="alert(1)"> <script>alert(2)</script>' }]);
  });

  it("turns a link with an unsafe target into its own text", () => {
    expect(parseInline("[click](javascript:alert(1))")).toEqual([
      { t: "text", v: "[click](javascript:alert(1))" },
    ]);
    expect(isSafeHref("javascript:alert(1)")).toBe(false);
    expect(isSafeHref("mailto:ops@example.com")).toBe(true);
  });

  it("does not read an e-mail address or snake_case words as mentions or italics", () => {
    expect(parseInline("mail ops@example.com about max_tokens_per_call")).toEqual([
      { t: "text", v: "mail ops@example.com about max_tokens_per_call" },
    ]);
  });

  it("keeps line breaks inside a paragraph", () => {
    expect(parseInline("a\nb")).toEqual([{ t: "text", v: "a" }, { t: "br" }, { t: "text", v: "b" }]);
  });
});

describe("parseMarkdown", () => {
  it("reads paragraphs, lists, numbered lists, quotes, headings and fenced code", () => {
    const blocks = parseMarkdown(
      "# Plan\nFirst:\n- one\n- two\n\n1. a\n2. b\n\n> quoted\n\n```\n<b>raw</b>\n```",
    );
    expect(blocks.map((b) => b.t)).toEqual(["h", "p", "ul", "ol", "quote", "pre"]);
    expect(blocks[2]).toEqual({ t: "ul", items: [[{ t: "text", v: "one" }], [{ t: "text", v: "two" }]] });
    expect(blocks[3]).toMatchObject({ t: "ol", start: 1 });
    expect(blocks[5]).toEqual({ t: "pre", v: "<b>raw</b>" });
  });

  it("reads an unterminated code fence to the end instead of failing", () => {
    expect(parseMarkdown("```\nnever closed")).toEqual([{ t: "pre", v: "never closed" }]);
  });
});
