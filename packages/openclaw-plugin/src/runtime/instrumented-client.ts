import type { MattermostClient } from "../ports/mattermost.ts";

export type ApiCallKind = keyof MattermostClient;

/**
 * Wraps a client to count calls by kind and to tell when no request is in flight. Replays use
 * `quiet()` to let every write triggered by one event land before the next event is applied.
 */
export interface InstrumentedClient {
  client: MattermostClient;
  calls(): Record<string, number>;
  inFlight(): number;
  quiet(): Promise<void>;
}

export function instrumentClient(inner: MattermostClient): InstrumentedClient {
  const counts: Record<string, number> = {};
  let inFlight = 0;
  let waiters: Array<() => void> = [];

  const track = <A extends unknown[], R>(kind: ApiCallKind, call: (...args: A) => Promise<R>) => {
    return async (...args: A): Promise<R> => {
      counts[kind] = (counts[kind] ?? 0) + 1;
      inFlight++;
      try {
        return await call(...args);
      } finally {
        inFlight--;
        if (inFlight === 0) {
          const ready = waiters;
          waiters = [];
          for (const w of ready) w();
        }
      }
    };
  };

  const client: MattermostClient = {
    getMe: track("getMe", () => inner.getMe()),
    createPost: track("createPost", (input, options) => inner.createPost(input, options)),
    patchPost: track("patchPost", (id, patch, request) => inner.patchPost(id, patch, request)),
    deletePost: track("deletePost", (id, request) => inner.deletePost(id, request)),
    getPost: track("getPost", (id) => inner.getPost(id)),
    createDirectChannel: track("createDirectChannel", (a, b) => inner.createDirectChannel(a, b)),
    getChannel: track("getChannel", (id) => inner.getChannel(id)),
  };

  return {
    client,
    calls: () => ({ ...counts }),
    inFlight: () => inFlight,
    quiet: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
