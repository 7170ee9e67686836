/**
 * The OpenClaw plugin entry: a composition root only. It builds the real adapters (system clock,
 * Mattermost client, SQLite ledger, the record file) and hands them to `registerLiveStatus`, which
 * OpenClaw calls once per plugin instance (`full`, then `discovery` ones). See
 * docs/configuration.md for the settings and docs/design/openclaw-integration.md for the host.
 */
import { homedir, hostname } from "node:os";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
import { probeServer } from "./adapters/mattermost/server-probe.ts";
import { connectBot } from "./adapters/openclaw/connect-bot.ts";
import { PLUGIN_ID, registerLiveStatus } from "./adapters/openclaw/plugin.ts";
import { isProcessAlive } from "./adapters/openclaw/process-alive.ts";
import { openRecordFile } from "./adapters/openclaw/record-file.ts";
import { openLedger } from "./adapters/storage/index.ts";
import { systemClock } from "./runtime/clock.ts";

export default definePluginEntry({
  id: PLUGIN_ID,
  name: "Live Status",
  description:
    "One live status box per agent session in Mattermost, edited as the run progresses and finalized when it ends.",
  register(api) {
    const host = hostname();
    registerLiveStatus(api, {
      clock: systemClock,
      env: process.env,
      homeDir: homedir(),
      identity: { owner: `gateway:${process.pid}@${host}`, pid: process.pid, host },
      connect: (account, ratePerSec) => connectBot(account, { clock: systemClock, ratePerSec }),
      openLedger: (path) => openLedger(path),
      openRecordFile,
      isAlive: isProcessAlive,
      probeServer: (account) => probeServer(account.baseUrl, account.botToken),
    });
  },
});
