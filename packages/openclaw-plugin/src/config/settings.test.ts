import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { compilePattern, DEFAULT_SETTINGS, KNOWN_KEYS, parseSettings } from "./settings.ts";

const errorsOf = (raw: unknown) => {
  const r = parseSettings(raw);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};

describe("parseSettings", () => {
  it("gives every default when there are no settings", () => {
    for (const raw of [undefined, null, {}]) {
      const r = parseSettings(raw);
      expect(r).toEqual({ ok: true, settings: { ...DEFAULT_SETTINGS } });
    }
    expect(DEFAULT_SETTINGS).toMatchObject({
      previousBox: "delete",
      boxTriggers: ["user"],
      showToolArgs: true,
      rateLimitPerSec: 5,
      minEditIntervalMs: 1000,
    });
  });

  it("accepts a full set of valid settings", () => {
    const r = parseSettings({
      mattermost: { baseUrl: "https://chat.example.com/api/v4/", botToken: " tok ", accountId: "alerts" },
      previousBox: "receipt",
      boxTriggers: ["user", "cron", "subagent", "user"],
      showToolArgs: false,
      redact: ["ticket-[0-9]+", "/internal-\\w+/i"],
      include: { channels: ["c1", "dm"], agents: ["main"] },
      exclude: { agents: ["ops"] },
      recordEvents: "live-status/events.jsonl",
      rateLimitPerSec: 2.5,
      minEditIntervalMs: 1500,
    });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.settings).toMatchObject({
      mattermost: { baseUrl: "https://chat.example.com", botToken: "tok", accountId: "alerts" },
      previousBox: "receipt",
      boxTriggers: ["user", "cron", "subagent"],
      showToolArgs: false,
      include: { channels: ["c1", "dm"], agents: ["main"] },
      exclude: { agents: ["ops"] },
      recordEvents: "live-status/events.jsonl",
      rateLimitPerSec: 2.5,
      minEditIntervalMs: 1500,
    });
    expect(r.settings.redact.map((re) => re.test("see INTERNAL-db"))).toEqual([false, true]);
  });

  it("names the field and the allowed values in every error, and reports them all", () => {
    const errors = errorsOf({
      previousBox: "sometimes",
      boxTriggers: ["user", "heartbeat"],
      showToolArgs: "yes",
      rateLimitPerSec: 0,
      minEditIntervalMs: 10.5,
      colour: "blue",
    });
    expect(errors).toEqual([
      expect.stringMatching(/^colour: unknown setting/),
      'previousBox: "sometimes" is not allowed (use "delete" or "receipt")',
      expect.stringMatching(/^boxTriggers\[1\]: "heartbeat" is not allowed .*never get a box/),
      'showToolArgs: must be true or false, not "yes"',
      "rateLimitPerSec: must be a number from 0.1 to 100, not 0",
      "minEditIntervalMs: must be a whole number from 200 to 60000, not 10.5",
    ]);
  });

  it("refuses an invalid redaction pattern with the parser's reason", () => {
    const [error] = errorsOf({ redact: ["ok", "(unclosed"] });
    expect(error).toMatch(/^redact\[1\]: "\(unclosed" is not a valid regular expression \(/);
  });

  it("refuses patterns that match the empty string and unknown flags", () => {
    expect(errorsOf({ redact: ["a*"] })[0]).toMatch(/^redact\[0\]: .*matches the empty string/);
    expect(errorsOf({ redact: ["/abc/g"] })[0]).toMatch(/^redact\[0\]: flags "g" are not allowed/);
  });

  it("checks the shape of include, exclude and the Mattermost overrides", () => {
    expect(errorsOf({ include: { channels: "c1" } })).toEqual([
      'include.channels: must be a list of non-empty strings, not "c1"',
    ]);
    expect(errorsOf({ exclude: { teams: ["t"] } })[0]).toMatch(/^exclude\.teams: unknown setting/);
    expect(errorsOf({ mattermost: { baseUrl: "ftp://x" } })).toEqual([
      "mattermost.baseUrl: must be an http(s) URL such as https://chat.example.com",
    ]);
    expect(errorsOf({ mattermost: { botToken: "" } })).toEqual([
      "mattermost.botToken: must be a non-empty string",
    ]);
    expect(errorsOf("delete")).toEqual(['settings must be an object, not "delete"']);
  });

  it("never repeats a bot token or URL credentials in an error", () => {
    const errors = errorsOf({ mattermost: { baseUrl: "https://user:hunter2@", botToken: 42 } });
    expect(errors.join("\n")).not.toContain("hunter2");
    expect(errors).toHaveLength(2);
  });
});

describe("compilePattern", () => {
  it("takes a plain source or a /source/flags literal", () => {
    expect(compilePattern("abc")).toEqual(/abc/);
    expect(compilePattern("/a.c/is")).toEqual(/a.c/is);
  });
});

describe("the manifest's configSchema", () => {
  const manifest = JSON.parse(
    readFileSync(new URL("../../openclaw.plugin.json", import.meta.url), "utf8"),
  ) as { id: string; configSchema: { properties: Record<string, { default?: unknown }> } };

  it("describes exactly the settings the parser knows, with the same defaults", () => {
    const props = manifest.configSchema.properties;
    expect(manifest.id).toBe("live-status");
    expect(Object.keys(props).sort()).toEqual([...KNOWN_KEYS].sort());
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      const d = props[key]?.default;
      if (d !== undefined) expect(key === "redact" ? [] : value).toEqual(d);
    }
    const defaulted = Object.fromEntries(
      Object.entries(props).flatMap(([k, v]) => (v.default === undefined ? [] : [[k, v.default]])),
    );
    expect(parseSettings(defaulted).ok).toBe(true);
  });

  it("accepts what the parser accepts and refuses what it refuses, on examples", () => {
    const validate = new Ajv.default({ strict: false }).compile(manifest.configSchema);
    const good = {
      mattermost: { accountId: "default" },
      previousBox: "receipt",
      boxTriggers: ["user", "cron"],
      redact: ["ticket-[0-9]+"],
      exclude: { channels: ["dm"] },
      recordEvents: "events.jsonl",
      minEditIntervalMs: 1500,
    };
    expect(validate(good)).toBe(true);
    expect(parseSettings(good).ok).toBe(true);
    for (const bad of [
      { boxTriggers: ["heartbeat"] },
      { previousBox: "keep" },
      { colour: "blue" },
      { include: { teams: [] } },
      { minEditIntervalMs: 100 },
      { rateLimitPerSec: 0 },
    ]) {
      expect(validate(bad)).toBe(false);
      expect(parseSettings(bad).ok).toBe(false);
    }
  });
});
