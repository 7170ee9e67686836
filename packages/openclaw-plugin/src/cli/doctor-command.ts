import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseJson5ish } from "../adapters/legacy-files/json-text.ts";
import { probeServer } from "../adapters/mattermost/server-probe.ts";
import { isProcessAlive } from "../adapters/openclaw/process-alive.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { AccountFinding, Finding } from "../config/install-checks.ts";
import {
  accountFindings,
  accountsServedFinding,
  at,
  findingLine,
  hooksFinding,
  PLUGIN_ID,
  pluginEntryFinding,
  previewFindings,
  serverFactFindings,
} from "../config/install-checks.ts";
import { parseSettings } from "../config/settings.ts";
import { messageOf } from "../core/guards.ts";
import { plural } from "../core/text.ts";
import type { Ledger } from "../runtime/ledger.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";

export const DOCTOR_USAGE = `Usage: live-status doctor [--openclaw-home DIR] [--config PATH] [--offline] [--json]

Checks an OpenClaw install for Live Status and explains each finding on one line, with the fix:
OpenClaw and Node versions, the plugin installed and enabled, the conversation hooks allowed, each
Mattermost account (token accepted, bot user, server version), OpenClaw's own preview mode, the
webapp plugin active on the server, and the ledger (health and owner).

Options:
  --openclaw-home DIR  OpenClaw state directory (default: $OPENCLAW_STATE_DIR, else ~/.openclaw)
  --config PATH        OpenClaw config file (default: $OPENCLAW_CONFIG_PATH, else DIR/openclaw.json)
  --offline            do not contact Mattermost
  --json               print {"ok", "checks": [{"id", "status", "summary", "fix"}]}
Exit: 0 nothing failed (warnings allowed), 1 something failed, 2 usage error.`;

/** OpenClaw releases the plugin runs on (typed hooks, SQLite sessions). */
const MIN_OPENCLAW = [2026, 9, 0];
const MIN_NODE = [24, 16, 0];

export async function doctorCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "openclaw-home": { type: "string" },
        config: { type: "string" },
        offline: { type: "boolean" },
        json: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const env = io.env;
  const home = resolve(
    str("openclaw-home") ?? (env.OPENCLAW_STATE_DIR || join(env.HOME || homedir(), ".openclaw")),
  );
  const configPath = str("config") ?? (env.OPENCLAW_CONFIG_PATH || join(home, "openclaw.json"));

  const checks: Finding[] = [openClawFinding(env)];
  const config = await readConfig(configPath);
  if (!config.ok)
    checks.push({
      id: "config",
      status: "fail",
      summary: config.reason,
      fix: "run openclaw onboard, or pass --config",
    });
  else {
    checks.push(pluginEntryFinding(config.value, installedAt(config.value, home)));
    checks.push(hooksFinding(config.value));
    const settings = parseSettings(at(config.value, "plugins", "entries", PLUGIN_ID, "config"));
    if (!settings.ok)
      checks.push({
        id: "settings",
        status: "fail",
        summary: `plugins.entries.${PLUGIN_ID}.config: ${settings.errors.join("; ")}`,
        fix: "see docs/configuration.md",
      });
    const overrides = settings.ok ? settings.settings.mattermost : {};
    const accounts = accountFindings(config.value, overrides, env);
    checks.push(...(await serverFindings(accounts, values.offline === true)));
    const served = accountsServedFinding(config.value, overrides);
    if (served) checks.push(served);
    checks.push(...previewFindings(config.value));
  }
  checks.push(ledgerFinding(join(home, PLUGIN_ID, "ledger.sqlite")));

  const ok = checks.every((c) => c.status !== "fail");
  if (values.json === true) io.stdout(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
  else for (const c of checks) io.stdout(`${findingLine(c)}\n`);
  return ok ? EXIT.ok : EXIT.failed;
}

async function readConfig(
  path: string,
): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: code === "ENOENT" ? `no OpenClaw config at ${path}` : `cannot read ${path} (${code})`,
    };
  }
  const parsed = parseJson5ish(text);
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, reason: `cannot parse ${path}: ${parsed.reason}` };
}

/** Where the plugin is installed: an archive or npm install under `extensions/`, or a linked path. */
function installedAt(config: unknown, home: string): string | undefined {
  const extension = join(home, "extensions", PLUGIN_ID);
  if (existsSync(join(extension, "openclaw.plugin.json"))) return extension;
  const paths = at(config, "plugins", "load", "paths");
  if (!Array.isArray(paths)) return undefined;
  return paths.find((p): p is string => typeof p === "string" && manifestId(p) === PLUGIN_ID);
}

function manifestId(dir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, "openclaw.plugin.json"), "utf8")) as { id?: unknown };
    return typeof manifest.id === "string" ? manifest.id : undefined;
  } catch {
    return undefined;
  }
}

