/** Undo steps of a start-up, run newest first: what started last stops first. */
export class Cleanups {
  private steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step added so far, newest first, each once. */
  async run(): Promise<void> {
    const steps = this.steps.reverse();
    this.steps = [];
    for (const step of steps) await step();
  }
}
