import { controlApi } from "./control.ts";
import { FaultScript } from "./faults.ts";
import { Holds } from "./holds.ts";
import { listenOnLoopback } from "./http-server.ts";
import { Recording } from "./recording.ts";
import { type Exchange, handleRequest } from "./request-handler.ts";
import { seedState } from "./seed.ts";
import type { FakeMattermost, FakeMattermostOptions } from "./types.ts";
import { WebSocketHub } from "./websocket.ts";

export type { FakeFaults, FakeMattermost } from "./types.ts";

/**
 * Starts a fake Mattermost API v4 server on 127.0.0.1 (random port) with a bot user. It answers the
 * routes Live Status and the OpenClaw Mattermost plugin use with the server's status codes, error ids
 * and quirks, publishes WebSocket events, logs every request, and plays scripted faults.
 * Always `close()` it: that ends sockets, WebSockets and pending timers.
 */
export async function startFakeMattermost(opts: FakeMattermostOptions = {}): Promise<FakeMattermost> {
  const now = opts.now ?? Date.now;
  const version = opts.serverVersion ?? "10.11.0";
  const { state, bot } = seedState(opts, now);
  const recording = new Recording(now);
  const script = new FaultScript();
  const holds = new Holds();
  const hub = new WebSocketHub((token) => state.userByToken(token), version, now);
  state.sink = (event, audience) => {
    recording.eventPublished(event);
    hub.publish(event, audience);
  };
  const exchange: Exchange = {
    state,
    version,
    deleteMissingPostStatus: opts.deleteMissingPostStatus ?? 404,
    recording,
    script,
    holds,
  };
  const server = await listenOnLoopback(
    opts.port ?? 0,
    (req, res) => handleRequest(exchange, req, res),
    (req, socket, head) => hub.handleUpgrade(req, socket, head),
  );

  return {
    url: `http://127.0.0.1:${server.port}`,
    ...controlApi({ state, bot, recording, script, hub }),
    close: async () => {
      if (holds.closed) return;
      holds.close();
      await hub.close();
      await server.close();
    },
  };
}
