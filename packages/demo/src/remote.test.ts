import { describe, expect, it } from "vitest";
import { parseRemoteInput } from "./remote.ts";

const CHANNEL = "abcdefghijklmnopqrstuvwxyz";
const TOKEN = "s3cr3t-bot-token-value";

describe("parseRemoteInput", () => {
  it("accepts an http(s) server, a token and a Mattermost channel id, trimming them", () => {
    expect(
      parseRemoteInput({ url: " https://chat.example.com/ ", token: ` ${TOKEN} `, channelId: CHANNEL }),
    ).toEqual({
      url: "https://chat.example.com",
      token: TOKEN,
      channelId: CHANNEL,
    });
  });

  it("keeps a path prefix of a server behind a proxy", () => {
    expect(
      parseRemoteInput({ url: "https://example.com/chat/", token: TOKEN, channelId: CHANNEL }),
    ).toMatchObject({
      url: "https://example.com/chat",
    });
  });

  it.each([
    [{ url: "chat.example.com", token: TOKEN, channelId: CHANNEL }, /not a URL/],
    [{ url: "file:///etc/passwd", token: TOKEN, channelId: CHANNEL }, /http/],
    [{ url: "https://x.test", token: "", channelId: CHANNEL }, /token/],
    [{ url: "https://x.test", token: "two words", channelId: CHANNEL }, /token/],
    [{ url: "https://x.test", token: TOKEN, channelId: "town-square" }, /channel id/],
    [null, /not a URL/],
  ])("refuses %j without repeating the token", (body, message) => {
    const result = parseRemoteInput(body);
    expect(result).toMatchObject({ error: expect.stringMatching(message) });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});
