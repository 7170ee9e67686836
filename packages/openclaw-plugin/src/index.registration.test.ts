/** What the entry registers on each plugin instance, and how it copes with older or stricter hosts. */
import { afterEach, describe, expect, it } from "vitest";
import { type Feed, fixtureId, loadCapture, TestHost } from "../test/support/openclaw-host.ts";
import { AGENT_EVENT_STREAMS } from "./adapters/openclaw/agent-streams.ts";
import { forgetProcessHub, processHub } from "./adapters/openclaw/hub.ts";
import { LIVE_STATUS_HOOKS } from "./adapters/openclaw/signals.ts";
import entry from "./index.ts";

afterEach(() => forgetProcessHub());

function threeInstances(feed: Feed = "grouped", refuseHooks: string[] = []) {
  const host = new TestHost({ feed, refuseHooks });
  for (const mode of ["full", "discovery", "discovery"] as const) host.register(entry, mode);
  return host;
}

const theHub = () =>
  processHub(() => {
    throw new Error("no hub");
  });

describe("registering the entry", () => {
  it("declares the plugin id the manifest has", () => {
    expect(entry.id).toBe("live-status");
    expect(entry.name).toBe("Live Status");
  });

  it("registers the same hooks and one agent-event subscription in every mode", () => {
    const host = threeInstances();
    for (const instance of host.instances) {
      expect([...instance.hooks.keys()].sort()).toEqual([...LIVE_STATUS_HOOKS].sort());
      expect(instance.subscriptions).toHaveLength(1);
      expect(instance.subscriptions[0]).toMatchObject({ id: "live-status", streams: AGENT_EVENT_STREAMS });
    }
  });

  it("registers the service only in full mode", () => {
    const host = threeInstances();
    expect(host.instances.map((i) => i.services.map((s) => s.id))).toEqual([["live-status"], [], []]);
  });

  it("never registers message_sending or reply_payload_sending, which would switch off Mattermost's drafts", () => {
    const host = threeInstances();
    for (const instance of host.instances) {
      expect(instance.hooks.has("message_sending")).toBe(false);
      expect(instance.hooks.has("reply_payload_sending")).toBe(false);
    }
  });

  it("returns nothing from any hook, so the gateway's behaviour never changes", () => {
    const host = threeInstances();
    const [record] = loadCapture("a-channel-two-tools.jsonl").filter(
      (r) => r.kind === "hook" && "name" in r && r.name === "before_model_resolve",
    );
    if (!record || !("ctx" in record)) throw new Error("fixture changed");
    for (const name of LIVE_STATUS_HOOKS)
      expect(host.hook(host.discovery, name, {}, record.ctx)).toEqual([undefined]);
  });

  it("feeds one process-wide hub from every instance", () => {
    const host = threeInstances();
    const hub = theHub();
    host.hook(host.discovery, "before_model_resolve", {}, { runId: "r1", trigger: "user" });
    host.agentEvent({
      runId: "r1",
      seq: 1,
      stream: "lifecycle",
      ts: 1,
      data: { phase: "start" },
      sessionKey: `agent:main:mattermost:channel:${fixtureId("c")}`,
    });
    expect(hub.stats()).toMatchObject({ mode: "buffering", buffered: 1 });
  });

  it("falls back to the flat subscription API on hosts without agent.events", () => {
    const host = threeInstances("flat");
    expect(host.instances.map((i) => i.subscriptions.length)).toEqual([1, 1, 1]);
  });

  it("falls back to runtime.events.onAgentEvent, listening once per process", () => {
    const host = threeInstances("listener");
    expect(host.listeners).toHaveLength(1);
    host.agentEvent({
      runId: "r1",
      seq: 1,
      stream: "lifecycle",
      ts: 1,
      data: { phase: "start" },
      sessionKey: "agent:main:main",
    });
    expect(theHub().stats()).toMatchObject({ buffered: 1, duplicates: 0 });
  });

  it("logs a hook the host refuses and registers the others", () => {
    const host = threeInstances("grouped", ["agent_end"]);
    expect(host.full.hooks.has("agent_end")).toBe(false);
    expect(host.full.hooks.has("before_model_resolve")).toBe(true);
    expect(host.lines("warn").filter((l) => l.includes("cannot register the agent_end hook"))).toHaveLength(
      3,
    );
  });

  it("never throws into the gateway from a handler, and logs what failed", () => {
    const host = threeInstances();
    expect(() => host.hook(host.discovery, "subagent_spawned", null, null)).not.toThrow();
    expect(() => host.hook(host.full, "message_received", undefined, undefined)).not.toThrow();
    expect(host.lines("error").filter((l) => l.startsWith("[live-status] handling the"))).toHaveLength(2);
  });
});
