import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NOT_FOUND_ROUTE, SESSION_EXPIRED } from "./app-error.ts";
import { FaultScript } from "./faults.ts";
import {
  type Answer,
  errorAnswer,
  faultAnswer,
  jsonAnswer,
  maskHeaders,
  parseBody,
  readBody,
} from "./http-answers.ts";
import { newId } from "./ids.ts";
import { bestTemplate, matchTemplate } from "./path-template.ts";
import { createUserPost, softDelete } from "./posts.ts";
import { ROUTES, type RouteResult } from "./routes.ts";
import { MattermostState, type StoredUser } from "./state.ts";
import type {
  FakeMattermost,
  FakeMattermostOptions,
  FakeUser,
  LoggedRequest,
  MatchableRequest,
  PublishedEvent,
} from "./types.ts";
import { bearerToken, WebSocketHub } from "./websocket.ts";

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
  const deleteMissingPostStatus = opts.deleteMissingPostStatus ?? 404;
  const state = new MattermostState(now, opts.maxPostSize ?? 16383);
  const bot = state.addUser(opts.botUsername ?? "live-status-bot", { token: opts.botToken, isBot: true });
  for (const username of opts.users ?? []) state.addUser(username);
  if (opts.webappPlugins !== undefined) state.webappPlugins = structuredClone(opts.webappPlugins);
  if (opts.postEditTimeLimit !== undefined) state.postEditTimeLimit = opts.postEditTimeLimit;
  for (const seed of opts.channels ?? []) {
    const ids = (seed.members ?? []).map((name) => {
      const user = state.userByName(name);
      if (!user) throw new Error(`fake-mattermost: channel seed names unknown user ${name}`);
      return user.id;
    });
    state.addChannel(seed.type, bot.id, seed.name, ids);
  }

  const log: LoggedRequest[] = [];
  const published: PublishedEvent[] = [];
  const script = new FaultScript();
  const hub = new WebSocketHub((token) => state.userByToken(token), version, now);
  state.sink = (event, audience) => {
    published.push(structuredClone(event));
    hub.publish(event, audience);
  };
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  let seq = 0;

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(entry);
    });
  }

  function route(req: MatchableRequest, actor: StoredUser, requestId: string): Answer {
    const candidates = ROUTES.filter((r) => r.method === req.method);
    const template = bestTemplate(
      candidates.map((r) => r.template),
      req.path,
    );
    const found = candidates.find((r) => r.template === template);
    if (!found || template === undefined) return errorAnswer(NOT_FOUND_ROUTE, requestId, version);
    let result: RouteResult;
    try {
      result = found.handle({
        state,
        actor,
        params: matchTemplate(template, req.path) ?? {},
        query: new URLSearchParams(req.query),
        body: req.body,
        deleteMissingPostStatus,
      });
    } catch (err) {
      const detailed = err instanceof Error ? err.message : String(err);
      return errorAnswer(
        { status: 500, id: "fake.internal_error", message: "Fake server bug.", detailed },
        requestId,
        version,
      );
    }
    return "error" in result
      ? errorAnswer(result.error, requestId, version)
      : jsonAnswer(result.status, result.json, requestId, version);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req).catch(() => undefined);
    if (raw === undefined) return;
    const entry: LoggedRequest = {
      seq: seq++,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(raw),
      headers: maskHeaders(req),
      status: 0,
      responseBody: undefined,
      responseHeaders: {},
      faults: [],
      at: now(),
    };
    log.push(entry);
    const requestId = newId();
    const matchable: MatchableRequest = {
      method: entry.method,
      path: entry.path,
      query: entry.query,
      body: entry.body,
    };

    const latency = script.takeLatency(matchable);
    if (latency !== undefined) {
      entry.faults.push("latency");
      await delay(latency);
    }
    if (closed) {
      req.socket.destroy();
      return;
    }
    const fault = script.takeAnswer(matchable);
    if (fault?.kind === "reset" && fault.when === "before") {
      entry.faults.push("reset-before");
      req.socket.destroy();
      return;
    }

    let answer: Answer;
    if (fault && fault.kind !== "reset") {
      entry.faults.push(fault.kind);
      answer = faultAnswer(fault, requestId, version);
    } else {
      const actor = requestActor(req, state);
      if (actor) entry.userId = actor.id;
      answer = actor ? route(matchable, actor, requestId) : errorAnswer(SESSION_EXPIRED, requestId, version);
    }
    if (fault?.kind === "reset") {
      entry.faults.push("reset-after");
      req.socket.destroy();
      return;
    }
    entry.status = answer.status;
    entry.responseHeaders = answer.headers;
    entry.responseBody = structuredClone(answer.parsed);
    // The client may have given up (timeout) while the request was held.
    if (res.destroyed || req.socket.destroyed) return;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.text);
  }

  const server = createServer((req, res) => {
    res.on("error", () => {});
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/api/v4/websocket") hub.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const publicUser = (u: StoredUser): FakeUser => ({
    id: u.id,
    username: u.username,
    token: u.token,
    csrf: u.csrf,
    isBot: u.isBot,
  });
  const postsOf = () => state.posts.map((p) => state.postJson(p, { keepPendingId: true }));
  let admin: StoredUser | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    botToken: bot.token,
    botUserId: bot.id,
    bot: publicUser(bot),
    addUser: (username) => publicUser(state.addUser(username)),
    user: (username) => {
      const u = state.userByName(username);
      return u && publicUser(u);
    },
    addChannel: (type, name, members = []) => {
      if (type === "D" && new Set([bot.id, ...members]).size > 2) {
        throw new Error("fake-mattermost: a direct channel has the bot and at most one other member");
      }
      return state.channelSnapshot(state.addChannel(type, bot.id, name, members));
    },
    channel: (id) => {
      const c = state.channels.get(id);
      return c && state.channelSnapshot(c);
    },
    channelByName: (name) => {
      const c = [...state.channels.values()].find((ch) => ch.name === name);
      return c && state.channelSnapshot(c);
    },
    posts: postsOf,
    postsIn: (channelId, o = {}) =>
      postsOf().filter(
        (p) =>
          p.channel_id === channelId &&
          (o.includeDeleted || p.delete_at === 0) &&
          (o.rootId === undefined || p.root_id === o.rootId),
      ),
    post: (id) => {
      const p = state.postsById.get(id);
      return p && state.postJson(p, { keepPendingId: true });
    },
    requests: () => structuredClone(log),
    clearRequests: () => {
      log.length = 0;
    },
    events: () => structuredClone(published),
    webSocketClients: () => hub.authenticatedCount(),
    disconnectWebSockets: () => hub.disconnectAll(),
    faults: {
      rateLimit: (o) =>
        script.addAnswer({ kind: "rate-limit", retryAfterSec: o.retryAfterSec }, o.count ?? 1, o.match),
      serverError: (o) =>
        script.addAnswer({ kind: "server-error", status: o.status ?? 500 }, o.count ?? 1, o.match),
      reset: (o) => script.addAnswer({ kind: "reset", when: o.when }, o.count ?? 1, o.match),
      latency: (o) => script.addLatency(o.ms, o.count ?? 1, o.match),
      forbidChannel: (id) => state.forbiddenChannels.add(id),
      allowChannel: (id) => state.forbiddenChannels.delete(id),
      revokeToken: (token) => state.revokedTokens.add(token),
      restoreToken: (token) => state.revokedTokens.delete(token),
      pending: () => script.pending(),
      clear: () => script.clear(),
    },
    setWebappPlugins: (plugins) => {
      state.webappPlugins = structuredClone(plugins);
    },
    deletePostAsUser: (postId, byUserId) => {
      const post = state.postsById.get(postId);
      if (!post || post.delete_at > 0) throw new Error(`fake-mattermost: no live post ${postId}`);
      let deleter = byUserId;
      if (deleter === undefined) {
        admin ??= state.userByName("sysadmin") ?? state.addUser("sysadmin");
        deleter = admin.id;
      }
      softDelete(state, post, deleter);
    },
    userPost: (channelId, userId, message, rootId) =>
      createUserPost(state, channelId, userId, message, rootId),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const w of waits) {
        clearTimeout(w.timer);
        w.resolve();
      }
      waits.clear();
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Who sent a request: the bearer token's user, or a browser session's (the `MMAUTHTOKEN` cookie).
 * As on the server, a cookie counts only with `X-Requested-With: XMLHttpRequest`, and a write with it
 * only with the session's `X-CSRF-Token` (strict CSRF enforcement); otherwise nobody.
 */
function requestActor(req: IncomingMessage, state: MattermostState): StoredUser | undefined {
  const token = bearerToken(req.headers.authorization);
  if (token) return state.userByToken(token);
  const cookie = cookieValue(req.headers.cookie, "MMAUTHTOKEN");
  if (!cookie || req.headers["x-requested-with"] !== "XMLHttpRequest") return undefined;
  const user = state.userByToken(cookie);
  if (user && req.method !== "GET" && req.headers["x-csrf-token"] !== user.csrf) return undefined;
  return user;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=") || undefined;
  }
  return undefined;
}