function atLeast(version: string, min: number[]): boolean {
  const parts = version.split(/[.-]/).map(Number);
  for (let i = 0; i < min.length; i++) {
    const a = parts[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** The `openclaw` on PATH (its package.json version) and the `node` that runs it. */
function openClawFinding(env: CommandIo["env"]): Finding {
  const id = "openclaw";
  const bin = which("openclaw", env.PATH);
  const node = which("node", env.PATH);
  const nodeVersion = node ? runVersion(node) : undefined;
  const version = bin ? packageVersionAbove(bin, "openclaw") : undefined;
  if (!bin || !version)
    return {
      id,
      status: "warn",
      summary: "no openclaw command on PATH",
      fix: "run doctor where the gateway runs, with openclaw on PATH (npm install -g openclaw)",
    };
  const facts = `OpenClaw ${version} on Node ${nodeVersion ?? "?"}`;
  if (!atLeast(version, MIN_OPENCLAW))
    return {
      id,
      status: "fail",
      summary: `${facts}: the plugin needs OpenClaw 2026.9 or newer`,
      fix: "upgrade OpenClaw; on v2026.7.1 or older use live-status watch (docs/design/legacy-source.md)",
    };
  if (!nodeVersion || !atLeast(nodeVersion, MIN_NODE))
    return {
      id,
      status: "fail",
      summary: `${facts}: OpenClaw ${version} needs Node 24.16 or newer`,
      fix: "install Node 24 and put it first on PATH",
    };
  return { id, status: "ok", summary: facts };
}

function which(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function runVersion(node: string): string | undefined {
  const r = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The version of the package named `name` that holds the (symlinked) bin. */
function packageVersionAbove(bin: string, name: string): string | undefined {
  let dir = dirname(realpathSync(bin));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name) return pkg.version;
    } catch {
      // Not a package root; keep walking up.
    }
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/** Per account: token, bot user, server version; per server: the webapp plugin. */
async function serverFindings(accounts: AccountFinding[], offline: boolean): Promise<Finding[]> {
  const out: Finding[] = [];
  const webappSeen = new Set<string>();
  for (const a of accounts) {
    const { account, ...finding } = a;
    if (!account || offline) {
      out.push(
        offline && account
          ? { ...finding, summary: `${finding.summary} (not contacted: --offline)` }
          : finding,
      );
      continue;
    }
    const probe = await probeServer(account.baseUrl, account.botToken);
    if (!probe.ok) {
      out.push({
        id: finding.id,
        status: "fail",
        summary: probe.reason,
        fix:
          probe.kind === "refused"
            ? `give channels.mattermost${account.accountId === "default" ? "" : `.accounts.${account.accountId}`}.botToken a valid bot token`
            : "check the URL and that the server is up",
      });
      continue;
    }
    const [accountFinding, webapp] = serverFactFindings(account, probe.facts);
    out.push(accountFinding);
    const origin = new URL(account.baseUrl).origin;
    if (webappSeen.has(origin)) continue;
    webappSeen.add(origin);
    out.push(webapp);
  }
  return out;
}

/** The ledger the plugin keeps in the state directory: readable, and who owns it now. */
function ledgerFinding(path: string): Finding {
  const id = "ledger";
  if (!existsSync(path))
    return {
      id,
      status: "warn",
      summary: `no ledger at ${path} yet: the plugin has not started with this state directory`,
      fix: "openclaw gateway restart",
    };
  let ledger: Ledger;
  try {
    ledger = openLedger(path);
  } catch (error) {
    return {
      id,
      status: "fail",
      summary: `cannot open ${path}: ${messageOf(error)}`,
      fix: "move the file aside; the plugin starts a new one",
    };
  }
  try {
    const slots = ledger.listSlots().length;
    const running = ledger.listBoxes({ states: ["running"] }).length;
    const owner = ownerOf(ledger);
    const problems = ledger.problems();
    const facts = `${path}: ${plural(slots, "session")}, ${plural(running, "running box")}; ${owner.text}`;
    if (problems.length > 0)
      return {
        id,
        status: "warn",
        summary: `${facts}; ${plural(problems.length, "unreadable row")} skipped (${problems.map((p) => `${p.table} ${p.key}`).join(", ")})`,
        fix: "live-status status --ledger PATH shows them",
      };
    return {
      id,
      status: owner.stale ? "warn" : "ok",
      summary: facts,
      ...(owner.stale && { fix: "openclaw gateway restart (the next owner takes a dead owner's lease)" }),
    };
  } finally {
    ledger.close();
  }
}

/** The lease holder, read by asking for an already-expired lease (taken only when free, then let go). */
function ownerOf(ledger: Ledger): { text: string; stale: boolean } {
  const now = Date.now();
  const me = `doctor:${process.pid}@${hostname()}`;
  const r = ledger.acquireLease(
    { owner: me, pid: process.pid, host: hostname(), acquiredAt: now, expiresAt: now },
    now,
  );
  if (r.ok) {
    ledger.releaseLease(me);
    return { text: "no owner now (no gateway or watch is running on it)", stale: false };
  }
  const h = r.holder;
  const until = new Date(h.expiresAt).toISOString();
  if (h.host !== hostname())
    return { text: `owned by ${h.owner} on another host until ${until}`, stale: false };
  if (isProcessAlive(h.pid)) return { text: `owned by ${h.owner}, running, until ${until}`, stale: false };
  return { text: `owned by ${h.owner}, whose process is gone, until ${until}`, stale: true };
}
