import { createMattermostClient } from "../adapters/mattermost/client.ts";
import { MattermostApiError } from "../ports/mattermost-errors.ts";
import { systemClock } from "../runtime/clock.ts";
import type { InstrumentedClient } from "../runtime/instrumented-client.ts";
import { instrumentClient } from "../runtime/instrumented-client.ts";
import { RateBudget } from "../runtime/rate-budget.ts";
import { UsageError } from "./io.ts";

export interface MattermostConnection {
  io: InstrumentedClient;
  botUserId: string;
}

/** A failure to reach Mattermost at all: exit 1, with what was tried. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

/**
 * Checks the URL, builds the client with one request budget for the token, and asks who the token
 * belongs to. A refused token is a configuration error; an unreachable server is an operational one.
 */
export async function connectMattermost(
  url: string,
  token: string,
  ratePerSec?: number,
): Promise<MattermostConnection> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--mattermost-url is not a URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UsageError(`--mattermost-url must be http or https: ${url}`);
  if (!token.trim()) throw new UsageError("the Mattermost token is empty");
  const budget = new RateBudget({ clock: systemClock, ...(ratePerSec !== undefined && { ratePerSec }) });
  const io = instrumentClient(
    createMattermostClient({ baseUrl: parsed.href, token, budget, clock: systemClock }),
  );
  try {
    const me = await io.client.getMe();
    return { io, botUserId: me.id };
  } catch (error) {
    if (error instanceof MattermostApiError && (error.status === 401 || error.status === 403))
      throw new UsageError(`Mattermost at ${parsed.origin} refused the token (${error.status})`);
    throw new ConnectionError(
      `cannot reach Mattermost at ${parsed.origin}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
