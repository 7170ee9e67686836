import { matchTemplate } from "./path-template.ts";
import type { FakeFaults, MatchableRequest, RequestMatcher } from "./types.ts";

/** What a scripted fault does to the request it catches. */
export type FaultAction =
  | { kind: "rate-limit"; retryAfterSec: number }
  | { kind: "server-error"; status: 500 | 502 | 503 }
  | { kind: "reset"; when: "before" | "after" };

interface Scripted<T> {
  action: T;
  remaining: number;
  match: RequestMatcher | undefined;
}

export function matches(matcher: RequestMatcher | undefined, req: MatchableRequest): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "function") return matcher(req);
  if (matcher instanceof RegExp) return matcher.test(req.path);
  if (matcher.method !== undefined && matcher.method.toUpperCase() !== req.method) return false;
  const { path } = matcher;
  if (path === undefined) return true;
  if (path instanceof RegExp) return path.test(req.path);
  return path.includes("{") ? matchTemplate(path, req.path) !== undefined : path === req.path;
}

function take<T>(queue: Scripted<T>[], req: MatchableRequest): T | undefined {
  const i = queue.findIndex((f) => f.remaining > 0 && matches(f.match, req));
  const fault = queue[i];
  if (!fault) return undefined;
  fault.remaining--;
  if (fault.remaining === 0) queue.splice(i, 1);
  return fault.action;
}

/**
 * Queues of scripted faults. Each request takes at most one latency fault and then at most one
 * answering fault (429, 5xx or reset), the oldest matching first; a fault is used up after `count` requests.
 */
export class FaultScript {
  private readonly delays: Scripted<number>[] = [];
  private readonly answers: Scripted<FaultAction>[] = [];

  addLatency(ms: number, count: number, match: RequestMatcher | undefined): void {
    this.delays.push({ action: ms, remaining: count, match });
  }

  addAnswer(action: FaultAction, count: number, match: RequestMatcher | undefined): void {
    this.answers.push({ action, remaining: count, match });
  }

  takeLatency(req: MatchableRequest): number | undefined {
    return take(this.delays, req);
  }

  takeAnswer(req: MatchableRequest): FaultAction | undefined {
    return take(this.answers, req);
  }

  /** Faults not yet used up. */
  pending(): number {
    return this.delays.length + this.answers.length;
  }

  clear(): void {
    this.delays.length = 0;
    this.answers.length = 0;
  }
}

/** What faults change in the server's state rather than in the script. */
export interface FaultTargets {
  forbiddenChannels: Set<string>;
  revokedTokens: Set<string>;
}

/** The `faults` a test scripts: answers and latency go to the script, forbidden channels and revoked tokens to the state. */
export function faultControls(script: FaultScript, state: FaultTargets): FakeFaults {
  return {
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
  };
}
