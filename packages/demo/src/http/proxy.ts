/**
 * Forwards the Mattermost API (`/api/v4/…`, WebSocket included) from the demo's port to the fake,
 * so one address is both the web view and the server: like a real Mattermost, where the web app
 * and the API share an origin.
 */
import { type IncomingMessage, request, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";

/** Whether a request path belongs to the API. */
export function isApiPath(path: string): boolean {
  return path === "/api/v4" || path.startsWith("/api/v4/");
}

/** Passes one HTTP request to `upstream` (an `http://host:port` origin) and its answer back. */
export function proxyRequest(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on("error", () => {
    if (!res.headersSent)
      res.writeHead(502, { "content-type": "text/plain" }).end("fake Mattermost unreachable");
    else res.destroy();
  });
  req.pipe(out);
}

/** Passes a WebSocket upgrade through as raw bytes both ways. */
export function proxyUpgrade(upstream: URL, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const target: Socket = connect(Number(upstream.port), upstream.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] ?? "";
      lines.push(`${name}: ${name.toLowerCase() === "host" ? upstream.host : (req.rawHeaders[i + 1] ?? "")}`);
    }
    target.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) target.write(head);
    target.pipe(socket);
    socket.pipe(target);
  });
  const close = () => {
    target.destroy();
    socket.destroy();
  };
  target.on("error", close);
  socket.on("error", close);
  target.on("close", close);
  socket.on("close", close);
}
