import type { Timers } from "../../src/runtime/service.ts";

/** Timers that fire only when the test says so. */
export class ManualTimers implements Timers {
  readonly pending: Array<{ ms: number; fn: () => void; repeat: boolean }> = [];
  every(ms: number, fn: () => void) {
    return this.#add({ ms, fn, repeat: true });
  }
  after(ms: number, fn: () => void) {
    return this.#add({ ms, fn, repeat: false });
  }
  /** Runs every timer of that period once (one-shots are used up). */
  fire(ms: number): number {
    const due = this.pending.filter((t) => t.ms === ms);
    for (const t of due) {
      if (!t.repeat) this.pending.splice(this.pending.indexOf(t), 1);
      t.fn();
    }
    return due.length;
  }
  periods(): number[] {
    return this.pending.map((t) => t.ms);
  }
  #add(t: { ms: number; fn: () => void; repeat: boolean }) {
    this.pending.push(t);
    return () => {
      const i = this.pending.indexOf(t);
      if (i >= 0) this.pending.splice(i, 1);
    };
  }
}
