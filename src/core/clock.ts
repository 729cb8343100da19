/**
 * Time source used by runs for polling. The simulator provides a virtual clock through its
 * transport, so a client that polls every 900 s finishes in milliseconds of real time.
 *
 * @module
 */

/**
 * A source of time that can also sleep.
 *
 * @example Usage
 * ```ts
 * import { type Clock, realClock } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const clock: Clock = realClock;
 * const before = clock.now();
 * await clock.sleep(5);
 * assert.ok(clock.now() - before >= 4);
 * await assert.rejects(clock.sleep(60_000, AbortSignal.abort(new Error("stop"))), /stop/);
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, in this clock's time. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time; rejects with the signal's reason
   * when the signal aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Optional, for simulated clocks: stops time from jumping ahead while the caller does real
   * work (a local file write, an epilogue) that should take no simulated time. Returns the
   * release function. Real clocks leave it out.
   */
  hold?(): () => void;
}

/**
 * The wall clock: `Date.now()` and `setTimeout`.
 *
 * @example Usage
 * ```ts
 * import { LocalTransport, realClock } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(Math.abs(realClock.now() - Date.now()) < 1000);
 * assert.equal(new LocalTransport().clock, realClock);
 * ```
 */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};
