/** Small helpers every room uses: one home each, so they cannot drift apart. */

/** A plain JSON-like object (not null, not an array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Marks a switch as exhaustive: the compiler proves it unreachable; reaching it anyway is a bug. */
export function assertNever(x: never, what = "value"): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}

/** The message alone, for texts that already say what failed. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line for a log: the error's code (a Node errno code) or its class name, then its message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${typeof code === "string" ? code : error.name}: ${error.message}`;
}
