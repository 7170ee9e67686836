import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/** The WebSocket endpoint; an upgrade anywhere else is refused. */
export const WEBSOCKET_PATH = "/api/v4/websocket";

export interface LoopbackServer {
  port: number;
  /** Cuts every connection, then resolves once the server has stopped listening. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (`port` 0: any free one). A request whose handler fails loses its socket instead
 * of crashing the process; a response error (the client went away) is ignored.
 */
export async function listenOnLoopback(
  port: number,
  onRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    res.on("error", () => {});
    onRequest(req, res).catch(() => req.socket.destroy());
  });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === WEBSOCKET_PATH) onUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
