import {
  assertServedAccordingToSpec,
  type FakeMattermost,
  startFakeMattermost,
} from "@live-status/fake-mattermost";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../src/demo.ts";
import type { RemoteStatus } from "../src/remote.ts";
import { eventually, everything, isBox, isFinal } from "./support.ts";

// Another fake stands in for "your Mattermost": a different server, bot and channel.
let demo: Demo;
let real: FakeMattermost;
let channelId: string;
const lines: string[] = [];
const answers: string[] = [];

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(new URL("/demo/api/remote", demo.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  answers.push(await res.clone().text());
  return res;
}

async function status(): Promise<RemoteStatus> {
  const res = await fetch(new URL("/demo/api/remote", demo.url));
  const text = await res.text();
  answers.push(text);
  return JSON.parse(text) as RemoteStatus;
}

const finished = () =>
  eventually(async () => {
    const s = await status();
    return s.state === "running" ? undefined : s;
  }, 40_000);

beforeAll(async () => {
  demo = await startDemo({ port: 0, speed: 25, log: (line) => lines.push(line) });
  real = await startFakeMattermost({ botUsername: "ops-bot", users: ["carol"] });
  const carol = real.user("carol");
  channelId = real.addChannel("O", "demo-room", carol ? [carol.id] : []).id;
}, 30_000);

afterAll(async () => {
  await demo?.stop();
  await real?.close();
});

describe("playing the scene into a real Mattermost", () => {
  it("replays every turn into the given channel: the thread and the DM become threads there", async () => {
    const started = await post({ url: real.url, token: real.botToken, channelId });
    expect(started.status).toBe(202);
    // One run at a time.
    expect((await post({ url: real.url, token: real.botToken, channelId })).status).toBe(409);
    const result = await finished();
    expect(result.state).toBe("done");
    expect(result.lines.at(-1)).toBe("Done: open the channel to see the boxes.");

    const roots = real.postsIn(channelId, { rootId: "" });
    const rootBoxes = roots.filter(isBox);
    expect(rootBoxes).toHaveLength(1);
    const threads = roots.filter((p) => real.postsIn(channelId, { rootId: p.id }).length > 0);
    expect(threads.map((t) => t.message.split("\n")[0])).toEqual([
      "**bob** (from the scene):",
      "*A direct message from **bob** to the bot in the scene, replayed here as a thread.*",
    ]);
    const [release, dm] = threads.map((t) => real.postsIn(channelId, { rootId: t.id, includeDeleted: true }));
    expect(release?.filter(isBox).map((p) => p.delete_at > 0)).toEqual([true, false]);
    expect(release?.filter((p) => !isBox(p)).at(-1)?.message).toMatch(/^Draft rollout note/);
    expect(dm?.filter(isBox)).toHaveLength(1);
    expect(real.posts().filter(isBox).every(isFinal)).toBe(true);
  }, 60_000);

  it("quotes the scene's mentions so nobody on the real server is notified", () => {
    const quoted = real.posts().filter((p) => p.message.startsWith("**alice**:"));
    expect(quoted.map((p) => p.message)).toContain(
      "**alice**: `@openclaw` staging deploys have been failing since this morning. Can you find out why?",
    );
  });

  it("keeps secrets and the token out of the server, the page and the terminal", () => {
    const posts = everything(real);
    for (const secret of demo.scene.secrets) expect(posts).not.toContain(secret);
    expect(posts).not.toContain(real.botToken);
    for (const answer of answers) expect(answer).not.toContain(real.botToken);
    expect(lines.join("\n")).not.toContain(real.botToken);
    expect(lines.join("\n")).toContain("[your Mattermost] Done");
    assertServedAccordingToSpec(real);
  });

  it("explains a bad form without echoing the token", async () => {
    const res = await post({ url: "not a url", token: "hush-hush-token", channelId });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain("not a URL");
    expect(body).not.toContain("hush-hush-token");
  });

  it("reports a server it cannot reach as a failed run", async () => {
    expect((await post({ url: "http://127.0.0.1:9", token: "some-token", channelId })).status).toBe(202);
    const result = await finished();
    expect(result.state).toBe("failed");
    expect(result.lines.join("\n")).toMatch(/Failed: cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it("refuses a start from another site", async () => {
    const res = await post(
      { url: real.url, token: real.botToken, channelId },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
  });
});
