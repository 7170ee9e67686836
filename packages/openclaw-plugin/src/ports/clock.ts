/**
 * Time as a port. Runtime code reads `now()` and waits with `sleep()`; production uses the system
 * clock, tests a manual one (both in runtime/clock.ts) so throttling and back-off are deterministic.
 * `sleep` rejects with the signal's reason when aborted, like `node:timers/promises`.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
