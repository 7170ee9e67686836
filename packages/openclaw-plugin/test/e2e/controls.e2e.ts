// The box as a control surface on the real OpenClaw gateway (issue 12): exec approvals required by
// config make a run wait, and the box says so; a person's `/approve … allow-once` in the thread
// resumes it. A model's `progress_card` becomes the box's plan. A person's `stop`, typed as the box's
// last line says, ends the run aborted, nothing writes to that box afterwards, and the next message
// gets a fresh box. The texts posted here come from the contract's commands, the ones the webapp's
// buttons post.
import { approveCommand, stopCommand } from "@live-status/contract";
import type { FakeChannel, FakePost, FakeUser } from "@live-status/fake-mattermost";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Box, boxWrites, liveBoxesIn, reportFailure, runningBoxes } from "./boxes.ts";
import type { ModelStep } from "./fake-model.ts";
import { type Gateway, startGateway } from "./gateway.ts";
import { prepareInstall, restorePristine } from "./install.ts";
import { BOT_USERNAME, startWorld, type World, waitFor } from "./world.ts";

const PLAN_ANSWER = "Plan finished.";
const APPROVED_ANSWER = "The file is there.";
const plan = (statuses: string[]) => ({
  plan: ["Read the notes", "Write the summary", "Post it"].map((step, i) => ({ step, status: statuses[i] })),
});
const RULES: [string, ModelStep[]][] = [
  [
    "[approve]",
    [
      { kind: "tools", calls: [{ name: "exec", arguments: { command: "touch approved.txt" } }] },
      { kind: "text", text: APPROVED_ANSWER },
    ],
  ],
  [
    "[plan]",
    [
      {
        kind: "tools",
        calls: [{ name: "progress_card", arguments: plan(["in_progress", "pending", "pending"]) }],
      },
      // Held back so the first plan is on screen for longer than a box's edit interval (1 s).
      { kind: "tools", calls: [{ name: "read", arguments: { path: "NOTES.md" } }], delayMs: 1_500 },
      {
        kind: "tools",
        calls: [{ name: "progress_card", arguments: plan(["completed", "completed", "in_progress"]) }],
        delayMs: 1_500,
      },
      { kind: "text", text: PLAN_ANSWER },
    ],
  ],
];

let world: World;
let gateway: Gateway | undefined;

beforeAll(async () => {
  await prepareInstall("plugin");
  world = await startWorld({ slowMs: 30_000, rules: RULES });
  gateway = await startGateway({
    home: restorePristine("plugin"),
    modelBaseUrl: world.model.baseUrl,
    mattermost: { url: world.mm.url, botToken: world.mm.botToken },
    workspaceFiles: { "NOTES.md": "hello from the notes\n" },
    plugin: { enabled: true, config: {} },
    // Exec on the gateway host asks a person for anything outside the allowlist.
    extra: { tools: { exec: { host: "gateway", mode: "ask" } } },
  });
  await world.botConnected(true);
});

afterEach((context) => {
  if (context.task.result?.state === "fail" && world) reportFailure(world.mm, gateway?.output(), true);
});

afterAll(async () => {
  await gateway?.stop(30_000);
  await world?.close();
});

const mm = () => world.mm;

function boxIn(channel: FakeChannel, rootId: string, since: number): Box | undefined {
  return liveBoxesIn(mm(), channel.id, rootId)
    .filter((b) => b.createAt >= since)
    .at(-1);
}

function answerIn(channel: FakeChannel, rootId: string, since: number, text: string): FakePost | undefined {
  return mm()
    .postsIn(channel.id, { rootId })
    .find(
      (p) =>
        p.user_id === mm().botUserId && p.type === "" && p.create_at >= since && p.message.includes(text),
    );
}

async function finalBox(channel: FakeChannel, rootId: string, since: number): Promise<Box> {
  return waitFor(
    "a final box",
    () => {
      const box = boxIn(channel, rootId, since);
      return box?.status && box.status.state !== "running" ? box : undefined;
    },
    60_000,
  );
}

const say = (channel: FakeChannel, user: FakeUser, text: string, rootId?: string) =>
  world.say(channel, user, text, rootId);

