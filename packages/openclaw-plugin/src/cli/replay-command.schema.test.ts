/**
 * Every `props.live_status` the pipeline writes — creates and edits, in every state — is valid
 * against docs/live-status.schema.json, the contract other tools read.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import Ajv2020 from "ajv/dist/2020.js";
import { afterEach, beforeEach, expect, it } from "vitest";
import { serializeEvent } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import { main } from "./main.ts";

const schema = JSON.parse(
  readFileSync(new URL("../../../../docs/live-status.schema.json", import.meta.url), "utf8"),
) as object;
const validate = new Ajv2020.default({ strict: true, allErrors: true }).compile(schema);

let fake: FakeMattermost;
let dir: string;

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice"] });
  dir = await mkdtemp(join(tmpdir(), "live-status-schema-"));
});

afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const T = 1_789_000_000_000;

function turn(session: string, runId: string, at: number, end: Record<string, unknown> | null): LiveEvent[] {
  const ev = (ts: number, body: Record<string, unknown>) =>
    ({ v: 1, ts: T + at + ts, session, runId, ...body }) as LiveEvent;
  const events = [
    ev(0, { type: "run_start", trigger: { kind: "user" } }),
    ev(100, { type: "thinking" }),
    ev(200, { type: "tool_start", callId: `${runId}-a`, name: "exec", args: { command: "npm test" } }),
    ev(900, { type: "tool_end", callId: `${runId}-a`, ok: false, error: "exit code 1" }),
    ev(1_000, { type: "subagent_start", child: `agent:main:subagent:${runId}`, label: "logs" }),
    ev(1_500, { type: "subagent_end", child: `agent:main:subagent:${runId}`, outcome: "ok" }),
    ev(1_600, { type: "tool_start", callId: `${runId}-b`, name: "read", args: { path: "NOTES.md" } }),
    ev(1_700, { type: "usage", input: 1200, output: 80 }),
    ev(1_800, { type: "text", text: "Looking at the failing test" }),
  ];
  if (end) events.push(ev(2_000, { type: "run_end", ...end }));
  return events;
}

it("writes only schema-valid props, in every box state", async () => {
  const channels = ["done", "error", "aborted", "interrupted"].map((name) => fake.addChannel("O", name));
  const [done, error, aborted, interrupted] = channels.map(
    (c) => `agent:main:mattermost:channel:${c.id}`,
  ) as [string, string, string, string];
  const events = [
    ...turn(done, "r-done", 0, { outcome: "ok" }),
    ...turn(error, "r-error", 10, { outcome: "error", error: "model provider answered 503" }),
    ...turn(aborted, "r-aborted", 20, { outcome: "aborted" }),
    ...turn(interrupted, "r-interrupted", 30, null),
  ].sort((a, b) => a.ts - b.ts);
  const file = join(dir, "events.jsonl");
  await writeFile(file, events.map(serializeEvent).join("\n"));
  const code = await main(["replay", file, "--mattermost-url", fake.url, "--quiet", "--json"], {
    stdout: () => {},
    stderr: () => {},
    env: { MATTERMOST_TOKEN: fake.botToken },
  });
  expect(code).toBe(0);

  const written = fake
    .requests()
    .filter((r) => r.method === "POST" || r.method === "PUT")
    .map((r) => (r.body as { props?: { live_status?: unknown } } | undefined)?.props?.live_status)
    .filter((s) => s !== undefined);
  const states = new Set(written.map((s) => (s as { state: string }).state));
  expect([...states].sort()).toEqual(["aborted", "done", "error", "interrupted", "running"]);
  for (const status of written)
    expect({ status, errors: validate(status) ? null : validate.errors }).toEqual({ status, errors: null });
});
