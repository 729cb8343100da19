/**
 * The simulator's job-queue engine: nodes and queues, priority/FIFO scheduling with simple
 * backfill, walltime enforcement, cancel/hold/release, dependencies, job arrays, exit codes and
 * accounting, all driven by events on a {@linkcode SimTimeline}. Scheduler-neutral: the
 * command-line emulators translate each tool's words to and from it.
 *
 * {@linkcode SimEngine} wires its parts together and answers the emulators: the job table
 * (`_job_table.ts`), request defaults (`_submission.ts`) and limits (`_limits.ts`), the nodes
 * (`_nodes.ts`), dependencies (`_dependencies.ts`), scheduling passes (`_scheduling.ts`), job runs
 * (`_execution.ts`) and accounting (`_accounting.ts`).
 *
 * @module
 */

import { Accounting } from "./_accounting.ts";
import { Dependencies } from "./_dependencies.ts";
import { JobRunner } from "./_execution.ts";
import { isFinishedState, type JobRecord } from "./_job_record.ts";
import { JobTable } from "./_job_table.ts";
import { NodePool } from "./_nodes.ts";
import { Scheduler } from "./_scheduling.ts";
import { Submissions } from "./_submission.ts";
import type { SimFileSystem } from "./filesystem.ts";
import type { SimEngineOptions } from "./options.ts";
import type {
  SchedulerKind,
  SimJob,
  SimNodeSpec,
  SimQueueSpec,
  SimSubmitRequest,
} from "../types.ts";
import type { SimEngineApi, SimStateKey } from "../emulator.ts";
import { type SimTimeline, VirtualClock } from "./virtual_clock.ts";

export { isFinishedState };
export type { SimEngineOptions, SimJobModel } from "./options.ts";

const DEFAULT_NODES: SimNodeSpec[] = [
  { name: "node1", cpus: 4, memoryMB: 16000 },
  { name: "node2", cpus: 4, memoryMB: 16000 },
];

/**
 * The job-queue engine of a simulated cluster. Emulators call {@linkcode SimEngine.submit} and
 * friends; time moves on its {@linkcode SimTimeline}. Every operation is O(log n) in the number
 * of queued jobs, and the live views ({@linkcode SimEngine.jobsSince}) cost what they return, so
 * 100,000 jobs simulate in seconds.
 *
 * @example Two jobs on one core run one after the other
 * ```ts
 * import { SimEngine, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const clock = new VirtualClock();
 * const engine = new SimEngine({
 *   kind: "slurm",
 *   clock,
 *   nodes: [{ name: "n1", cpus: 1, memoryMB: 1000 }],
 *   queues: [{ name: "debug", default: true }],
 *   model: () => ({ runtimeSeconds: 60, exitCode: 0 }),
 * });
 * const request = { name: "j", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const { jobId: first } = engine.submit(request);
 * const { jobId: second } = engine.submit(request);
 * await clock.runUntilIdle();
 * const [a, b] = [engine.find(first)[0]!, engine.find(second)[0]!];
 * assert.equal(a.state, "COMPLETED");
 * assert.equal(b.startTime, a.endTime);
 * ```
 */
export class SimEngine implements SimEngineApi {
  /** The scheduler this cluster emulates. */
  readonly kind: SchedulerKind;
  /** Name of the login host. */
  readonly loginHost: string;
  /** Compute nodes. */
  readonly nodes: readonly SimNodeSpec[];
  /** Queues. */
  readonly queues: readonly SimQueueSpec[];
  /** The engine's clock. */
  readonly clock: SimTimeline;

  readonly #fs: SimFileSystem | undefined;
  readonly #execution: "shell" | "model";
  readonly #defaultQueue: string;
  readonly #states = new Map<SimStateKey<unknown>, unknown>();
  readonly #table: JobTable;
  readonly #nodes: NodePool;
  readonly #scheduler: Scheduler;
  readonly #dependencies: Dependencies;
  readonly #accounting: Accounting;
  readonly #runner: JobRunner;
  readonly #submissions: Submissions;

