import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type LoopbackServer, listenOnLoopback, WEBSOCKET_PATH } from "./http-server.ts";

const servers: LoopbackServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function listen(...args: Parameters<typeof listenOnLoopback>): Promise<LoopbackServer> {
  const server = await listenOnLoopback(...args);
  servers.push(server);
  return server;
}

const ok = async (_req: unknown, res: import("node:http").ServerResponse) => {
  res.end("ok");
};
const refuseUpgrade = () => {
  throw new Error("no upgrade expected");
};

describe("the loopback server", () => {
  it("listens on 127.0.0.1 on a free port and answers through the handler", async () => {
    const server = await listen(0, ok, refuseUpgrade);
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${server.port}/anything`);
    expect(await res.text()).toBe("ok");
  });

  it("refuses a port already in use", async () => {
    const first = await listen(0, ok, refuseUpgrade);
    await expect(listenOnLoopback(first.port, ok, refuseUpgrade)).rejects.toThrow(/EADDRINUSE/);
  });

  it("cuts the socket of a request whose handler fails, and keeps serving", async () => {
    let calls = 0;
    const server = await listen(
      0,
      async (_req, res) => {
        calls++;
        if (calls === 1) throw new Error("handler bug");
        res.end("ok");
      },
      refuseUpgrade,
    );
    await expect(fetch(`http://127.0.0.1:${server.port}/`)).rejects.toThrow();
    expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe("ok");
  });

  it("passes WebSocket upgrades of the API's endpoint on and refuses others", async () => {
    const upgraded: string[] = [];
    const server = await listen(0, ok, (req, socket) => {
      upgraded.push(req.url ?? "");
      socket.destroy();
    });
    const attempt = (path: string) =>
      new Promise<void>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
        ws.on("error", () => resolve());
        ws.on("close", () => resolve());
      });
    await attempt("/api/v4/other");
    await attempt(`${WEBSOCKET_PATH}?x=1`);
    expect(upgraded).toEqual([`${WEBSOCKET_PATH}?x=1`]);
  });

  it("closes with a request still unanswered, cutting its connection", async () => {
    let arrived: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await listenOnLoopback(
      0,
      () => {
        arrived();
        return new Promise<void>(() => {});
      },
      refuseUpgrade,
    );
    const cut = new Promise<string>((resolve) => {
      const req = request({ host: "127.0.0.1", port: server.port, path: "/held" });
      req.on("error", (err) => resolve(err.message));
      req.end();
    });
    await held;
    await server.close();
    expect(await cut).toMatch(/socket hang up|ECONNRESET/);
  });
});
