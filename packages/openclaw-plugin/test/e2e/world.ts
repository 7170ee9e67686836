/**
 * The world an e2e gateway talks to: the project's fake Mattermost (bot `livebot`, people alice and
 * bob, an open channel `town`, their DMs) and the scripted fake model. Everything on 127.0.0.1.
 */
import {
  type FakeChannel,
  type FakeMattermost,
  type FakePost,
  type FakeUser,
  startFakeMattermost,
} from "@live-status/fake-mattermost";
import { type FakeModel, type ModelStep, scriptByMarker, startFakeModel } from "./fake-model.ts";

export const BOT_USERNAME = "livebot";

/** Options of the scripted turn. */
export interface ScriptOptions {
  /** Model latency of each step of the `[tools]` turn (three steps). Default 600 ms. */
  stepDelayMs?: number;
  /** Model latency of each step of the `[many]` turn (seven steps). Default 1300 ms. */
  manyStepDelayMs?: number;
  /** How long the `[slow]` turn's final answer is held back. Default 20 s. */
  slowMs?: number;
  /** More marker rules, tried before the built-in ones (see {@link scriptByMarker}). */
  rules?: ReadonlyArray<[marker: string, plan: ModelStep[]]>;
}

/** The text the `[tools]` turn ends with. */
export const TOOLS_ANSWER = "Done: the notes say hello and echo printed hi.";

/** The text the `[many]` turn ends with. */
export const MANY_ANSWER = "Done: all twelve checks printed their step.";

/** Model steps of the `[many]` turn that call tools, and the calls each makes. */
export const MANY_STEPS = 6;
export const MANY_CALLS_PER_STEP = 2;

/**
 * What the fake model does, chosen by a marker in the user's message:
 * - `[tools]`: reasoning + "Let me check." + `read NOTES.md`, then `exec echo hi`, then the answer;
 * - `[many]`: six steps of "Step k." + two `exec echo` calls each, then the answer (12 tools, ~10 s);
 * - `[slow]`: `read NOTES.md`, then an answer held back `slowMs` (a run to interrupt);
 * - OpenClaw's heartbeat prompt ("Follow the heartbeat monitor …"): `read NOTES.md`, then `NO_REPLY`;
 * - anything else: "Noted.".
 */
export function e2eScript(o: ScriptOptions = {}) {
  const d = o.stepDelayMs ?? 600;
  const tools: ModelStep[] = [
    {
      kind: "tools",
      text: "Let me check.",
      reasoning: "The notes first, then a command.",
      calls: [{ name: "read", arguments: { path: "NOTES.md" } }],
      delayMs: d,
    },
    { kind: "tools", calls: [{ name: "exec", arguments: { command: "echo hi" } }], delayMs: d },
    { kind: "text", text: TOOLS_ANSWER, delayMs: d },
  ];
  const manyDelay = o.manyStepDelayMs ?? 1_300;
  const many: ModelStep[] = [
    ...Array.from(
      { length: MANY_STEPS },
      (_, k): ModelStep => ({
        kind: "tools",
        text: `Step ${k + 1}: checking.`,
        calls: Array.from({ length: MANY_CALLS_PER_STEP }, (_, c) => ({
          name: "exec",
          arguments: { command: `echo step-${k + 1}-${c + 1}` },
        })),
        delayMs: manyDelay,
      }),
    ),
    { kind: "text", text: MANY_ANSWER, delayMs: manyDelay },
  ];
  const slow: ModelStep[] = [
    { kind: "tools", calls: [{ name: "read", arguments: { path: "NOTES.md" } }] },
    { kind: "text", text: "Finally done.", delayMs: o.slowMs ?? 20_000 },
  ];
  return scriptByMarker(
    [
      ...(o.rules ?? []),
      ["[tools]", tools],
      ["[many]", many],
      ["[slow]", slow],
      // OpenClaw's heartbeat prompt: one tool call, then the "nothing to say" answer.
      [
        "heartbeat monitor",
        [
          { kind: "tools", calls: [{ name: "read", arguments: { path: "NOTES.md" } }] },
          { kind: "text", text: "NO_REPLY" },
        ],
      ],
    ],
    [{ kind: "text", text: "Noted." }],
  );
}

/** The fakes of one e2e run plus shortcuts for the people and places in it. */
export interface World {
  mm: FakeMattermost;
  model: FakeModel;
  alice: FakeUser;
  bob: FakeUser;
  town: FakeChannel;
  /** The DM channel between the bot and a person (created on first use, as Mattermost does). */
  dm(user: FakeUser): FakeChannel;
  /**
   * Waits until the bot's WebSocket is (`true`) or is no longer (`false`) connected. `[gateway] ready`
   * can come before the channel plugin has connected, and a post made before that is never seen.
   */
  botConnected(connected: boolean, timeoutMs?: number): Promise<void>;
  /** A person writes; the fake broadcasts it as a `posted` event to the bot's WebSocket. */
  say(channel: FakeChannel, user: FakeUser, message: string, rootId?: string): FakePost;
  close(): Promise<void>;
}

/** Starts both fakes. */
export async function startWorld(script: ScriptOptions = {}): Promise<World> {
  const mm = await startFakeMattermost({
    botUsername: BOT_USERNAME,
    users: ["alice", "bob"],
    channels: [{ type: "O", name: "town", members: ["alice", "bob"] }],
  });
  let model: FakeModel;
  try {
    model = await startFakeModel({ script: e2eScript(script), chunkDelayMs: 20 });
  } catch (error) {
    await mm.close();
    throw error;
  }
  const must = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`world: no ${what}`);
    return v;
  };
  return {
    mm,
    model,
    alice: must(mm.user("alice"), "alice"),
    bob: must(mm.user("bob"), "bob"),
    town: must(mm.channelByName("town"), "town"),
    dm: (user) => mm.addChannel("D", undefined, [user.id]),
    botConnected: async (connected, timeoutMs = 60_000) => {
      await waitFor(
        connected ? "the bot's WebSocket" : "the bot's WebSocket to close",
        () => mm.webSocketClients() > 0 === connected,
        timeoutMs,
      );
    },
    say: (channel, user, message, rootId) => mm.userPost(channel.id, user.id, message, rootId),
    close: async () => {
      await Promise.allSettled([model.close(), mm.close()]);
    },
  };
}

/** Polls `check` every 100 ms until it returns a value other than undefined/false; rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
