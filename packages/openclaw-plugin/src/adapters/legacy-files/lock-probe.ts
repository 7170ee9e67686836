/**
 * The I/O half of lock handling: one look at a `<sessionFile>.lock` sidecar, confirmed by stat
 * (an fs event never counts by itself), its payload read only when the file changed, and an
 * optional signal-0 probe of the pid it names.
 */
import { open, stat } from "node:fs/promises";
import type { IoCounters } from "./file-tail.ts";
import type { LockPayload, LockPolicy, PidState } from "./lock-file.ts";
import { judgeLock, lockIdentity, parseLockPayload } from "./lock-file.ts";
import type { LockView } from "./turn-tracker.ts";

/** What was read of a lock last time, so an unchanged lock is not read again. */
export interface LockMemo {
  ino: number;
  mtimeMs: number;
  size: number;
  payload: LockPayload | null;
}

export interface LockLook {
  path: string;
  memo: LockMemo | null;
  now: number;
  /** How long the session's transcript has not grown. */
  quietForMs: number;
  policy: LockPolicy;
  /** Null: do not probe pids (another pid namespace, or switched off). */
  probePid: ((pid: number) => PidState) | null;
  io: IoCounters;
}

/** Biggest lock payload read; OpenClaw's is under 100 bytes. */
const MAX_LOCK_BYTES = 4096;

export async function lookLock(look: LockLook): Promise<{ view: LockView; memo: LockMemo | null }> {
  look.io.stats++;
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(look.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { view: { present: false }, memo: null };
    throw error;
  }
  let memo = look.memo;
  if (!memo || memo.ino !== st.ino || memo.mtimeMs !== st.mtimeMs || memo.size !== st.size) {
    memo = { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, payload: await readPayload(look) };
  }
  const payload = memo.payload;
  const pid = payload?.pid !== undefined && look.probePid ? look.probePid(payload.pid) : "unknown";
  const verdict = judgeLock(
    { payload, mtimeMs: st.mtimeMs, now: look.now, pid, quietForMs: look.quietForMs },
    look.policy,
  );
  return { view: { present: true, id: lockIdentity(st.ino, payload, st.mtimeMs), verdict }, memo };
}

async function readPayload(look: LockLook): Promise<LockPayload | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(look.path, "r");
  } catch {
    return null; // released between stat and open: the next look sees it gone
  }
  try {
    const buf = Buffer.alloc(MAX_LOCK_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    look.io.reads++;
    look.io.bytesRead += bytesRead;
    return parseLockPayload(buf.subarray(0, bytesRead).toString("utf8"));
  } finally {
    await handle.close();
  }
}

/**
 * Whether a pid runs, by signal 0. `EPERM` means it runs under another user. Only meaningful when
 * the writer shares our pid namespace: see docs/design/legacy-source.md.
 */
export function probePid(pid: number): PidState {
  try {
    process.kill(pid, 0);
    return "alive";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return "dead";
    return code === "EPERM" ? "alive" : "unknown";
  }
}
