/**
 * The simulator's clocks. {@linkcode VirtualClock} is deterministic simulated time that jumps to
 * the next due timer whenever every waiter is asleep, so a client that polls every 900 s
 * finishes in milliseconds; {@linkcode realTimeline} is the wall clock with the same interface.
 * Both are {@linkcode SimTimeline}s: a {@linkcode Clock} that the engine can also schedule its
 * own events on.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { type Clock, realClock } from "../../src/core/clock.ts";
import { MinHeap } from "./_heap.ts";

/**
 * A scheduled engine event; cancel it to drop it.
 *
 * @example Usage
 * ```ts
 * import { VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * let fired = false;
 * const timer = clock.schedule(clock.now() + 1000, () => fired = true);
 * assert.equal(clock.pendingEvents, 1);
 * timer.cancel();
 * assert.equal(clock.pendingEvents, 0);
 * await clock.sleep(2000);
 * assert.equal(fired, false);
 * ```
 */
export interface SimTimer {
  /** Drops the event if it has not fired yet. */
  cancel(): void;
}

/**
 * A clock the simulator's engine runs on: time, sleeping, scheduled events and holds (real work
 * in progress, during which virtual time must not jump).
 *
 * @example Usage
 * ```ts
 * import { type SimTimeline, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const timeline: SimTimeline = new VirtualClock();
 * const fired: string[] = [];
 * timeline.schedule(timeline.now() + 20, () => fired.push("second"));
 * timeline.schedule(timeline.now() + 10, () => fired.push("first"));
 * await timeline.runUntilIdle();
 * assert.deepEqual(fired, ["first", "second"]);
 * assert.equal(timeline.pendingEvents, 0);
 * ```
 */
export interface SimTimeline extends Clock {
  /** Whether time is simulated (true) or the wall clock (false). */
  readonly virtual: boolean;
  /** Runs `callback` once the clock reaches `at` (ms since the epoch); events at equal times fire in scheduling order. */
  schedule(at: number, callback: () => void): SimTimer;
  /** Marks real work in progress (a job's process, a file operation); returns the release function. */
  hold(): () => void;
  /** Fires scheduled events until none is left (waking sleepers on the way); resolves when idle. */
  runUntilIdle(): Promise<void>;
  /** Number of scheduled engine events not yet fired. */
  readonly pendingEvents: number;
}

/**
 * Options of {@linkcode VirtualClock}.
 *
 * @example Usage
 * ```ts
 * import { VirtualClock, type VirtualClockOptions } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const options: VirtualClockOptions = { start: new Date("2026-11-25T08:46:00Z") };
 * assert.equal(new VirtualClock(options).now(), Date.UTC(2026, 10, 25, 8, 46));
 * assert.equal(new VirtualClock().now(), Date.UTC(2026, 0, 1));
 * ```
 */
export interface VirtualClockOptions {
  /** Initial time (ms since the epoch or a Date); default 2026-01-01T00:00:00Z, so runs are reproducible. */
  start?: number | Date;
}

interface Entry {
  at: number;
  seq: number;
  /** An engine event's callback, or a sleeper's resolve. */
  fire: () => void;
  sleeper: boolean;
  cancelled: boolean;
}

/** Default start of virtual time: fixed, so that outputs are reproducible. */
const DEFAULT_START = Date.UTC(2026, 0, 1);

/**
 * Deterministic simulated time. `sleep()` registers a timer; once the microtask queue has
 * drained and nothing holds the clock, time jumps to the earliest timer, firing the engine's
 * events due before it in order. Sleepers wake one at a time, each after the previous one's
 * reaction has settled, so the order of events never depends on real time.
 *
 * While something holds the clock (a job script running for real in `shell` mode, a file
 * operation of the transport), time stands still: real work takes no simulated time beyond
 * what the engine accounts for it.
 *
 * @example A poll every 15 minutes costs no real time
 * ```ts
 * import { VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * const start = clock.now();
 * const began = Date.now();
 * for (let i = 0; i < 8; i++) await clock.sleep(900_000);
 * assert.equal(clock.now() - start, 8 * 900_000);
 * assert.ok(Date.now() - began < 1000);
 * ```
 */
export class VirtualClock implements SimTimeline {
  /** Always true: this clock simulates time. */
  readonly virtual = true;
  #now: number;
  #seq = 0;
  #heap = new MinHeap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  #sleepers = 0;
  #events = 0;
  #holds = 0;
  #kickScheduled = false;
  #idleWaiters: Array<() => void> = [];

  /**
   * Creates the clock.
   *
   * @param options Start time.
   */
  constructor(options: VirtualClockOptions = {}) {
    const start = options.start ?? DEFAULT_START;
    this.#now = typeof start === "number" ? start : start.getTime();
  }

  /**
   * The simulated time, ms since the epoch.
   *
   * @returns The current simulated time.
   */
  now(): number {
    return this.#now;
  }

  /** Number of scheduled engine events not yet fired. */
  get pendingEvents(): number {
    return this.#events;
  }