  /**
   * Creates the engine.
   *
   * @param options Nodes, queues, clock, execution mode and policies.
   * @throws {Error} When the queues are inconsistent (no default, unknown nodes).
   */
  constructor(options: SimEngineOptions) {
    this.kind = options.kind;
    this.loginHost = options.loginHost ?? "login1";
    this.clock = options.clock ?? new VirtualClock();
    this.nodes = (options.nodes ?? DEFAULT_NODES).map((node) => ({ ...node }));
    if (this.nodes.length === 0) throw new Error("Cannot build a cluster without nodes");
    this.queues = (options.queues ?? [{ name: "batch", default: true }]).map((q) => ({ ...q }));
    this.#fs = options.fs;
    this.#execution = options.execution ?? "model";
    if (this.#execution === "shell" && this.#fs === undefined) {
      throw new Error("Cannot run jobs in shell mode without a file system");
    }
    this.#table = new JobTable(options.firstJobId ?? 1);
    this.#nodes = new NodePool(this.nodes, this.queues);
    const fallback = this.queues.find((q) => q.default) ?? this.queues[0];
    if (fallback === undefined) throw new Error("Cannot build a cluster without queues");
    this.#defaultQueue = fallback.name;
    this.#scheduler = new Scheduler({
      clock: this.clock,
      nodes: this.#nodes,
      queueCount: this.queues.length,
      backfillDepth: options.backfillDepth ?? 100,
      backfillIntervalMs: options.backfillIntervalMs ?? 30_000,
      delayMs: options.schedulerDelayMs ?? 0,
      ...(options.schedulerPeriodMs === undefined ? {} : { periodMs: options.schedulerPeriodMs }),
      start: (job, allocation) => this.#runner.start(job, allocation),
    });
    this.#dependencies = new Dependencies(
      (id) => this.#table.find(id),
      (job) => this.#scheduler.becameEligible(job),
    );
    this.#accounting = new Accounting(options.accountingLagMs ?? 0);
    this.#runner = new JobRunner({
      clock: this.clock,
      fs: this.#fs,
      execution: this.#execution,
      model: options.model ?? (() => ({ runtimeSeconds: 1, exitCode: 0 })),
      killSignal: options.killSignal ?? 15,
      arrayTaskIds: options.arrayTaskIds ?? "shared",
      table: this.#table,
      nodes: this.#nodes,
      scheduler: this.#scheduler,
      dependencies: this.#dependencies,
      accounting: this.#accounting,
    });
    this.#submissions = new Submissions({
      clock: this.clock,
      queues: this.queues,
      defaultQueue: this.#defaultQueue,
      defaults: {
        loginHost: this.loginHost,
        memoryMBPerCpu: options.defaultMemoryMBPerCpu ?? 256,
      },
      limits: options.limits ?? {},
      table: this.#table,
      nodes: this.#nodes,
      scheduler: this.#scheduler,
      dependencies: this.#dependencies,
    });
  }

  /** The name of the queue jobs without one go to. */
  get defaultQueue(): string {
    return this.#defaultQueue;
  }

  /** How jobs run: `model` or `shell`. */
  get execution(): "shell" | "model" {
    return this.#execution;
  }

  /** How long a finished job takes to reach accounting, ms. */
  get accountingLagMs(): number {
    return this.#accounting.lagMs;
  }

  set accountingLagMs(ms: number) {
    this.#accounting.lagMs = ms;
  }

  /** Completed scheduling passes (a pending job evaluated by none shows reason `none`). */
  get passes(): number {
    return this.#scheduler.passes;
  }

  set passes(count: number) {
    this.#scheduler.passes = count;
  }

  /** The cluster clock's time, ms since the epoch. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Calls `listener` whenever a job changes state (starts or finishes).
   *
   * @param listener Called with the job after the change.
   * @returns A function that removes the listener.
   */
  onChange(listener: (job: SimJob) => void): () => void {
    return this.#runner.onChange(listener);
  }

  /**
   * Validates and queues a job or job array.
   *
   * @param request The parsed submission.
   * @returns The id the tool prints and the created jobs (one per array task).
   * @throws {SimSubmitRejection} When the request cannot be accepted.
   */
  submit(request: SimSubmitRequest): { jobId: number; jobs: SimJob[] } {
    return this.#submissions.submit(request);
  }

  /**
   * Cancels a job, every task of an array (by the array's id), or one task.
   *
   * @param jobId A raw job id or an array id.
   * @param options `taskId`: only that task; `uid`: who cancels (recorded as `cancelledBy`);
   * `graceMs`: how long running jobs keep running, marked `terminating`, before they end.
   * @returns The jobs that changed.
   */
  cancel(
    jobId: number,
    options: { taskId?: number; uid?: number; graceMs?: number } = {},
  ): SimJob[] {
    let targets = this.#table.find(jobId);
    if (options.taskId !== undefined) {
      targets = targets.filter((job) => job.arrayTaskId === options.taskId);
    }
    const changed: SimJob[] = [];
    for (const job of targets) {
      if (isFinishedState(job.state)) continue;
      if (options.uid !== undefined) job.cancelledBy = options.uid;
      if (this.#runner.cancel(job, options.graceMs ?? 0)) changed.push(job);
    }
    return changed;
  }

  /**
   * Holds pending jobs.
   *
   * @param jobId A raw job id or an array id.
   * @param by `user` (default) or `admin`.
   * @returns The jobs that changed.
   */
  hold(jobId: number, by: "user" | "admin" = "user"): SimJob[] {
    const changed: SimJob[] = [];
    for (const job of this.#table.find(jobId)) {
      if (job.state !== "PENDING") continue;
      job.held = by;
      changed.push(job);
    }
    return changed;
  }

  /**
   * Releases held jobs.
   *
   * @param jobId A raw job id or an array id.
   * @returns The jobs that changed.
   */
  release(jobId: number): SimJob[] {
    const changed: SimJob[] = [];
    for (const job of this.#table.find(jobId)) {
      if (job.state !== "PENDING" || job.held === undefined) continue;
      delete job.held;
      this.#scheduler.becameEligible(job);
      changed.push(job);
    }
    return changed;
  }

  /** Every job ever submitted (array tasks individually), in submission order. */
  jobs(): readonly SimJob[] {
    return this.#table.all;
  }

  /**
   * The jobs not finished before `since`: every pending or running job, and those that ended at
   * or after it, in submission order. What a controller still holds (finished jobs it keeps for
   * a while) costs what it returns, not every job ever submitted.
   *
   * @param since A time, ms since the epoch.
   * @returns The jobs (a new array).
   */
  jobsSince(since: number): SimJob[] {
    return this.#table.since(since);
  }

  /**
   * Jobs of this engine in submission order (array tasks individually), for merging views.
   *
   * @param jobs Jobs of this engine.
   * @returns A sorted copy.
   */
  inSubmissionOrder(jobs: Iterable<SimJob>): SimJob[] {
    return [...jobs].sort((a, b) => (a as JobRecord).seq - (b as JobRecord).seq);
  }

  /**
   * The pending jobs whose dependencies can never be satisfied (an `afterok` job failed), held
   * ones included, in submission order.
   *
   * @returns The jobs (a new array).
   */
  unsatisfiableJobs(): SimJob[] {
    return this.#dependencies.unsatisfiable();
  }

  /**
   * The job with that raw id, or all tasks of the array with that id.
   *
   * @param jobId A raw job id or an array id.
   * @returns The jobs (empty when unknown).
   */
  find(jobId: number): SimJob[] {
    return this.#table.find(jobId);
  }

  /** Finished jobs that accounting knows by now (honours {@linkcode SimEngine.accountingLagMs}). */
  accounting(): readonly SimJob[] {
    return this.#accounting.known(this.now());
  }

  /**
   * Whether {@linkcode SimEngine.accounting} lists the job now, without listing them all.
   *
   * @param job A job of this engine.
   * @returns The same as `accounting().includes(job)`, at the cost of a lookup.
   */
  knownToAccounting(job: SimJob): boolean {
    return this.#accounting.lists(job, this.now());
  }

  /**
   * Whether accounting knows a finished job by now.
   *
   * @param job A job of this engine.
   * @returns True once the job's end is older than the accounting lag.
   */
  isAccounted(job: SimJob): boolean {
    return this.#accounting.isAccounted(job, this.now());
  }

  /**
   * Reads a file of the simulator's file system.
   *
   * @param path An absolute simulated path.
   * @returns The text, or `undefined` when missing (or without a file system).
   */
  readFile(path: string): string | undefined {
    return this.#fs?.readText(path);
  }

  /** This cluster's value of an emulator's state (created on first use); see {@linkcode SimStateKey}. */
  state<T>(key: SimStateKey<T>): T {
    if (!this.#states.has(key)) this.#states.set(key, key.init());
    return this.#states.get(key) as T;
  }

  /**
   * Uses up the next job id without creating a job.
   *
   * @returns The id consumed.
   */
  reserveJobId(): number {
    return this.#table.takeId();
  }

  /**
   * Takes a node down: its running jobs end as `NODE_FAIL` and nothing starts there until
   * {@linkcode SimEngine.resumeNode}.
   *
   * @param name Node name.
   * @returns The jobs that failed.
   * @throws {Error} For an unknown node.
   */
  failNode(name: string): SimJob[] {
    const failed = this.#nodes.fail(name);
    for (const job of failed) {
      this.#runner.finish(job, "NODE_FAIL", { exitCode: 0, signal: 9, reason: "node-down" });
    }
    return failed;
  }

  /**
   * Brings a failed node back.
   *
   * @param name Node name.
   * @throws {Error} For an unknown node.
   */
  resumeNode(name: string): void {
    if (this.#nodes.resume(name)) this.#scheduler.requestPass();
  }

  /**
   * Preempts running jobs: they end as `PREEMPTED`.
   *
   * @param jobId A raw job id or an array id.
   * @returns The jobs that were preempted.
   */
  preempt(jobId: number): SimJob[] {
    const victims = this.#table.find(jobId).filter((job) => job.state === "RUNNING");
    for (const job of victims) this.#runner.kill(job, "PREEMPTED");
    return victims;
  }

  /**
   * Stops the engine: cancels every running job's events and kills its process (shell mode),
   * then waits for the processes to end. Used when the cluster closes.
   */
  shutdown(): Promise<void> {
    return this.#runner.shutdown();
  }
}
