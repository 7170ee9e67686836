/** What a command may touch of the process: injected so commands run in tests without spawning. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

/** A mistake in how the command was called: exit 2 with the message. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT = { ok: 0, failed: 1, usage: 2, badInput: 3, undelivered: 4, interrupted: 130 } as const;
