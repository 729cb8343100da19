/**
 * A counting semaphore: at most a given number of holders at once, the others wait in order.
 * Internal module.
 *
 * @module
 */

/** Limits how many holders run at once (SshTransport: commands over one connection). */
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  /** A semaphore with `slots` free places. */
  constructor(slots: number) {
    this.#free = slots;
  }

  /** Waits for a free place; resolves with its release (calling it again does nothing). */
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