  /** Number of sleepers waiting. */
  get sleepers(): number {
    return this.#sleepers;
  }

  /**
   * Resolves after `ms` of simulated time; rejects with the signal's reason if it aborts first.
   *
   * @param ms Milliseconds of simulated time.
   * @param signal Aborts the sleep.
   * @returns A promise that resolves when the time has come.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        sleeper: true,
        cancelled: false,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        this.#sleepers--;
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers++;
      this.#heap.push(entry);
      this.#kick();
    });
  }

  /**
   * Schedules an engine event at `at`. Events never advance time on their own: time moves when
   * someone sleeps (or {@linkcode VirtualClock.runUntilIdle} runs).
   *
   * @param at When, in ms since the epoch (a past time fires at the next advance).
   * @param callback What to do then (synchronous).
   * @returns A handle to cancel the event.
   */
  schedule(at: number, callback: () => void): SimTimer {
    const entry: Entry = { at, seq: this.#seq++, sleeper: false, cancelled: false, fire: callback };
    this.#events++;
    this.#heap.push(entry);
    return {
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        this.#events--;
      },
    };
  }

  /**
   * Holds the clock: time does not jump until every hold is released.
   *
   * @returns The release function (calling it twice is harmless).
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const wake of waiters) wake();
        this.#kick();
      }
    };
  }

  /**
   * Moves time forward by `ms`, firing what is due on the way (the same as sleeping).
   *
   * @param ms Milliseconds of simulated time.
   * @returns A promise that resolves at the new time.
   */
  advance(ms: number): Promise<void> {
    return this.sleep(ms);
  }

  /**
   * Fires engine events (and wakes sleepers due before them) until no event is left.
   * Waits for holds (running job processes) to be released on the way.
   *
   * @returns A promise that resolves when no engine event is pending.
   */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      if (this.#holds > 0) {
        await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
        continue;
      }
      if (this.#events === 0) return;
      const entry = this.#heap.pop();
      if (entry === undefined) return;
      if (entry.cancelled) continue;
      if (entry.at > this.#now) this.#now = entry.at;
      if (entry.sleeper) {
        this.#sleepers--;
        entry.fire();
        // Let the woken client react (it may submit, cancel or sleep again) before going on.
        await macrotask();
      } else {
        this.#events--;
        entry.cancelled = true; // fired: a later cancel() must not count it again
        entry.fire();
      }
    }
  }

  /** Schedules one advance step after the microtask queue has drained. */
  #kick(): void {
    if (this.#kickScheduled || this.#sleepers === 0) return;
    this.#kickScheduled = true;
    setImmediate(() => this.#step());
  }

  /**
   * Fires due events up to the earliest sleeper, then wakes that one sleeper. While the clock
   * is held, only what is due now fires: holds stop time from moving, not the present.
   */
  #step(): void {
    this.#kickScheduled = false;
    while (this.#sleepers > 0) {
      const top = this.#heap.peek();
      if (top === undefined) return;
      if (this.#holds > 0 && !top.cancelled && top.at > this.#now) return;
      const entry = this.#heap.pop()!;
      if (entry.cancelled) continue;
      if (entry.at > this.#now) this.#now = entry.at;
      if (entry.sleeper) {
        this.#sleepers--;
        entry.fire();
        this.#kick();
        return;
      }
      this.#events--;
      entry.cancelled = true;
      entry.fire();
    }
  }
}

/** Resolves after the current macrotask, i.e. once the microtask queue has drained. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The wall clock as a {@linkcode SimTimeline}: events fire on real timers, holds do nothing.
 *
 * @returns A timeline on real time.
 *
 * @example Usage
 * ```ts
 * import { realTimeline } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const timeline = realTimeline();
 * const began = Date.now();
 * let firedAfter = -1;
 * timeline.schedule(began + 20, () => firedAfter = Date.now() - began);
 * assert.equal(timeline.pendingEvents, 1);
 * await timeline.runUntilIdle();
 * assert.ok(firedAfter >= 19, `fired after ${firedAfter} ms`);
 * assert.equal(timeline.pendingEvents, 0);
 * assert.equal(timeline.virtual, false);
 * ```
 */
export function realTimeline(): SimTimeline {
  let events = 0;
  let holds = 0;
  let idleWaiters: Array<() => void> = [];
  const settle = () => {
    if (events > 0 || holds > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };
  return {
    virtual: false,
    now: () => realClock.now(),
    sleep: (ms, signal) => realClock.sleep(ms, signal),
    get pendingEvents() {
      return events;
    },
    schedule(at, callback) {
      events++;
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        events--;
        try {
          callback();
        } finally {
          settle();
        }
      }, Math.max(0, at - Date.now()));
      return {
        cancel() {
          if (done) return;
          done = true;
          clearTimeout(timer);
          events--;
          settle();
        },
      };
    },
    hold() {
      // Real time runs on regardless; holds only tell runUntilIdle that work is in progress.
      holds++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds--;
        settle();
      };
    },
    runUntilIdle: () =>
      events === 0 && holds === 0
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve)),
  };
}
