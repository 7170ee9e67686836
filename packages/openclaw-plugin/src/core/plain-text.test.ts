import { describe, expect, it } from "vitest";
import { plainText } from "./plain-text.ts";
import { oneLine } from "./text.ts";

const plain = (md: string) => oneLine(plainText(md));

describe("plain text of a markdown preview", () => {
  it.each([
    ["**bold** and __strong__", "bold and strong"],
    ["*emphasis* and _this_", "emphasis and this"],
    ["~~gone~~ now", "gone now"],
    ["run `npm test` then ``a ` b``", "run npm test then a ` b"],
    ["## Results\nAll good", "Results All good"],
    ["> quoted\n>> twice", "quoted twice"],
    ["- one\n* two\n+ three\n1. four\n2) five", "one two three four five"],
    ["- [x] done\n- [ ] open", "done open"],
    ["see [the docs](https://example.com/a?b=c) and ![chart](x.png)", "see the docs and chart"],
    ["<https://example.com>", "https://example.com"],
    ["```ts\nconst a = 1;\n```", "const a = 1;"],
    ["above\n\n---\n\nbelow", "above below"],
    ["| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"],
  ])("turns %j into %j", (md, text) => {
    expect(plain(md)).toBe(text);
  });

  it.each(["snake_case_name stays", "2 * 3 * 4 = 24", "a_b and c_d", "price: 5 * x", "file_name.ts"])(
    "leaves %j as it is",
    (text) => {
      expect(plain(text)).toBe(text);
    },
  );

  it("keeps only the end of a very long text, cut at a line break", () => {
    const long = `${"x".repeat(20_000)}\n${"word ".repeat(1_000)}**end**`;
    const out = plainText(long);
    expect(out.length).toBeLessThanOrEqual(8_192);
    expect(out.startsWith("word")).toBe(true);
    expect(out.endsWith("end")).toBe(true);
  });
});
