import { describe, expect, it } from "vitest";
import { PagePolls } from "./page-polls.ts";

const tick = () => new Promise((ok) => setImmediate(ok));

describe("PagePolls", () => {
  it("does not wait when no page has polled", async () => {
    // A wait of a minute per poll would time the test out.
    await new PagePolls().next(2, 60_000);
  });

  it("waits for the given number of polls from an open page", async () => {
    const polls = new PagePolls();
    polls.served();
    let seen = false;
    const waiting = polls.next(2, 60_000).then(() => {
      seen = true;
    });
    await tick();
    polls.served();
    await tick();
    expect(seen).toBe(false);
    polls.served();
    await waiting;
    expect(seen).toBe(true);
  });

  it("stops waiting once the page has gone quiet for the gap", async () => {
    const polls = new PagePolls();
    polls.served();
    // A thousand polls that never come: the first gap ends the wait (a thousand gaps would time the test out).
    await polls.next(1_000, 30);
  });
});
