/**
 * Connects the service to Mattermost: one client with one request budget for the bot token, and
 * `GET /users/me` for the bot's user id. A refused token is final; anything else (unreachable,
 * 5xx, slow) is worth retrying. Reasons name the server, never the token.
 */
import type { MattermostAccount } from "../../config/mattermost-account.ts";
import { messageOf } from "../../core/guards.ts";
import type { Clock } from "../../ports/clock.ts";
import { MattermostApiError } from "../../ports/mattermost-errors.ts";
import { RateBudget } from "../../runtime/rate-budget.ts";
import type { ConnectResult } from "../../runtime/service.ts";
import { createMattermostClient } from "../mattermost/client.ts";

export interface ConnectOptions {
  clock: Clock;
  ratePerSec: number;
  /** Longest wait for `/users/me`. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function connectBot(account: MattermostAccount, o: ConnectOptions): Promise<ConnectResult> {
  const origin = new URL(account.baseUrl).origin;
  const budget = new RateBudget({ clock: o.clock, ratePerSec: o.ratePerSec, burst: 5 });
  const client = createMattermostClient({
    baseUrl: account.baseUrl,
    token: account.botToken,
    budget,
    clock: o.clock,
    ...(o.fetch !== undefined && { fetch: o.fetch }),
  });
  const abort = new AbortController();
  const timeoutMs = o.timeoutMs ?? 10_000;
  try {
    const me = await Promise.race([
      client.getMe(),
      o.clock.sleep(timeoutMs, abort.signal).then(() => {
        throw new Error(`no answer within ${timeoutMs} ms`);
      }),
    ]);
    return {
      ok: true,
      client,
      botUserId: me.id,
      botUsername: me.username,
      backlogMs: () => budget.backlogMs(),
    };
  } catch (error) {
    if (error instanceof MattermostApiError && (error.status === 401 || error.status === 403))
      return {
        ok: false,
        retry: false,
        reason: `Mattermost at ${origin} refused the bot token of account "${account.accountId}" (HTTP ${error.status})`,
      };
    const why = messageOf(error);
    return { ok: false, retry: true, reason: `cannot reach Mattermost at ${origin}: ${why}` };
  } finally {
    abort.abort();
  }
}
