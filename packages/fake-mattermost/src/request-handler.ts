import type { IncomingMessage, ServerResponse } from "node:http";
import { SESSION_EXPIRED } from "./app-error.ts";
import { requestActor } from "./auth.ts";
import { dispatch, type ServerSetup } from "./dispatch.ts";
import type { FaultScript } from "./faults.ts";
import type { Holds } from "./holds.ts";
import { type Answer, errorAnswer, faultAnswer, readBody } from "./http-answers.ts";
import { newId } from "./ids.ts";
import type { Recording } from "./recording.ts";
import type { MatchableRequest } from "./types.ts";

/** What one HTTP exchange uses of the server it runs in. */
export interface Exchange extends ServerSetup {
  recording: Recording;
  script: FaultScript;
  holds: Holds;
}

/**
 * Plays one HTTP exchange: logs the request, holds it for a latency fault, then answers it with at most
 * one scripted fault (429, 5xx, or a reset before or after the write) or else authenticates and
 * dispatches it, and logs the answer. A request held while the server closes is dropped.
 */
export async function handleRequest(ex: Exchange, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req).catch(() => undefined);
  if (raw === undefined) return;
  const entry = ex.recording.arrived(req, raw);
  const requestId = newId();
  const matchable: MatchableRequest = {
    method: entry.method,
    path: entry.path,
    query: entry.query,
    body: entry.body,
  };

  const latency = ex.script.takeLatency(matchable);
  if (latency !== undefined) {
    entry.faults.push("latency");
    await ex.holds.hold(latency);
  }
  if (ex.holds.closed) {
    req.socket.destroy();
    return;
  }
  const fault = ex.script.takeAnswer(matchable);
  if (fault?.kind === "reset" && fault.when === "before") {
    entry.faults.push("reset-before");
    req.socket.destroy();
    return;
  }

  let answer: Answer;
  if (fault && fault.kind !== "reset") {
    entry.faults.push(fault.kind);
    answer = faultAnswer(fault, requestId, ex.version);
  } else {
    const actor = requestActor(req, (token) => ex.state.userByToken(token));
    if (actor) entry.userId = actor.id;
    answer = actor
      ? dispatch(matchable, actor, requestId, ex)
      : errorAnswer(SESSION_EXPIRED, requestId, ex.version);
  }
  if (fault?.kind === "reset") {
    entry.faults.push("reset-after");
    req.socket.destroy();
    return;
  }
  ex.recording.answered(entry, answer);
  // The client may have given up (timeout) while the request was held.
  if (res.destroyed || req.socket.destroyed) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.text);
}
