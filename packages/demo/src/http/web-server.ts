/**
 * The demo's HTTP server on 127.0.0.1: the web view (page, scripts, state), its two actions (play
 * again, play into a real Mattermost) and the Mattermost API forwarded to the fake.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { isApiPath, proxyRequest, proxyUpgrade } from "./proxy.ts";

/** A file the page loads, held in memory. */
export interface Asset {
  body: string | Buffer;
  type: string;
}

export interface WebServerOptions {
  /** 0 = any free port. */
  port: number;
  /** When the port is taken: fail (an explicit `--port`) or take a free one. */
  strictPort: boolean;
  html: string;
  /** Path → file, e.g. `/static/demo.js`. */
  assets: ReadonlyMap<string, Asset>;
  /** The fake's origin, for `/api/v4/…`. */
  upstream: URL;
  /** JSON the page polls. */
  state: () => unknown;
  /** POST /demo/api/play. */
  playAgain: () => { ok: true } | { ok: false; status: number; error: string };
  /** POST /demo/api/remote with the form's JSON. */
  startRemote: (body: unknown) => { ok: true } | { ok: false; status: number; error: string };
  /** GET /demo/api/remote. */
  remoteStatus: () => unknown;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

// Scripts only from this origin; the webapp plugin adds its stylesheet at run time.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(value));
}

/**
 * Actions come only from the page itself: a JSON body (so other sites need a CORS preflight we
 * never grant), a loopback Host (against DNS rebinding) and, when sent, the same Origin.
 */
function fromOurPage(req: IncomingMessage, port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host ?? "";
  const origin = req.headers.origin;
  return (
    (req.headers["content-type"] ?? "").startsWith("application/json") &&
    hosts.includes(host) &&
    (origin === undefined || origin === `http://${host}`)
  );
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/** Starts the server; with `strictPort` false a taken port falls back to a free one. */
export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  let port = 0;
  const sockets = new Set<Duplex>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (isApiPath(path)) return proxyRequest(o.upstream, req, res);
    const method = req.method ?? "GET";
    if (method === "GET" && (path === "/" || path === "/index.html")) {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": CSP,
      });
      res.end(o.html);
      return;
    }
    const asset = o.assets.get(path);
    if (method === "GET" && asset) {
      res.writeHead(200, { ...SECURITY_HEADERS, "content-type": asset.type });
      res.end(asset.body);
      return;
    }
    if (method === "GET" && path === "/demo/api/state") return json(res, 200, o.state());
    if (method === "GET" && path === "/demo/api/remote") return json(res, 200, o.remoteStatus());
    if (method === "POST" && (path === "/demo/api/play" || path === "/demo/api/remote")) {
      if (!fromOurPage(req, port)) return json(res, 403, { error: "Only the demo page may do this." });
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return json(res, 400, { error: "The request body must be JSON." });
      }
      const result = path === "/demo/api/play" ? o.playAgain() : o.startRemote(body);
      return result.ok ? json(res, 202, { ok: true }) : json(res, result.status, { error: result.error });
    }
    json(res, 404, { error: "Not found." });
  }

  const server: Server = createServer((req, res) => {
    res.on("error", () => {});
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: "Demo server error." });
      else res.destroy();
    });
  });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (!isApiPath(path)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    proxyUpgrade(o.upstream, req, socket, head);
  });

  port = await listen(server, o.port, o.strictPort);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

async function listen(server: Server, port: number, strict: boolean): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number>((ok, fail) => {
      const onError = (error: Error) => fail(error);
      server.once("error", onError);
      server.listen(p, "127.0.0.1", () => {
        server.off("error", onError);
        ok((server.address() as AddressInfo).port);
      });
    });
  try {
    return await attempt(port);
  } catch (error) {
    if (strict || port === 0 || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return attempt(0);
  }
}
