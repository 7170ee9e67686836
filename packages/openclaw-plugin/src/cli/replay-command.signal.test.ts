import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/live-status.js", import.meta.url));

let fake: FakeMattermost;
let dir: string;

beforeEach(async () => {
  fake = await startFakeMattermost();
  dir = await mkdtemp(join(tmpdir(), "live-status-signal-"));
});

afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

it("finalizes live boxes as interrupted and exits 130 when stopped by SIGINT", async () => {
  const channel = fake.addChannel("O", "long-run");
  const session = `agent:main:mattermost:channel:${channel.id}`;
  const t = 1_789_000_000_000;
  const lines = [
    { v: 1, ts: t, session, type: "run_start", runId: "r1" },
    {
      v: 1,
      ts: t + 100,
      session,
      type: "tool_start",
      runId: "r1",
      callId: "c1",
      name: "exec",
      args: { command: "make" },
    },
    { v: 1, ts: t + 600_000, session, type: "run_end", runId: "r1", outcome: "ok" },
  ];
  const file = join(dir, "events.jsonl");
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n"));

  const child = spawn(process.execPath, [BIN, "replay", file, "--mattermost-url", fake.url, "--speed", "1"], {
    env: { ...process.env, MATTERMOST_TOKEN: fake.botToken },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  for (let i = 0; i < 200 && fake.posts().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(fake.posts()).toHaveLength(1);
  child.kill("SIGINT");
  const code = await Promise.race([
    exited,
    new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000)),
  ]);
  if (code === "timeout") child.kill("SIGKILL");

  expect(code).toBe(130);
  expect(stderr).toContain("stopped by SIGINT");
  const [box] = fake.posts();
  expect((box?.props.live_status as { state: string }).state).toBe("interrupted");
});
