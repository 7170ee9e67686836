import { describe, expect, it } from "vitest";
import { json5ToJson, jsonProblem, parseJson5ish } from "./json-text.ts";

describe("parseJson5ish", () => {
  it("reads a hand-edited OpenClaw config: comments, trailing commas, bare keys, single quotes", () => {
    const text = `// OpenClaw config
{
  channels: {
    /* the bot */
    mattermost: { baseUrl: 'https://chat.example.com', botToken: "tok//en", enabled: true, },
  },
  "a-b": ['x', "it's", 'say "hi"',],
}`;
    expect(parseJson5ish(text)).toEqual({
      ok: true,
      value: {
        channels: { mattermost: { baseUrl: "https://chat.example.com", botToken: "tok//en", enabled: true } },
        "a-b": ["x", "it's", 'say "hi"'],
      },
    });
  });

  it("leaves strict JSON as it is", () => {
    const text = '{"a":[1,2,{"b":"c,]"}],"d":null}';
    expect(json5ToJson(text)).toBe(text);
  });

  it("reports what it cannot read without quoting the text", () => {
    const result = parseJson5ish('{ token: "sk-live-SECRET" oops }');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain("SECRET");
  });
});

describe("jsonProblem", () => {
  it("drops V8's quote of the input", () => {
    let error: unknown;
    try {
      JSON.parse("nope-sk-live-SECRET");
    } catch (e) {
      error = e;
    }
    expect(jsonProblem(error)).not.toContain("SECRET");
  });
});
