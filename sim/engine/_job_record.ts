/**
 * The engine's record of one job (or one array task): the public {@linkcode SimJob} fields plus
 * the engine's bookkeeping, and how a pending job's reason follows from its holds, dependencies
 * and blockers. Also the states that are final.
 *
 * @module
 */

import type { RunningProcess } from "./_shell_run.ts";
import type { SimJob, SimJobState, SimReason, SimSubmitRequest } from "../types.ts";
import type { SimTimer } from "./virtual_clock.ts";

/** What a running job holds on one node (`node` indexes the engine's nodes). */
export interface Allocation {
  node: number;
  cpus: number;
  memoryMB: number;
  gpus: number;
}

/** The tasks of one job array and the counts its `%` limit needs. */
export interface ArrayGroup {
  id: number;
  maxConcurrent: number | undefined;
  running: number;
  tasks: JobRecord[];
  /** Tasks held back by the `%` limit, in queue order; released one per finished task. */
  parked: JobRecord[];
  /** Tasks that have neither started nor ended. */
  pending: number;
}

/** Where a job stands with its dependencies: none, waiting, satisfied, or never satisfiable. */
export type DependencyState = "none" | "waiting" | "satisfied" | "never";

/** What a record needs from the scheduler: how many passes have completed. */
export interface PassCounter {
  /** Completed scheduling passes. */
  readonly passes: number;
}

const FINISHED: ReadonlySet<SimJobState> = new Set<SimJobState>([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "PREEMPTED",
  "OUT_OF_MEMORY",
]);

/**
 * Whether a job state is final.
 *
 * @param state A job state.
 * @returns True for every state but `PENDING` and `RUNNING`.
 *
 * @example Usage
 * ```ts
 * import { isFinishedState } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * assert.equal(isFinishedState("TIMEOUT"), true);
 * assert.equal(isFinishedState("RUNNING"), false);
 * ```
 */
export function isFinishedState(state: SimJobState): boolean {
  return FINISHED.has(state);
}

/**
 * The public fields of a record are {@linkcode SimJob}'s, declared there once; the constructor
 * sets every required one, the optional ones appear as the job's life sets them.
 */
export interface JobRecord extends SimJob {}

/** A job in the engine: {@linkcode SimJob} plus the engine's bookkeeping. */
export class JobRecord {
  /** Position in the eligible queue among equal priorities (submission order). */
  readonly seq: number;
  /** Scheduling priority (higher first). */
  readonly priority: number;
  /** The reason as last set by the engine; {@linkcode JobRecord.reason} derives from it. */
  storedReason: SimReason = "none";
  /** Scheduling passes completed when the job last became eligible. */
  eligibleSincePass: number;
  dependencyState: DependencyState = "none";
  /** A reason that keeps the job pending forever (`over-queue-limit`, ...). */
  blocker?: SimReason;
  /** On the scheduler's eligible queue. */
  inQueue = false;
  /** Held back by its array's `%` limit (kept off the eligible queue). */
  parked = false;
  /** Recorded by accounting when it finished (a request refused yet recorded never is). */
  accounted = false;
  /** What the job holds while it runs; dropped when it ends (a finished job holds nothing). */
  allocation: Allocation[] | undefined;
  timers: SimTimer[] = [];
  process?: RunningProcess;
  group?: ArrayGroup;
  readonly #scheduler: PassCounter;

  /**
   * Creates a pending job.
   *
   * @param scheduler Counts the passes that decide the `priority` reason.
   * @param id Raw job id.
   * @param seq Submission order among all records.
   * @param request The request with defaults filled in.
   * @param queue The queue's name.
   * @param now Submission time.
   */
  constructor(
    scheduler: PassCounter,
    id: number,
    seq: number,
    request: SimSubmitRequest,
    queue: string,
    now: number,
  ) {
    this.#scheduler = scheduler;
    this.id = id;
    this.seq = seq;
    this.request = request;
    this.state = "PENDING";
    this.queue = queue;
    this.submitTime = now;
    this.nodeList = [];
    this.priority = request.priority ?? 0;
    this.eligibleSincePass = scheduler.passes;
    if (request.timeLimitSeconds !== undefined) this.timeLimitSeconds = request.timeLimitSeconds;
  }

  /** Why the job waits (pending) or how it ended, in the engine's neutral words. */
  get reason(): SimReason {
    if (this.state !== "PENDING") return this.storedReason;
    if (this.held === "user") return "held-user";
    if (this.held === "admin") return "held-admin";
    if (this.dependencyState === "waiting") return "dependency";
    if (this.dependencyState === "never") return "dependency-never-satisfied";
    if (this.blocker !== undefined) return this.blocker;
    // Jobs the last pass did not get to wait behind higher-priority ones, as in SLURM.
    if (this.storedReason === "none" && this.#scheduler.passes > this.eligibleSincePass) {
      return "priority";
    }
    return this.storedReason;
  }

  set reason(value: SimReason) {
    this.storedReason = value;
  }

  /** Whether the job may start as far as holds, dependencies and limits go. */
  get eligible(): boolean {
    return this.state === "PENDING" && this.held === undefined &&
      (this.dependencyState === "none" || this.dependencyState === "satisfied") &&
      this.blocker === undefined;
  }
}
