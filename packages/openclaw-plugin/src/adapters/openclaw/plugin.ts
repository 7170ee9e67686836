/**
 * What `register(api)` does, for every plugin instance OpenClaw creates: subscribe to agent events
 * and register the hooks (every mode, all feeding the one process hub), and — in `"full"` mode
 * only — register the service, the single thing that starts the runtime. The service reads the
 * settings, finds the Mattermost account and the state directory, and hands them to
 * {@link LiveStatusService}; any problem is logged and leaves the gateway untouched.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { OpenClawPluginService, OpenClawPluginServiceContext } from "openclaw/plugin-sdk/plugin-entry";
import {
  findingMessage,
  otherAccounts,
  PLUGIN_ID,
  serverFactFindings,
  startupFindings,
} from "../../config/install-checks.ts";
import type { MattermostAccount } from "../../config/mattermost-account.ts";
import { resolveMattermostAccount } from "../../config/mattermost-account.ts";
import { parseSettings } from "../../config/settings.ts";
import { describeError, isRecord } from "../../core/guards.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Logger } from "../../ports/logger.ts";
import type { LineSink } from "../../runtime/event-recorder.ts";
import type { Ledger } from "../../runtime/ledger.ts";
import type { ConnectResult, ServiceDeps, ServiceIdentity } from "../../runtime/service.ts";
import { LiveStatusService } from "../../runtime/service.ts";
import type { ProbeResult } from "../mattermost/server-probe.ts";
import { accountClients } from "./account-clients.ts";
import type { HostApi } from "./host-api.ts";
import { hostLogger, quietHostLogger } from "./host-logger.ts";
import { OpenClawHub, processHub } from "./hub.ts";
import { registerHooks, subscribeAgentEvents } from "./signals.ts";

export { PLUGIN_ID };

/** The I/O the plugin is built from; the entry passes the real ones, tests their own. */
export interface PluginDeps {
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  identity: ServiceIdentity;
  connect(account: MattermostAccount, ratePerSec: number): Promise<ConnectResult>;
  openLedger(path: string): Ledger;
  openRecordFile(path: string, log: Logger): LineSink;
  /** Reads what the server says about the account (bot, version, webapp plugins); warnings are logged once. */
  probeServer?(account: MattermostAccount): Promise<ProbeResult>;
  /** Whether a process of this host is alive (takes over a dead gateway's lease at once). */
  isAlive?(pid: number): boolean;
  /** Default: the process-wide hub. */
  hub?: OpenClawHub;
  /** Timing overrides for tests. */
  timing?: Pick<
    ServiceDeps,
    "timers" | "leaseMs" | "renewEveryMs" | "tickEveryMs" | "stopTimeoutMs" | "retryMs"
  >;
}

/** One `register(api)` call. Never throws into the host. */
export function registerLiveStatus(api: HostApi, deps: PluginDeps): void {
  const log = hostLogger(api.logger);
  try {
    const hub = deps.hub ?? processHub(() => new OpenClawHub({ clock: deps.clock, log }));
    const full = api.registrationMode === "full";
    if (full) hub.useLogger(log);
    subscribeAgentEvents(api, hub, log);
    registerHooks(api, hub, log);
    if (full) api.registerService(liveStatusService(api, hub, deps));
  } catch (error) {
    log.error("registration failed; the gateway is unaffected", { error: describeError(error) });
  }
}

/** The `live-status` service: start and stop of the runtime, one per gateway start. */
export function liveStatusService(api: HostApi, hub: OpenClawHub, deps: PluginDeps): OpenClawPluginService {
  const log = hostLogger(api.logger);
  let service: LiveStatusService | null = null;
  return {
    id: PLUGIN_ID,
    async start(ctx) {
      try {
        await service?.stop("restarting");
        service = await startService(api, ctx, hub, deps, log);
      } catch (error) {
        log.error("could not start; the gateway is unaffected", { error: describeError(error) });
      }
    },
    async stop() {
      const running = service;
      service = null;
      try {
        await running?.stop("gateway stopping");
      } catch (error) {
        log.error("could not stop cleanly", { error: describeError(error) });
      }
    },
  };
}

