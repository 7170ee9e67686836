/**
 * The gateway config an e2e test runs with, merged into the `openclaw.json` the install wrote (it has
 * OpenClaw's `meta` block; a file without it can be silently "auto-restored" at start).
 */
import { readFileSync, writeFileSync } from "node:fs";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The plugin id in `openclaw.plugin.json`. */
export const PLUGIN_ID = "live-status";
export const GATEWAY_TOKEN = "e2e-gateway-token";
export const MODEL_KEY = "fake-model-key";

/** What a test chooses; everything else is fixed. */
export interface GatewayConfigOptions {
  port: number;
  logFile: string;
  workspace: string;
  modelBaseUrl: string;
  mattermost: { url: string; botToken: string };
  /** `channels.mattermost.streaming`; omitted = OpenClaw's default (`partial` preview). */
  streaming?: JsonObject;
  /** Our plugin's entry: `plugins.entries.live-status`, with `config` as its settings. Omitted = not configured. */
  plugin?: { enabled: boolean; config?: JsonObject };
  /** `agents.defaults.heartbeat.every`; "60m" keeps heartbeats manual (a "0m" one answers "disabled"). */
  heartbeatEvery?: string;
  /** Extra settings merged last. */
  extra?: JsonObject;
}

/** Deep merge of plain objects; arrays and scalars from `patch` replace. */
export function mergeJson(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const prev = out[key];
    out[key] = isObject(prev) && isObject(value) ? mergeJson(prev, value) : (structuredClone(value) as Json);
  }
  return out;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The settings a test gateway needs: loopback, token auth, the fake model, the fake Mattermost. */
export function gatewayConfig(o: GatewayConfigOptions): JsonObject {
  const mattermost: JsonObject = {
    enabled: true,
    botToken: o.mattermost.botToken,
    baseUrl: o.mattermost.url,
    network: { dangerouslyAllowPrivateNetwork: true },
    dmPolicy: "open",
    allowFrom: ["*"],
    groupPolicy: "open",
  };
  if (o.streaming) mattermost.streaming = o.streaming;
  const config: JsonObject = {
    gateway: {
      mode: "local",
      bind: "loopback",
      port: o.port,
      auth: { mode: "token", token: GATEWAY_TOKEN },
    },
    update: { checkOnStart: false },
    logging: { file: o.logFile, level: "debug" },
    models: {
      mode: "merge",
      providers: {
        fake: {
          baseUrl: o.modelBaseUrl,
          apiKey: MODEL_KEY,
          api: "openai-completions",
          models: [
            {
              id: "fake-model",
              name: "Fake Model",
              reasoning: true,
              input: ["text"],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128000,
              maxTokens: 4096,
            },
          ],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: "fake/fake-model" },
        workspace: o.workspace,
        heartbeat: { every: o.heartbeatEvery ?? "60m" },
      },
    },
    tools: { profile: "coding", toolSearch: false },
    channels: { mattermost },
  };
  if (o.plugin) {
    const entry: JsonObject = { enabled: o.plugin.enabled, hooks: { allowConversationAccess: true } };
    if (o.plugin.config) entry.config = o.plugin.config;
    config.plugins = { entries: { [PLUGIN_ID]: entry } };
  }
  return o.extra ? mergeJson(config, o.extra) : config;
}

/** Merges `patch` into the config file at `path`, keeping what OpenClaw wrote there. */
export function mergeConfigFile(path: string, patch: JsonObject): JsonObject {
  const current = JSON.parse(readFileSync(path, "utf8")) as JsonObject;
  const next = mergeJson(current, patch);
  writeFileSync(path, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
