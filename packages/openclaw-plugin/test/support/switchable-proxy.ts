/**
 * A TCP proxy on 127.0.0.1 (port 0) in front of a server, with a switch: while down, every
 * connection — new or open — is reset, as when Mattermost or the network in front of it goes away.
 * For the few tests and benchmarks that need a real-clock outage.
 */
import { connect, createServer, type Socket } from "node:net";

export interface SwitchableProxy {
  url: string;
  readonly up: boolean;
  /** Resets every open connection and every new one until `bringUp()`. */
  takeDown(): void;
  bringUp(): void;
  close(): Promise<void>;
}

export async function startSwitchableProxy(target: string): Promise<SwitchableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let up = true;
  const server = createServer((client) => {
    if (!up) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const proxyPort = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    get up() {
      return up;
    },
    takeDown() {
      up = false;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    bringUp() {
      up = true;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