async function startService(
  api: HostApi,
  ctx: Partial<Pick<OpenClawPluginServiceContext, "config" | "stateDir">>,
  hub: OpenClawHub,
  deps: PluginDeps,
  log: Logger,
): Promise<LiveStatusService | null> {
  const parsed = parseSettings(api.pluginConfig);
  if (!parsed.ok) {
    log.error(
      `invalid settings in plugins.entries.${PLUGIN_ID}.config: ${parsed.errors.join("; ")}. Live Status stays off`,
    );
    hub.dropUntilAttached();
    return null;
  }
  const settings = parsed.settings;
  const config: unknown = ctx.config ?? api.config;
  for (const finding of startupFindings(config, settings.mattermost))
    if (finding.status !== "ok") log.warn(findingMessage(finding));
  const channels = isRecord(config) ? config.channels : undefined;
  const account = resolveMattermostAccount(channels, settings.mattermost, deps.env);
  if (!account.ok) {
    log.error(`${account.error}. Live Status stays off`);
    hub.dropUntilAttached();
    return null;
  }
  if (deps.probeServer) void warnAboutServer(deps.probeServer, account.account, log);
  // Runs that came in on another account get their box through it (unless the settings pin one).
  const others =
    settings.mattermost.accountId === undefined
      ? otherAccounts(config, account.account.accountId, deps.env, log)
      : [];
  const stateDir = stateDirOf(ctx.stateDir, deps);
  const service = new LiveStatusService({
    source: hub,
    clock: deps.clock,
    log,
    runtimeLog: quietHostLogger(api.logger),
    identity: deps.identity,
    connect: (ratePerSec) => deps.connect(account.account, ratePerSec),
    ...(others.length > 0 && {
      accountClient: accountClients(others, (a) => deps.connect(a, settings.rateLimitPerSec)),
    }),
    openLedger: deps.openLedger,
    openRecordSink: (path) => deps.openRecordFile(path, log),
    ...(deps.isAlive !== undefined && { isAlive: deps.isAlive }),
    ...deps.timing,
  });
  await service.start({
    settings,
    account: { accountId: account.account.accountId, baseUrl: account.account.baseUrl },
    ledgerPath: join(stateDir, PLUGIN_ID, "ledger.sqlite"),
    ...(settings.recordEvents !== undefined && {
      recordPath: resolvePath(settings.recordEvents, stateDir, deps.homeDir),
    }),
  });
  return service;
}

/** The service context's state dir; older hosts: `$OPENCLAW_STATE_DIR`, else `~/.openclaw`. */
export function stateDirOf(fromHost: string | undefined, deps: Pick<PluginDeps, "env" | "homeDir">): string {
  if (typeof fromHost === "string" && fromHost !== "") return fromHost;
  const env = deps.env.OPENCLAW_STATE_DIR;
  return env ? env : join(deps.homeDir, ".openclaw");
}

/** Absolute as is, `~/…` under the home directory, anything else under the state dir. */
export function resolvePath(path: string, stateDir: string, homeDir: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homeDir, path.slice(1));
  return isAbsolute(path) ? path : resolve(stateDir, path);
}

/** The same server findings as `live-status doctor`, logged once; an unreachable server is the service's to report. */
async function warnAboutServer(
  probe: NonNullable<PluginDeps["probeServer"]>,
  account: MattermostAccount,
  log: Logger,
): Promise<void> {
  try {
    const result = await probe(account);
    if (!result.ok) return;
    for (const finding of serverFactFindings(account, result.facts))
      if (finding.status !== "ok") log.warn(findingMessage(finding));
  } catch (error) {
    log.warn("could not check the Mattermost server", { error: describeError(error) });
  }
}
