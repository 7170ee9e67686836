/**
 * The fake Mattermost in its own process, so that benchmark 3 measures only the pipeline's CPU.
 * Driven over the fork IPC channel: `channels` (create n channels), `report` (what the fake saw),
 * `close`. Started by many-sessions.ts; not meant to be run by hand.
 */
import type { LiveStatusV1 } from "@live-status/contract";
import { startFakeMattermost } from "@live-status/fake-mattermost";

/** One write the fake answered: [arrival ms, kind, status, session or "", box state or ""]. */
export type RequestRow = [number, "create" | "edit" | "delete" | "other", number, string, string];

/** What the fake holds at the end, per channel: the states of its live (not deleted) boxes. */
export type BoxRow = [channelId: string, states: string[]];

export type ToFake = { type: "channels"; count: number } | { type: "report" } | { type: "close" };
export type FromFake =
  | { type: "ready"; url: string; botToken: string; botUserId: string }
  | { type: "channels"; ids: string[] }
  | { type: "report"; requests: RequestRow[]; boxes: BoxRow[]; cpuMs: number; rssMiB: number };

const send = (m: FromFake) => process.send?.(m);

const fake = await startFakeMattermost();
// A request log entry keeps bodies; fine at the request counts the budget allows.
process.on("message", (m: ToFake) => {
  switch (m.type) {
    case "channels": {
      const ids: string[] = [];
      for (let i = 0; i < m.count; i++) ids.push(fake.addChannel("O", `bench-${i}`).id);
      send({ type: "channels", ids });
      return;
    }
    case "report": {
      const requests: RequestRow[] = fake.requests().map((r) => {
        const body = r.body as { props?: { live_status?: LiveStatusV1 } } | undefined;
        const status = body?.props?.live_status;
        const kind =
          r.method === "POST" && r.path === "/api/v4/posts"
            ? "create"
            : r.method === "PUT" && r.path.endsWith("/patch")
              ? "edit"
              : r.method === "DELETE"
                ? "delete"
                : "other";
        return [r.at, kind, r.status, status?.session ?? "", status?.state ?? ""];
      });
      const byChannel = new Map<string, string[]>();
      for (const p of fake.posts()) {
        if (p.type !== "custom_live_status" || p.delete_at > 0) continue;
        const states = byChannel.get(p.channel_id) ?? [];
        states.push((p.props.live_status as LiveStatusV1).state);
        byChannel.set(p.channel_id, states);
      }
      const cpu = process.cpuUsage();
      send({
        type: "report",
        requests,
        boxes: [...byChannel],
        cpuMs: (cpu.user + cpu.system) / 1_000,
        rssMiB: process.memoryUsage().rss / 2 ** 20,
      });
      return;
    }
    case "close":
      void fake.close().then(() => process.exit(0));
      return;
  }
});
// Never outlive the benchmark that started us.
process.on("disconnect", () => process.exit(0));
send({ type: "ready", url: fake.url, botToken: fake.botToken, botUserId: fake.botUserId });
