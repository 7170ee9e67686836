/**
 * Test support: a small OpenClaw host. It implements the part of the plugin API Live Status uses
 * (`HostApi`, typed from the real SDK), creates plugin instances the way the gateway does
 * (`full`, then `discovery` ones), delivers agent events to the `full` instance only and hook calls
 * to the instance the test names, and runs the registered services. No real gateway involved.
 */
import { readFileSync } from "node:fs";
import type {
  OpenClawConfig,
  OpenClawPluginApi,
  OpenClawPluginService,
  OpenClawPluginServiceContext,
  PluginLogger,
} from "openclaw/plugin-sdk/plugin-entry";
import type {
  AgentEventSubscription,
  HostAgentEvent,
  HostApi,
} from "../../src/adapters/openclaw/host-api.ts";

export type Mode = OpenClawPluginApi["registrationMode"];
/** Agent-event APIs the host offers: the current one, or what older hosts had. */
export type Feed = "grouped" | "flat" | "listener";
type AnyHookHandler = (event: unknown, ctx: unknown) => unknown;

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
}

export interface Instance {
  mode: Mode;
  api: HostApi;
  hooks: Map<string, AnyHookHandler[]>;
  subscriptions: AgentEventSubscription[];
  services: OpenClawPluginService[];
}

export interface HostOptions {
  pluginConfig?: Record<string, unknown>;
  config?: OpenClawConfig;
  feed?: Feed;
  /** Hook names whose registration throws (a host refusing them). */
  refuseHooks?: string[];
}

export class TestHost {
  readonly logs: LogLine[] = [];
  readonly instances: Instance[] = [];
  /** Process-global `onAgentEvent` listeners (older hosts). */
  readonly listeners: Array<(e: HostAgentEvent) => void> = [];
  readonly #o: HostOptions;
  readonly logger: PluginLogger;

  constructor(o: HostOptions = {}) {
    this.#o = o;
    const line = (level: LogLine["level"]) => (message: string) => {
      this.logs.push({ level, message });
    };
    this.logger = { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
  }

  /** Creates one plugin instance in `mode` and runs the entry's `register` on it. */
  register(entry: { register: (api: OpenClawPluginApi) => void }, mode: Mode): Instance {
    const instance = this.instance(mode);
    // The entry only uses what HostApi declares (registerLiveStatus takes a HostApi).
    entry.register(instance.api as unknown as OpenClawPluginApi);
    return instance;
  }

  /** A plugin instance and its API object, without registering anything yet. */
  instance(mode: Mode): Instance {
    const hooks = new Map<string, AnyHookHandler[]>();
    const subscriptions: AgentEventSubscription[] = [];
    const services: OpenClawPluginService[] = [];
    const feed = this.#o.feed ?? "grouped";
    const subscribe = (s: AgentEventSubscription) => {
      subscriptions.push(s);
    };
    const api: HostApi = {
      registrationMode: mode,
      logger: this.logger,
      ...(this.#o.pluginConfig !== undefined && { pluginConfig: this.#o.pluginConfig }),
      config: this.#o.config ?? {},
      on: (hookName, handler) => {
        if (this.#o.refuseHooks?.includes(hookName)) throw new Error(`hook ${hookName} is not allowed`);
        const list = hooks.get(hookName) ?? [];
        list.push(handler as unknown as AnyHookHandler);
        hooks.set(hookName, list);
      },
      registerService: (service) => {
        services.push(service);
      },
      ...(feed === "grouped" && { agent: { events: { registerAgentEventSubscription: subscribe } } }),
      ...(feed === "flat" && { registerAgentEventSubscription: subscribe }),
      runtime: {
        events: {
          onAgentEvent: (listener) => {
            this.listeners.push(listener);
            return () => {
              const i = this.listeners.indexOf(listener);
              if (i >= 0) this.listeners.splice(i, 1);
            };
          },
        },
      },
    };
    const instance: Instance = { mode, api, hooks, subscriptions, services };
    this.instances.push(instance);
    return instance;
  }

  get full(): Instance {
    const i = this.instances.find((x) => x.mode === "full");
    if (!i) throw new Error("no full instance");
    return i;
  }

  /** The first discovery instance: the one the gateway calls agent-run hooks on. */
  get discovery(): Instance {
    const i = this.instances.find((x) => x.mode === "discovery");
    if (!i) throw new Error("no discovery instance");
    return i;
  }

  /** As the gateway does: subscriptions of the full instance, plus global listeners. */
  agentEvent(e: HostAgentEvent): void {
    for (const s of this.full.subscriptions) void s.handle(e, runContext);
    for (const l of this.listeners) l(e);
  }

  /** Calls every handler `instance` registered for `name`; returns what they returned. */
  hook(instance: Instance, name: string, event: unknown, ctx: unknown): unknown[] {
    return (instance.hooks.get(name) ?? []).map((h) => h(event, ctx));
  }

  services(): OpenClawPluginService[] {
    return this.instances.flatMap((i) => i.services);
  }

  serviceContext(stateDir: string): OpenClawPluginServiceContext {
    return { config: this.#o.config ?? {}, stateDir, logger: this.logger };
  }

  async start(stateDir: string): Promise<void> {
    for (const s of this.services()) await s.start(this.serviceContext(stateDir));
  }

  async stop(stateDir: string): Promise<void> {
    for (const s of this.services()) await s.stop?.(this.serviceContext(stateDir));
  }

  lines(level?: LogLine["level"]): string[] {
    return this.logs.filter((l) => level === undefined || l.level === level).map((l) => l.message);
  }
}

const runContext: Parameters<AgentEventSubscription["handle"]>[1] = {
  getRunContext: () => undefined,
  setRunContext: () => {},
  clearRunContext: () => {},
};

/** One line of a capture file in test/fixtures/openclaw/. */
export type Captured =
  | { kind: "agent_event"; t: number; mode: Mode; event: HostAgentEvent }
  | { kind: "hook"; t: number; mode: Mode; name: string; event: unknown; ctx: unknown }
  | { kind: "marker" | "register" | "service_start" | "service_stop" | string; t: number };

const FIXTURES = new URL("../fixtures/openclaw/", import.meta.url);

/** Reads a capture, replacing the fixture's ids (e.g. `townsquarechanxxxxxxxxxxxx`) by `ids`. */
export function loadCapture(name: string, ids: Record<string, string> = {}): Captured[] {
  let text = readFileSync(new URL(name, FIXTURES), "utf8");
  for (const [from, to] of Object.entries(ids)) text = text.replaceAll(from, to);
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Captured);
}

/** The capture's fixed ids: 26 characters, padded with `x`. */
export const fixtureId = (s: string) => (s + "x".repeat(26)).slice(0, 26);

/**
 * Plays a capture through the host as the gateway delivered it: agent events to the full
 * instance, hooks to the instance of the mode they were captured in (the first of that mode).
 */
export function play(host: TestHost, records: Captured[], until?: (r: Captured) => boolean): void {
  for (const r of records) {
    if (until?.(r)) return;
    if (r.kind === "agent_event" && "event" in r) host.agentEvent(r.event as HostAgentEvent);
    else if (r.kind === "hook" && "name" in r) {
      const target = host.instances.find((i) => i.mode === r.mode);
      if (target) host.hook(target, r.name, r.event, r.ctx);
    }
  }
}
