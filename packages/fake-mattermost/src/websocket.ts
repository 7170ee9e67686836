import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { bearerToken } from "./auth.ts";
import { newId } from "./ids.ts";
import type { StoredUser } from "./state.ts";
import type { PublishedEvent } from "./types.ts";

interface Connection {
  ws: WebSocket;
  connectionId: string;
  userId: string | undefined;
  /** Next event sequence number on this connection; `hello` is 0. */
  seq: number;
}

interface WsRequest {
  seq?: unknown;
  action?: unknown;
  data?: Record<string, unknown>;
}

/**
 * The `/api/v4/websocket` endpoint: authentication by header at upgrade or by
 * `authentication_challenge`, a `hello` event, and channel events delivered to member connections.
 */
export class WebSocketHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly authenticate: (token: string) => StoredUser | undefined;
  private readonly serverVersion: string;
  private readonly now: () => number;

  constructor(
    authenticate: (token: string) => StoredUser | undefined,
    serverVersion: string,
    now: () => number,
  ) {
    this.authenticate = authenticate;
    this.serverVersion = serverVersion;
    this.now = now;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = { ws, connectionId: newId(), userId: undefined, seq: 0 };
      this.connections.add(conn);
      ws.on("close", () => this.connections.delete(conn));
      ws.on("error", () => this.connections.delete(conn));
      ws.on("message", (raw) => this.onMessage(conn, raw.toString()));
      // A valid token on the upgrade request authenticates at once; an invalid one leaves the socket anonymous.
      const token = bearerToken(req.headers.authorization);
      const user = token ? this.authenticate(token) : undefined;
      if (user) this.register(conn, user);
    });
  }

  /** Authenticated connections (users may have several). */
  authenticatedCount(): number {
    return [...this.connections].filter((c) => c.userId !== undefined).length;
  }

  /** Delivers an event to connections of users in the audience, minus `omit_users`. */
  publish(event: PublishedEvent, audience: ReadonlySet<string>): void {
    for (const conn of this.connections) {
      if (conn.userId === undefined || !audience.has(conn.userId)) continue;
      if (event.broadcast.omit_users?.[conn.userId]) continue;
      this.sendEvent(conn, event);
    }
  }

  /** Drops every connection the way a restart or network cut would (clients must reconnect). */
  disconnectAll(): void {
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
  }

  close(): Promise<void> {
    this.disconnectAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private register(conn: Connection, user: StoredUser): void {
    conn.userId = user.id;
    // The hub queues `hello` on registration, before the challenge's OK reply.
    this.sendEvent(conn, {
      event: "hello",
      data: { connection_id: conn.connectionId, server_version: this.serverVersion },
      broadcast: {
        omit_users: null,
        user_id: user.id,
        channel_id: "",
        team_id: "",
        connection_id: "",
        omit_connection_id: "",
      },
    });
  }

  private sendEvent(conn: Connection, event: PublishedEvent): void {
    const seq = conn.seq++;
    this.send(conn, { event: event.event, data: event.data, broadcast: event.broadcast, seq });
  }

  private send(conn: Connection, message: unknown): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(message));
  }

  private reply(conn: Connection, seq: number, data?: Record<string, unknown>): void {
    this.send(conn, { status: "OK", seq_reply: seq, ...(data ? { data } : {}) });
  }

  private replyError(conn: Connection, seq: unknown, id: string, message: string, status: number): void {
    this.send(conn, {
      status: "FAIL",
      seq_reply: seq,
      error: { id, message, detailed_error: "", status_code: status },
    });
  }

  private onMessage(conn: Connection, text: string): void {
    let req: WsRequest;
    try {
      req = JSON.parse(text) as WsRequest;
    } catch {
      return;
    }
    const seq = typeof req.seq === "number" ? req.seq : 0;
    if (typeof req.action !== "string" || req.action === "") {
      this.replyError(conn, seq, "api.web_socket_router.no_action.app_error", "No websocket action.", 400);
      return;
    }
    if (seq <= 0) {
      this.replyError(
        conn,
        seq,
        "api.web_socket_router.bad_seq.app_error",
        "Invalid sequence for websocket message.",
        400,
      );
      return;
    }
    if (req.action === "authentication_challenge") {
      if (conn.userId !== undefined) return;
      const token = req.data?.token;
      const user = typeof token === "string" ? this.authenticate(token) : undefined;
      // The server closes the socket on a missing or bad token.
      if (!user) {
        conn.ws.close();
        return;
      }
      this.register(conn, user);
      this.reply(conn, seq);
      return;
    }
    if (conn.userId === undefined) {
      this.replyError(
        conn,
        seq,
        "api.web_socket_router.not_authenticated.app_error",
        "No websocket session.",
        401,
      );
      return;
    }
    if (req.action === "ping") {
      this.reply(conn, seq, {
        text: "pong",
        version: this.serverVersion,
        server_time: this.now(),
        node_id: "",
      });
      return;
    }
    this.replyError(
      conn,
      seq,
      "api.web_socket_router.bad_action.app_error",
      "Unknown websocket action.",
      501,
    );
  }
}
