import { describe, expect, it } from "vitest";
import { fillPlaceholders, placeholdersIn, toPlaceholders } from "./placeholders.ts";

describe("placeholders", () => {
  it("finds every ref named anywhere in a nested value, once", () => {
    const value = {
      session: "agent:main:mattermost:channel:{{town}}:thread:{{release}}",
      trigger: { postId: "{{town}}" },
      list: ["{{bob}}", 3, null],
    };
    expect(placeholdersIn(value).sort()).toEqual(["bob", "release", "town"]);
  });

  it("fills refs with ids and leaves other text, numbers and the original alone", () => {
    const value = {
      session: "agent:main:mattermost:channel:{{town}}",
      ts: 5,
      args: { command: "echo {not a ref}" },
    };
    const filled = fillPlaceholders(value, new Map([["town", "c1"]]));
    expect(filled).toEqual({
      session: "agent:main:mattermost:channel:c1",
      ts: 5,
      args: { command: "echo {not a ref}" },
    });
    expect(value.session).toContain("{{town}}");
  });

  it("refuses to leave a ref without an id", () => {
    expect(() => fillPlaceholders({ channelId: "{{nowhere}}" }, new Map())).toThrow("{{nowhere}}");
  });

  it("names recorded ids as refs, everywhere they occur, so filling them again gives the original back", () => {
    const recorded = {
      session: "agent:main:mattermost:channel:aaaa:thread:bbbb",
      trigger: { postId: "cccc" },
      text: "no id here",
    };
    const refsById = new Map([
      ["aaaa", "town"],
      ["bbbb", "release"],
      ["cccc", "ask"],
    ]);
    const named = toPlaceholders(recorded, refsById);
    expect(named).toEqual({
      session: "agent:main:mattermost:channel:{{town}}:thread:{{release}}",
      trigger: { postId: "{{ask}}" },
      text: "no id here",
    });
    const ids = new Map([...refsById].map(([id, ref]) => [ref, id]));
    expect(fillPlaceholders(named, ids)).toEqual(recorded);
  });
});