describe("the box as a control surface on the real gateway", () => {
  it("shows an exec waiting for approval; the person's /approve in the thread resumes it and the box ends done", async () => {
    const root = say(world.town, world.bob, "a thread for the release");
    const asked = say(world.town, world.alice, `@${BOT_USERNAME} [approve] create the marker file`, root.id);
    const waiting = await waitFor(
      "a box waiting for approval",
      () => {
        const box = boxIn(world.town, root.id, asked.create_at);
        return box?.status?.waiting ? box : undefined;
      },
      60_000,
    );
    const w = waiting.status?.waiting;
    expect(waiting.status?.state).toBe("running");
    expect(w?.kind).toBe("approval");
    expect(w?.command).toBe("touch approved.txt");
    const shortId = w?.approvalId.slice(0, 8) ?? "";
    expect(shortId).toHaveLength(8);
    expect(waiting.message).toContain("⏸️ **Waiting for approval:** `touch approved.txt`");
    expect(waiting.message).toContain(`\`@${BOT_USERNAME} /approve ${shortId} allow-once\``);
    expect(waiting.status?.tools.map((t) => `${t.name}:${t.state}`)).toEqual(["exec:running"]);

    // What the webapp's "Approve once" button posts, as alice, into the run's thread.
    say(world.town, world.alice, approveCommand(w?.approvalId ?? "", "allow-once", BOT_USERNAME), root.id);
    const box = await finalBox(world.town, root.id, asked.create_at);
    expect(box.id).toBe(waiting.id);
    expect(box.status?.state).toBe("done");
    expect(box.status?.waiting).toBeUndefined();
    expect(box.status?.tools.map((t) => `${t.name}:${t.state}`)).toEqual(["exec:ok"]);
    expect(box.message).not.toContain("/approve");
    await waitFor(
      "the answer",
      () => answerIn(world.town, root.id, asked.create_at, APPROVED_ANSWER),
      30_000,
    );
  });

  it("shows the plan a model keeps with progress_card, as its latest version", async () => {
    const asked = say(world.town, world.alice, `@${BOT_USERNAME} [plan] summarize the notes`);
    const box = await finalBox(world.town, "", asked.create_at);
    expect(box.status?.state).toBe("done");
    expect(box.status?.plan).toEqual([
      { step: "Read the notes", status: "completed" },
      { step: "Write the summary", status: "completed" },
      { step: "Post it", status: "in_progress" },
    ]);
    expect(box.message).toContain("**Plan** (2/3 done)");
    // The first version of the plan was shown while the run went on.
    const planned = mm()
      .requests()
      .filter((r) => r.userId === mm().botUserId && r.method === "PUT" && r.path.includes(box.id))
      .map((r) => JSON.stringify(r.body));
    expect(planned.some((b) => b.includes('{"step":"Read the notes","status":"in_progress"}'))).toBe(true);
    await waitFor("the answer", () => answerIn(world.town, "", asked.create_at, PLAN_ANSWER), 30_000);
  });

  it.each(["a DM", "a channel thread"])(
    "ends the box aborted on a person's stop in %s, writes nothing to it afterwards, and gives the next message a fresh box",
    async (where) => {
      const inDm = where === "a DM";
      const channel = inDm ? world.dm(world.alice) : world.town;
      const rootId = inDm ? "" : say(world.town, world.bob, "a thread to stop").id;
      const mention = inDm ? "" : `@${BOT_USERNAME} `;
      const asked = say(channel, world.alice, `${mention}[slow] take your time`, rootId || undefined);
      const running = await waitFor(
        "a running box with its first tool",
        () => {
          const box = boxIn(channel, rootId, asked.create_at);
          return box?.status?.state === "running" && box.status.tools.length > 0 ? box : undefined;
        },
        60_000,
      );
      // The box's last line says how to stop it; alice types exactly that, as someone without the
      // webapp would (the webapp's Stop button posts the same text), into the run's conversation.
      const hint = /\nTo stop it, send `([^`]+)` here$/.exec(running.message)?.[1];
      expect(hint).toBe(stopCommand(BOT_USERNAME));
      say(channel, world.alice, hint ?? "", rootId || undefined);
      const stopped = await finalBox(channel, rootId, asked.create_at);
      expect(stopped.id).toBe(running.id);
      expect(stopped.status?.state).toBe("aborted");
      expect(stopped.message).not.toContain("To stop it");
      const finalSeq = Math.max(
        ...boxWrites(mm())
          .filter((w) => w.postId === stopped.id)
          .map((w) => w.seq),
      );
      await new Promise((r) => setTimeout(r, 3_000));
      const after = boxWrites(mm()).filter((w) => w.postId === stopped.id && w.seq > finalSeq);
      expect(after).toEqual([]);
      expect(runningBoxes(mm())).toEqual([]);

      const next = say(channel, world.alice, `${mention}are you there?`, rootId || undefined);
      const fresh = await finalBox(channel, rootId, next.create_at);
      expect(fresh.id).not.toBe(stopped.id);
      expect(fresh.status?.state).toBe("done");
      expect(liveBoxesIn(mm(), channel.id, rootId)).toEqual([fresh]);
    },
  );
});
