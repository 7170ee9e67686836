/** Shared helpers for the demo's tests: reading boxes out of a fake's post history. */
import { FINAL_BOX_STATES, LIVE_STATUS_POST_TYPE, parseLiveStatus } from "@live-status/contract";
import type { FakeMattermost, FakePost } from "@live-status/fake-mattermost";

export const isBox = (p: FakePost): boolean => p.type === LIVE_STATUS_POST_TYPE;

/** The box's state as its props say; throws when they cannot be read. */
export function boxState(p: FakePost): string {
  const status = parseLiveStatus(p.props.live_status);
  if (!status) throw new Error(`post ${p.id} has no readable live_status`);
  return status.state;
}

export function isFinal(p: FakePost): boolean {
  return (FINAL_BOX_STATES as readonly string[]).includes(boxState(p));
}

/** Every post, deleted ones included, as one searchable text. */
export function everything(fake: FakeMattermost): string {
  return JSON.stringify(fake.posts());
}

/** Polls `check` until it returns something other than undefined, or fails after `ms`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up after ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
