/**
 * Scheduling passes: the queue of eligible jobs in priority order, the main pass that starts
 * them while they fit, the backfill pass (at most one per interval, SLURM's `bf_interval`) that
 * starts jobs behind a blocked one when they end before it could start, and the `%` limit of
 * job arrays.
 *
 * @module
 */

import { FrontHeap } from "./_front_heap.ts";
import type { Allocation, ArrayGroup, JobRecord, PassCounter } from "./_job_record.ts";
import type { NodePool } from "./_nodes.ts";
import type { SimTimeline } from "./virtual_clock.ts";

/** What a {@linkcode Scheduler} works with. */
export interface SchedulerOptions {
  /** The engine's clock, on which passes are scheduled. */
  readonly clock: SimTimeline;
  /** The nodes jobs are allocated on. */
  readonly nodes: NodePool;
  /** How many queues the engine has (the main pass stops once each has a blocked job). */
  readonly queueCount: number;
  /** How many jobs behind a blocked one a pass looks at. */
  readonly backfillDepth: number;
  /** Least time between two backfill passes, ms. */
  readonly backfillIntervalMs: number;
  /** Delay between a change and the pass it triggers, ms. */
  readonly delayMs: number;
  /** When set, passes run only on whole multiples of this period (after the delay), ms. */
  readonly periodMs?: number;
  /** Starts a job on its allocation. */
  readonly start: (job: JobRecord, allocation: Allocation[]) => void;
}

/** Decides which eligible jobs start, and when. */
export class Scheduler implements PassCounter {
  /** Completed scheduling passes (a pending job evaluated by none shows reason `none`). */
  passes = 0;
  readonly #options: SchedulerOptions;
  readonly #eligible = new FrontHeap<JobRecord>((a, b) =>
    a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq)
  );
  #passScheduled = false;
  #backfillScheduled = false;
  #lastBackfill = -Infinity;

  /**
   * Creates a scheduler with an empty queue.
   *
   * @param options Clock, nodes, tuning and how to start a job.
   */
  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Puts a job on the eligible queue (once). */
  push(job: JobRecord): void {
    if (job.inQueue) return;
    job.inQueue = true;
    this.#eligible.push(job);
  }

  /** A pending job lost its last hold or dependency: queue it afresh and ask for a pass. */
  becameEligible(job: JobRecord): void {
    if (!job.eligible) return;
    job.storedReason = "none";
    job.eligibleSincePass = this.passes;
    this.push(job);
    this.requestPass();
  }

  /** Lets the next task held back by an array's `%` limit compete again. */
  unpark(group: ArrayGroup): void {
    for (let next = group.parked.shift(); next !== undefined; next = group.parked.shift()) {
      next.parked = false;
      if (next.state !== "PENDING") continue;
      next.storedReason = "none";
      this.push(next);
      return;
    }
  }

  /** Schedules a main pass after the configured delay, unless one is scheduled already. */
  requestPass(): void {
    if (this.#passScheduled) return;
    this.#passScheduled = true;
    const { clock, delayMs, periodMs } = this.#options;
    const due = clock.now() + delayMs;
    const at = periodMs === undefined ? due : Math.ceil(due / periodMs) * periodMs;
    clock.schedule(at, () => this.#pass(false));
  }

  /**
   * Schedules a backfill pass, at most one per interval: the main pass, run on every change,
   * stops at the first job that does not fit.
   */
  #requestBackfill(): void {
    if (this.#backfillScheduled) return;
    this.#backfillScheduled = true;
    const clock = this.#options.clock;
    const at = Math.max(clock.now(), this.#lastBackfill + this.#options.backfillIntervalMs);
    clock.schedule(at, () => {
      this.#backfillScheduled = false;
      this.#lastBackfill = clock.now();
      this.#pass(true);
    });
  }

  /**
   * One scheduling pass: start jobs in priority order while they fit. The main pass stops once
   * every queue has a blocked job; the backfill pass goes on behind them, starting jobs whose
   * time limit ends before the blocked job could start (its shadow time).
   */
  #pass(backfill: boolean): void {
    if (!backfill) this.#passScheduled = false;
    this.passes++;
    const { nodes, queueCount, backfillDepth } = this.#options;
    /** Queue → shadow time of its blocked job. */
    const blocked = new Map<string, number>();
    const deferred: JobRecord[] = [];
    let examinedBehindBlock = 0;
    while (this.#eligible.size > 0) {
      if (nodes.freeCpus <= 0) {
        this.#markTopAsWaitingForResources(blocked);
        break;
      }
      const job = this.#eligible.pop()!;
      job.inQueue = false;
      if (!job.eligible || this.#parkedByArrayLimit(job)) continue;
      const shadow = blocked.get(job.queue);
      const allocation = this.#endsBefore(job, shadow) ? nodes.allocate(job) : undefined;
      if (allocation !== undefined) {
        this.#options.start(job, allocation);
        continue;
      }
      deferred.push(job);
      if (shadow === undefined) {
        job.storedReason = "resources";
        blocked.set(job.queue, backfill ? nodes.shadowTime(job) : -Infinity);
      } else {
        job.storedReason = "priority";
      }
      if (!backfill && blocked.size === queueCount) break;
      if (++examinedBehindBlock > backfillDepth) break;
    }
    // Back to the front of the queue, where the next pass looks first (no heap operation).
    const back = deferred.filter((job) => !job.inQueue);
    for (const job of back) job.inQueue = true;
    this.#eligible.giveBack(back);
    if (!backfill && blocked.size > 0 && nodes.freeCpus > 0) this.#requestBackfill();
  }

  /** Whether a job may start without delaying its queue's blocked job (if there is one). */
  #endsBefore(job: JobRecord, shadow: number | undefined): boolean {
    if (shadow === undefined) return true;
    const limit = job.timeLimitSeconds;
    return limit !== undefined && this.#options.clock.now() + limit * 1000 <= shadow;
  }

  /** Parks a task whose array runs as many tasks as its `%` limit allows; true if parked. */
  #parkedByArrayLimit(job: JobRecord): boolean {
    const group = job.group;
    if (group?.maxConcurrent === undefined || group.running < group.maxConcurrent) return false;
    job.storedReason = "array-task-limit";
    if (!job.parked) {
      job.parked = true;
      group.parked.push(job);
    }
    return true;
  }

  /** No core is free: the first eligible job of the queue waits for resources. */
  #markTopAsWaitingForResources(blocked: ReadonlyMap<string, number>): void {
    for (;;) {
      const top = this.#eligible.peek();
      if (top === undefined) return;
      if (!top.eligible) {
        this.#eligible.pop();
        top.inQueue = false;
        continue;
      }
      if (!blocked.has(top.queue)) top.storedReason = "resources";
      return;
    }
  }
}
