/**
 * The simulator's job-queue engine: nodes and queues, priority/FIFO scheduling with simple
 * backfill, walltime enforcement, cancel/hold/release, dependencies, job arrays, exit codes and
 * accounting, all driven by events on a {@linkcode SimTimeline}. Scheduler-neutral: the
 * command-line emulators translate each tool's words to and from it.
 *
 * @module
 */

import { MinHeap } from "./_heap.ts";
import { type RunningProcess, startJobProcess } from "./_shell_run.ts";
import type { SimFileSystem } from "./filesystem.ts";
import {
  type SchedulerKind,
  type SimDependency,
  type SimEngineApi,
  type SimJob,
  type SimJobState,
  type SimLimitPolicy,
  type SimNodeSpec,
  type SimQueueSpec,
  type SimReason,
  type SimStateKey,
  SimSubmitRejection,
  type SimSubmitRequest,
} from "../types.ts";
import { type SimTimeline, type SimTimer, VirtualClock } from "./virtual_clock.ts";

/**
 * What a job does in `model` execution: how long it runs and how it exits.
 *
 * @example Usage
 * ```ts
 * import type { SimJobModel } from "@clusterjob/clusterjob/sim";
 * const model: SimJobModel = (job) => ({ runtimeSeconds: 60, exitCode: job.request.name === "bad" ? 1 : 0 });
 * console.assert(typeof model === "function");
 * ```
 */
export type SimJobModel = (job: SimJob) => { runtimeSeconds: number; exitCode: number };

/**
 * Options of {@linkcode SimEngine}.
 *
 * @example Usage
 * ```ts
 * import type { SimEngineOptions } from "@clusterjob/clusterjob/sim";
 * const options: SimEngineOptions = { kind: "slurm", nodes: [{ name: "vm", cpus: 2, memoryMB: 24105 }] };
 * console.assert(options.kind === "slurm");
 * ```
 */
export interface SimEngineOptions {
  /** The scheduler emulated (decides nothing in the engine but is reported to emulators). */
  kind: SchedulerKind;
  /** Clock and event loop; default a new {@linkcode VirtualClock}. */
  clock?: SimTimeline;
  /** Login host name (default `login1`). */
  loginHost?: string;
  /** Compute nodes (default two nodes `node1`, `node2` with 4 cores and 16000 MB). */
  nodes?: SimNodeSpec[];
  /** Queues (default one queue `batch` over all nodes, the default). */
  queues?: SimQueueSpec[];
  /** `model` (default): runtime and exit code from {@linkcode SimEngineOptions.model}; `shell`: run each script with bash. */
  execution?: "shell" | "model";
  /** Runtime and exit code of each job in `model` mode (default: 1 s, exit 0). */
  model?: SimJobModel;
  /** File system for `shell` mode (required there) and {@linkcode SimEngine.readFile}. */
  fs?: SimFileSystem;
  /** First job id (default 1). */
  firstJobId?: number;
  /** `split`: each array task gets its own raw id, the last keeps the array's (SLURM); `shared`: tasks share the array's id (default). */
  arrayTaskIds?: "split" | "shared";
  /** Memory per core when a request gives none (default 256 MB, SLURM's DefMemPerCPU of the recorded cluster). */
  defaultMemoryMBPerCpu?: number;
  /** Signal number recorded for jobs killed at their walltime or cancelled while running (default 15). */
  killSignal?: number;
  /** What to do with requests no node or queue can ever satisfy (default all `"reject"`). */
  limits?: Partial<Record<"cpus" | "memory" | "nodes" | "time" | "gpus", SimLimitPolicy>>;
  /** How many jobs behind a blocked one the backfill pass looks at (default 100). */
  backfillDepth?: number;
  /** Least time between two backfill passes, ms (default 30 s, SLURM's bf_interval). */
  backfillIntervalMs?: number;
  /** Delay between a change and the scheduling pass it triggers, ms (default 0: next advance of the clock). */
  schedulerDelayMs?: number;
  /** How long a finished job takes to reach accounting, ms (default 0). */
  accountingLagMs?: number;
}

/** Fixed-order key of a job in the eligible queue. */
interface Allocation {
  node: number;
  cpus: number;
  memoryMB: number;
  gpus: number;
}

interface NodeState {
  spec: SimNodeSpec;
  freeCpus: number;
  freeMemoryMB: number;
  freeGpus: number;
  down: boolean;
}

interface ArrayGroup {
  id: number;
  maxConcurrent: number | undefined;
  running: number;
  tasks: JobRecord[];
  /** Tasks held back by the `%` limit, in queue order; released one per finished task. */
  parked: JobRecord[];
  /** Tasks that have neither started nor ended. */
  pending: number;
}

type DependencyState = "none" | "waiting" | "satisfied" | "never";

/** A job in the engine: the public {@linkcode SimJob} fields plus the engine's bookkeeping. */
class JobRecord implements SimJob {
  id: number;
  arrayJobId?: number;
  arrayTaskId?: number;
  request: SimSubmitRequest;
  state: SimJobState = "PENDING";
  held?: "user" | "admin";
  queue: string;
  timeLimitSeconds?: number;
  submitTime: number;
  startTime?: number;
  endTime?: number;
  exitCode?: number;
  signal?: number;
  nodeList: string[] = [];
  submitSeq?: number;
  cancelledBy?: number;
  terminating?: boolean;
  stdoutPath?: string;
  stderrPath?: string | null;

  // Engine bookkeeping (not part of SimJob).
  readonly seq: number;
  readonly priority: number;
  readonly engine: SimEngine;
  storedReason: SimReason = "none";
  /** Scheduling passes completed when the job last became eligible. */
  eligibleSincePass: number;
  dependencyState: DependencyState = "none";
  /** A reason that keeps the job pending forever (`PartitionConfig`, ...). */
  blocker?: SimReason;
  inQueue = false;
  /** Held back by its array's `%` limit (kept off the eligible queue). */
  parked = false;
  allocation?: Allocation[];
  timers: SimTimer[] = [];
  process?: RunningProcess;
  group?: ArrayGroup;
  /** Where the job stands in the engine's accounting (set once finished). */
  accountedAt?: number;

  constructor(
    engine: SimEngine,
    id: number,
    seq: number,
    request: SimSubmitRequest,
    queue: string,
    now: number,
  ) {
    this.engine = engine;
    this.id = id;
    this.seq = seq;
    this.request = request;
    this.queue = queue;
    this.submitTime = now;
    this.priority = request.priority ?? 0;
    this.eligibleSincePass = engine.passes;
    if (request.timeLimitSeconds !== undefined) this.timeLimitSeconds = request.timeLimitSeconds;
  }

  /** Why the job waits (pending) or how it ended, in SLURM's words. */
  get reason(): SimReason {
    if (this.state !== "PENDING") return this.storedReason;
    if (this.held === "user") return "held-user";
    if (this.held === "admin") return "held-admin";
    if (this.dependencyState === "waiting") return "dependency";
    if (this.dependencyState === "never") return "dependency-never-satisfied";
    if (this.blocker !== undefined) return this.blocker;
    // Jobs the last pass did not get to wait behind higher-priority ones, as in SLURM.
    if (this.storedReason === "none" && this.engine.passes > this.eligibleSincePass) {
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

const DEFAULT_NODES: SimNodeSpec[] = [
  { name: "node1", cpus: 4, memoryMB: 16000 },
  { name: "node2", cpus: 4, memoryMB: 16000 },
];

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
 * console.assert(isFinishedState("TIMEOUT") && !isFinishedState("RUNNING"));
 * ```
 */
export function isFinishedState(state: SimJobState): boolean {
  return FINISHED.has(state);
}

/**
 * The job-queue engine of a simulated cluster. Emulators call {@linkcode SimEngine.submit} and
 * friends; time moves on its {@linkcode SimTimeline}. Every operation is O(log n) in the number
 * of queued jobs, so tens of thousands of jobs simulate in a second.
 *
 * @example Two jobs on one core run one after the other
 * ```ts
 * import { SimEngine, VirtualClock } from "@clusterjob/clusterjob/sim";
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
 * console.assert(a.state === "COMPLETED" && b.startTime === a.endTime);
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
  /** How long a finished job takes to reach accounting, ms. */
  accountingLagMs: number;
  /** Completed scheduling passes (a pending job evaluated by none shows reason `None`). */
  passes = 0;

  readonly #fs: SimFileSystem | undefined;
  readonly #execution: "shell" | "model";
  readonly #model: SimJobModel;
  readonly #arrayTaskIds: "split" | "shared";
  readonly #memoryPerCpu: number;
  readonly #killSignal: number;
  readonly #limits: NonNullable<SimEngineOptions["limits"]>;
  readonly #backfillDepth: number;
  readonly #schedulerDelayMs: number;
  readonly #nodeStates: NodeState[];
  readonly #queueNodes = new Map<string, number[]>();
  readonly #defaultQueue: string;
  #nextId: number;
  #seq = 0;
  readonly #states = new Map<SimStateKey<unknown>, unknown>();
  #submissions = 0;
  #freeCpus = 0;
  #passScheduled = false;
  #backfillScheduled = false;
  #lastBackfill = -Infinity;
  readonly #backfillIntervalMs: number;
  readonly #jobs: JobRecord[] = [];
  readonly #byId = new Map<number, JobRecord>();
  readonly #arrays = new Map<number, ArrayGroup>();
  readonly #running = new Set<JobRecord>();
  readonly #finished: JobRecord[] = [];
  readonly #dependents = new Map<JobRecord, Set<JobRecord>>();
  readonly #eligible = new MinHeap<JobRecord>((a, b) =>
    a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq)
  );
  readonly #listeners = new Set<(job: SimJob) => void>();

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
    this.#model = options.model ?? (() => ({ runtimeSeconds: 1, exitCode: 0 }));
    this.#arrayTaskIds = options.arrayTaskIds ?? "shared";
    this.#memoryPerCpu = options.defaultMemoryMBPerCpu ?? 256;
    this.#killSignal = options.killSignal ?? 15;
    this.#limits = options.limits ?? {};
    this.#backfillDepth = options.backfillDepth ?? 100;
    this.#backfillIntervalMs = options.backfillIntervalMs ?? 30_000;
    this.#schedulerDelayMs = options.schedulerDelayMs ?? 0;
    this.accountingLagMs = options.accountingLagMs ?? 0;
    this.#nextId = options.firstJobId ?? 1;
    this.#nodeStates = this.nodes.map((spec) => ({
      spec,
      freeCpus: spec.cpus,
      freeMemoryMB: spec.memoryMB,
      freeGpus: spec.gpus ?? 0,
      down: false,
    }));
    this.#freeCpus = this.nodes.reduce((sum, node) => sum + node.cpus, 0);
    const nodeIndex = new Map(this.nodes.map((node, i) => [node.name, i]));
    for (const queue of this.queues) {
      const indices = (queue.nodes ?? this.nodes.map((n) => n.name)).map((name) => {
        const index = nodeIndex.get(name);
        if (index === undefined) {
          throw new Error(`Queue "${queue.name}" lists unknown node "${name}"`);
        }
        return index;
      });
      this.#queueNodes.set(queue.name, indices);
    }
    const defaults = this.queues.filter((q) => q.default);
    const fallback = defaults[0] ?? this.queues[0];
    if (fallback === undefined) throw new Error("Cannot build a cluster without queues");
    this.#defaultQueue = fallback.name;
  }

  /** The name of the queue jobs without one go to. */
  get defaultQueue(): string {
    return this.#defaultQueue;
  }

  /** How jobs run: `model` or `shell`. */
  get execution(): "shell" | "model" {
    return this.#execution;
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
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Validates and queues a job or job array.
   *
   * @param request The parsed submission.
   * @returns The id the tool prints and the created jobs (one per array task).
   * @throws {SimSubmitRejection} When the request cannot be accepted.
   */
  submit(request: SimSubmitRequest): { jobId: number; jobs: SimJob[] } {
    const queueName = request.queue ?? this.#defaultQueue;
    const queue = this.queues.find((q) => q.name === queueName);
    if (queue === undefined) throw new SimSubmitRejection("invalid-queue", queueName);
    const array = request.array;
    if (array !== undefined) {
      const bad = array.indices.find((i) => !Number.isInteger(i) || i < 0);
      if (array.indices.length === 0 || bad !== undefined) {
        throw new SimSubmitRejection("invalid-array", array.indices.join(","));
      }
      if (
        array.maxConcurrent !== undefined &&
        (!Number.isInteger(array.maxConcurrent) || array.maxConcurrent < 1)
      ) {
        throw new SimSubmitRejection("invalid-array", `%${array.maxConcurrent}`);
      }
    }
    const filled = this.#fillDefaults(request, queue);
    const blocker = this.#neverFits(filled, queue);

    const now = this.now();
    if (array === undefined) {
      const id = this.#nextId++;
      const job = new JobRecord(this, id, this.#seq++, filled, queue.name, now);
      job.submitSeq = ++this.#submissions;
      if (blocker !== undefined) this.#applyBlocker(job, blocker);
      this.#add(job);
      this.#enqueueNew(job);
      return { jobId: id, jobs: [job] };
    }
    if (blocker !== undefined && blocker.policy !== "pend") {
      throw new SimSubmitRejection(blocker.code, blocker.detail);
    }
    const arrayId = this.#nextId++;
    const submission = ++this.#submissions;
    const group: ArrayGroup = {
      id: arrayId,
      maxConcurrent: array.maxConcurrent,
      running: 0,
      tasks: [],
      parked: [],
      pending: array.indices.length,
    };
    this.#arrays.set(arrayId, group);
    for (const index of array.indices) {
      // Pending tasks share the array's id; in `split` mode each gets its own when it starts.
      const job = new JobRecord(this, arrayId, this.#seq++, filled, queue.name, now);
      job.submitSeq = submission;
      job.arrayJobId = arrayId;
      job.arrayTaskId = index;
      job.group = group;
      if (blocker !== undefined) job.blocker = blocker.reason;
      group.tasks.push(job);
      this.#add(job);
    }
    for (const job of group.tasks) this.#enqueueNew(job);
    return { jobId: arrayId, jobs: [...group.tasks] };
  }

  /**
   * Cancels a job, every task of an array (by the array's id), or one task.
   *
   * @param jobId A raw job id or an array id.
   * @param options `taskId`: only that task; `uid`: who cancels (recorded as `cancelledBy`).
   * @returns The jobs that changed.
   */
  cancel(
    jobId: number,
    options: { taskId?: number; uid?: number; graceMs?: number } = {},
  ): SimJob[] {
    let targets = this.#findRecords(jobId);
    if (options.taskId !== undefined) {
      targets = targets.filter((job) => job.arrayTaskId === options.taskId);
    }
    const changed: SimJob[] = [];
    for (const job of targets) {
      if (isFinishedState(job.state)) continue;
      if (options.uid !== undefined) job.cancelledBy = options.uid;
      if (job.state === "RUNNING" && (options.graceMs ?? 0) > 0) {
        if (job.terminating) continue;
        job.terminating = true;
        job.timers.push(this.clock.schedule(this.now() + options.graceMs!, () => {
          this.#finish(job, "CANCELLED", { exitCode: 0, signal: this.#killSignal, reason: "none" });
        }));
      } else if (job.state === "RUNNING") {
        this.#finish(job, "CANCELLED", { exitCode: 0, signal: this.#killSignal, reason: "none" });
      } else {
        this.#finish(job, "CANCELLED", { reason: job.reason });
      }
      changed.push(job);
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
    for (const job of this.#findRecords(jobId)) {
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
    for (const job of this.#findRecords(jobId)) {
      if (job.state !== "PENDING" || job.held === undefined) continue;
      delete job.held;
      this.#becameEligible(job);
      changed.push(job);
    }
    return changed;
  }

  /** Every job ever submitted (array tasks individually), in submission order. */
  jobs(): readonly SimJob[] {
    return this.#jobs;
  }

  /**
   * The job with that raw id, or all tasks of the array with that id.
   *
   * @param jobId A raw job id or an array id.
   * @returns The jobs (empty when unknown).
   */
  find(jobId: number): SimJob[] {
    return this.#findRecords(jobId);
  }

  /** Finished jobs that accounting knows by now (honours {@linkcode SimEngine.accountingLagMs}). */
  accounting(): readonly SimJob[] {
    if (this.accountingLagMs <= 0) return this.#finished;
    const horizon = this.now() - this.accountingLagMs;
    return this.#finished.filter((job) => (job.endTime ?? Infinity) <= horizon);
  }

  /**
   * Whether accounting knows a finished job by now.
   *
   * @param job A job of this engine.
   * @returns True once the job's end is older than the accounting lag.
   */
  isAccounted(job: SimJob): boolean {
    return job.endTime !== undefined && job.endTime + this.accountingLagMs <= this.now();
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
    return this.#nextId++;
  }

  /**
   * Takes a node down: its running jobs end as `NODE_FAIL` and nothing starts there until
   * {@linkcode SimEngine.resumeNode}.
   *
   * @param name Node name.
   * @returns The jobs that failed.
   */
  failNode(name: string): SimJob[] {
    const index = this.nodes.findIndex((node) => node.name === name);
    const node = this.#nodeStates[index];
    if (node === undefined) throw new Error(`Cannot fail unknown node "${name}"`);
    if (!node.down) {
      node.down = true;
      this.#freeCpus -= node.freeCpus;
    }
    const failed = [...this.#running].filter((job) =>
      job.allocation?.some((a) => a.node === index)
    );
    for (const job of failed) {
      this.#finish(job, "NODE_FAIL", { exitCode: 0, signal: 9, reason: "node-down" });
    }
    return failed;
  }

  /**
   * Brings a failed node back.
   *
   * @param name Node name.
   */
  resumeNode(name: string): void {
    const node = this.#nodeStates.find((n) => n.spec.name === name);
    if (node === undefined) throw new Error(`Cannot resume unknown node "${name}"`);
    if (!node.down) return;
    node.down = false;
    this.#freeCpus += node.freeCpus;
    this.#requestPass();
  }

  /**
   * Preempts running jobs: they end as `PREEMPTED`.
   *
   * @param jobId A raw job id or an array id.
   * @returns The jobs that were preempted.
   */
  preempt(jobId: number): SimJob[] {
    const victims = this.#findRecords(jobId).filter((job) => job.state === "RUNNING");
    for (const job of victims) {
      this.#finish(job, "PREEMPTED", { exitCode: 0, signal: this.#killSignal, reason: "none" });
    }
    return victims;
  }

  /**
   * Stops the engine: cancels every running job's events and kills its process (shell mode),
   * then waits for the processes to end. Used when the cluster closes.
   */
  async shutdown(): Promise<void> {
    const processes: Promise<unknown>[] = [];
    for (const job of this.#running) {
      for (const timer of job.timers) timer.cancel();
      job.timers = [];
      if (job.process !== undefined) {
        job.process.kill();
        processes.push(job.process.done);
      }
    }
    await Promise.all(processes);
  }

  // ---------------------------------------------------------------------------------------
  // Submission helpers

  #fillDefaults(request: SimSubmitRequest, queue: SimQueueSpec): SimSubmitRequest {
    const nodes = request.nodes ?? 1;
    const tasksPerNode = request.tasksPerNode ?? 1;
    const cpusPerTask = request.cpusPerTask ?? 1;
    const filled: SimSubmitRequest = {
      ...request,
      queue: queue.name,
      submitHost: request.submitHost ?? this.loginHost,
      nodes,
      tasksPerNode,
      cpusPerTask,
      memoryMB: request.memoryMB ?? this.#memoryPerCpu * tasksPerNode * cpusPerTask,
      gpus: request.gpus ?? 0,
    };
    const time = request.timeLimitSeconds ?? queue.defaultTimeSeconds ?? queue.maxTimeSeconds;
    if (time === undefined) delete filled.timeLimitSeconds;
    else filled.timeLimitSeconds = time;
    return filled;
  }

  /** Why a request can never run here, if so, with the policy that applies. */
  #neverFits(
    request: SimSubmitRequest,
    queue: SimQueueSpec,
  ):
    | {
      reason: SimReason;
      policy: SimLimitPolicy;
      code: SimSubmitRejection["code"];
      detail: string;
    }
    | undefined {
    const nodes = (this.#queueNodes.get(queue.name) ?? []).map((i) => this.nodes[i]!);
    const cpus = request.tasksPerNode! * request.cpusPerTask!;
    const wanted = request.nodes!;
    const check = (
      kind: "cpus" | "memory" | "nodes" | "time" | "gpus",
      reason: SimReason,
      code: SimSubmitRejection["code"],
      detail: string,
    ) => ({ reason, policy: this.#limits[kind] ?? "reject", code, detail });
    if (
      request.timeLimitSeconds !== undefined && queue.maxTimeSeconds !== undefined &&
      request.timeLimitSeconds > queue.maxTimeSeconds
    ) {
      return check("time", "over-time-limit", "time-limit", String(request.timeLimitSeconds));
    }
    if (wanted > nodes.length) {
      return check("nodes", "over-node-limit", "too-many-nodes", String(wanted));
    }
    const byMemory = nodes.filter((n) => n.memoryMB >= request.memoryMB!).length;
    if (byMemory < wanted) {
      return check("memory", "over-memory", "too-much-memory", `${request.memoryMB}M`);
    }
    const byCpus = nodes.filter((n) => n.cpus >= cpus).length;
    if (byCpus < wanted) return check("cpus", "over-queue-limit", "too-many-cpus", String(cpus));
    const byGpus = nodes.filter((n) => (n.gpus ?? 0) >= request.gpus!).length;
    if (byGpus < wanted) {
      return check("gpus", "over-queue-limit", "too-many-gpus", String(request.gpus));
    }
    const all =
      nodes.filter((n) =>
        n.memoryMB >= request.memoryMB! && n.cpus >= cpus && (n.gpus ?? 0) >= request.gpus!
      ).length;
    if (all < wanted) return check("cpus", "over-queue-limit", "too-many-cpus", String(cpus));
    return undefined;
  }

  #applyBlocker(
    job: JobRecord,
    blocker: {
      reason: SimReason;
      policy: SimLimitPolicy;
      code: SimSubmitRejection["code"];
      detail: string;
    },
  ): void {
    if (blocker.policy === "reject") {
      this.#nextId--;
      this.#submissions--;
      throw new SimSubmitRejection(blocker.code, blocker.detail);
    }
    if (blocker.policy === "reject-recorded") {
      job.state = "FAILED";
      job.storedReason = blocker.reason;
      job.endTime = job.submitTime;
      job.exitCode = 1;
      this.#add(job);
      throw new SimSubmitRejection(blocker.code, blocker.detail, job.id);
    }
    job.blocker = blocker.reason;
  }

  #add(job: JobRecord): void {
    this.#jobs.push(job);
    if (job.arrayJobId === undefined) this.#byId.set(job.id, job);
  }

  #findRecords(jobId: number): JobRecord[] {
    const group = this.#arrays.get(jobId);
    if (group !== undefined) return [...group.tasks];
    const job = this.#byId.get(jobId);
    return job === undefined ? [] : [job];
  }

  #enqueueNew(job: JobRecord): void {
    if (job.request.hold) job.held = "user";
    const dependencies = job.request.dependencies ?? [];
    if (dependencies.length > 0) {
      for (const target of this.#dependencyTargets(dependencies)) {
        let set = this.#dependents.get(target);
        if (set === undefined) this.#dependents.set(target, set = new Set());
        set.add(job);
      }
      job.dependencyState = this.#evaluateDependencies(job);
    }
    if (job.eligible) this.#pushEligible(job);
    this.#requestPass();
  }

  // ---------------------------------------------------------------------------------------
  // Dependencies

  #dependencyTargets(dependencies: readonly SimDependency[]): JobRecord[] {
    return dependencies.flatMap((dep) => dep.jobIds.flatMap((id) => this.#findRecords(id)));
  }

  #evaluateDependencies(job: JobRecord): DependencyState {
    let waiting = false;
    for (const dep of job.request.dependencies ?? []) {
      // Unknown ids count as satisfied: SLURM runs `afterok:999999`, SGE accepts `-hold_jid 999999`.
      const targets = dep.jobIds.flatMap((id) => this.#findRecords(id));
      for (const target of targets) {
        const done = isFinishedState(target.state);
        switch (dep.type) {
          case "after":
            if (target.state === "PENDING") waiting = true;
            break;
          case "afterany":
            if (!done) waiting = true;
            break;
          case "afterok":
            if (done && target.state !== "COMPLETED") return "never";
            if (!done) waiting = true;
            break;
          case "afternotok":
            if (target.state === "COMPLETED") return "never";
            if (!done) waiting = true;
            break;
        }
      }
    }
    return waiting ? "waiting" : "satisfied";
  }

  #notifyDependents(target: JobRecord): void {
    const dependents = this.#dependents.get(target);
    if (dependents === undefined) return;
    for (const job of dependents) {
      if (job.state !== "PENDING" || job.dependencyState !== "waiting") continue;
      const state = this.#evaluateDependencies(job);
      if (state === "waiting") continue;
      job.dependencyState = state;
      if (state === "satisfied") this.#becameEligible(job);
    }
    if (isFinishedState(target.state)) this.#dependents.delete(target);
  }

  // ---------------------------------------------------------------------------------------
  // Scheduling

  #becameEligible(job: JobRecord): void {
    if (!job.eligible) return;
    job.storedReason = "none";
    job.eligibleSincePass = this.passes;
    this.#pushEligible(job);
    this.#requestPass();
  }

  #pushEligible(job: JobRecord): void {
    if (job.inQueue) return;
    job.inQueue = true;
    this.#eligible.push(job);
  }

  #requestPass(): void {
    if (this.#passScheduled) return;
    this.#passScheduled = true;
    this.clock.schedule(this.now() + this.#schedulerDelayMs, () => this.#pass(false));
  }

  /**
   * Schedules a backfill pass, at most one per interval (SLURM's bf_interval): the main pass,
   * run on every change, stops at the first job that does not fit.
   */
  #requestBackfill(): void {
    if (this.#backfillScheduled) return;
    this.#backfillScheduled = true;
    const at = Math.max(this.now(), this.#lastBackfill + this.#backfillIntervalMs);
    this.clock.schedule(at, () => {
      this.#backfillScheduled = false;
      this.#lastBackfill = this.now();
      this.#pass(true);
    });
  }

  /**
   * One scheduling pass: start jobs in priority order while they fit. The main pass stops once
   * every queue has a blocked job; the backfill pass goes on behind them, starting jobs whose
   * time limit ends before the blocked job could start.
   */
  #pass(backfill: boolean): void {
    if (!backfill) this.#passScheduled = false;
    this.passes++;
    const blocked = new Map<string, number>();
    const deferred: JobRecord[] = [];
    let examinedBehindBlock = 0;
    while (this.#eligible.size > 0) {
      if (this.#freeCpus <= 0) {
        this.#markTopAsWaitingForResources(blocked);
        break;
      }
      const job = this.#eligible.pop()!;
      job.inQueue = false;
      if (!job.eligible) continue;
      const group = job.group;
      if (
        group !== undefined && group.maxConcurrent !== undefined &&
        group.running >= group.maxConcurrent
      ) {
        job.storedReason = "array-task-limit";
        if (!job.parked) {
          job.parked = true;
          group.parked.push(job);
        }
        continue;
      }
      const shadow = blocked.get(job.queue);
      const backfills = shadow === undefined ||
        (job.timeLimitSeconds !== undefined && this.now() + job.timeLimitSeconds * 1000 <= shadow);
      const allocation = backfills ? this.#allocate(job) : undefined;
      if (allocation !== undefined) {
        this.#start(job, allocation);
        continue;
      }
      deferred.push(job);
      if (shadow === undefined) {
        job.storedReason = "resources";
        blocked.set(job.queue, backfill ? this.#shadowTime(job) : -Infinity);
      } else {
        job.storedReason = "priority";
      }
      if (!backfill && blocked.size === this.queues.length) break;
      if (++examinedBehindBlock > this.#backfillDepth) break;
    }
    for (const job of deferred) this.#pushEligible(job);
    if (!backfill && blocked.size > 0 && this.#freeCpus > 0) this.#requestBackfill();
  }

  #markTopAsWaitingForResources(blocked: Map<string, number>): void {
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

  #need(job: JobRecord): { cpus: number; memoryMB: number; gpus: number; nodes: number } {
    const r = job.request;
    return {
      cpus: r.tasksPerNode! * r.cpusPerTask!,
      memoryMB: r.memoryMB!,
      gpus: r.gpus!,
      nodes: r.nodes!,
    };
  }

  #allocate(job: JobRecord): Allocation[] | undefined {
    const need = this.#need(job);
    const chosen: Allocation[] = [];
    for (const index of this.#queueNodes.get(job.queue) ?? []) {
      const node = this.#nodeStates[index]!;
      if (
        !node.down && node.freeCpus >= need.cpus && node.freeMemoryMB >= need.memoryMB &&
        node.freeGpus >= need.gpus
      ) {
        chosen.push({ node: index, cpus: need.cpus, memoryMB: need.memoryMB, gpus: need.gpus });
        if (chosen.length === need.nodes) return chosen;
      }
    }
    return undefined;
  }

  /** Earliest time the blocked job could start, judging by running jobs' time limits. */
  #shadowTime(job: JobRecord): number {
    const need = this.#need(job);
    const free = this.#nodeStates.map((n) => ({
      cpus: n.freeCpus,
      memoryMB: n.freeMemoryMB,
      gpus: n.freeGpus,
      down: n.down,
    }));
    const ends = [...this.#running]
      .map((running) => ({
        running,
        end: running.timeLimitSeconds === undefined
          ? Infinity
          : running.startTime! + running.timeLimitSeconds * 1000,
      }))
      .filter((entry) => entry.end !== Infinity)
      .sort((a, b) => a.end - b.end);
    const indices = this.#queueNodes.get(job.queue) ?? [];
    const fits = () =>
      indices.filter((i) => {
        const n = free[i]!;
        return !n.down && n.cpus >= need.cpus && n.memoryMB >= need.memoryMB &&
          n.gpus >= need.gpus;
      }).length >= need.nodes;
    for (const { running, end } of ends) {
      for (const a of running.allocation ?? []) {
        const n = free[a.node]!;
        n.cpus += a.cpus;
        n.memoryMB += a.memoryMB;
        n.gpus += a.gpus;
      }
      if (fits()) return end;
    }
    return Infinity;
  }

  #start(job: JobRecord, allocation: Allocation[]): void {
    for (const a of allocation) {
      const node = this.#nodeStates[a.node]!;
      node.freeCpus -= a.cpus;
      node.freeMemoryMB -= a.memoryMB;
      node.freeGpus -= a.gpus;
      this.#freeCpus -= a.cpus;
    }
    const now = this.now();
    job.allocation = allocation;
    job.state = "RUNNING";
    job.storedReason = "none";
    job.startTime = now;
    job.nodeList = allocation.map((a) => this.nodes[a.node]!.name);
    const group = job.group;
    if (group !== undefined) {
      group.running++;
      group.pending--;
      if (this.#arrayTaskIds === "split") {
        // SLURM splits a starting task off the array record under a new id; the last one keeps it.
        if (group.pending > 0) job.id = this.#nextId++;
        this.#byId.set(job.id, job);
      }
    }
    this.#running.add(job);
    const paths = job.request.outputPaths?.(job);
    if (paths !== undefined) {
      job.stdoutPath = paths.stdout;
      job.stderrPath = paths.stderr;
    }
    // Files the scheduler creates at job start ($PBS_NODEFILE, $LSB_DJOB_HOSTFILE).
    // Only scripts that really run read them, so model mode skips the disk writes.
    if (this.#execution === "shell") {
      for (const [path, text] of Object.entries(job.request.jobFiles?.(job) ?? {})) {
        this.#fs?.writeText(path, text);
      }
    }
    this.#emit(job);
    this.#notifyDependents(job);
    const limitMs = job.timeLimitSeconds === undefined ? undefined : job.timeLimitSeconds * 1000;
    if (this.#execution === "model") {
      const { runtimeSeconds, exitCode } = this.#model(job);
      const runtimeMs = Math.max(0, runtimeSeconds * 1000);
      if (limitMs !== undefined && runtimeMs > limitMs) {
        job.timers.push(this.clock.schedule(now + limitMs, () => this.#timeout(job)));
      } else {
        job.timers.push(this.clock.schedule(now + runtimeMs, () => {
          this.#finish(job, exitCode === 0 ? "COMPLETED" : "FAILED", {
            exitCode,
            reason: exitCode === 0 ? "none" : "nonzero-exit",
          });
        }));
      }
      return;
    }
    this.#startProcess(job, limitMs);
  }

  #startProcess(job: JobRecord, limitMs: number | undefined): void {
    const release = this.clock.hold();
    const startedAt = performance.now();
    const process = startJobProcess(this.#fs!, job, limitMs);
    job.process = process;
    process.done.then((result) => {
      const elapsed = Math.round(performance.now() - startedAt);
      if (job.state === "RUNNING" && job.process === process) {
        const endAt = job.startTime! + (result.timedOut ? limitMs! : elapsed);
        job.timers.push(this.clock.schedule(endAt, () => {
          if (job.state !== "RUNNING") return;
          if (result.timedOut) return this.#timeout(job);
          const exitCode = result.code;
          this.#finish(job, exitCode === 0 ? "COMPLETED" : "FAILED", {
            exitCode,
            ...(result.signal !== undefined ? { signal: result.signal } : {}),
            reason: exitCode === 0 ? "none" : "nonzero-exit",
          });
        }));
      }
      release();
    });
  }

  #timeout(job: JobRecord): void {
    if (job.state !== "RUNNING") return;
    this.#finish(job, "TIMEOUT", { exitCode: 0, signal: this.#killSignal, reason: "walltime" });
  }

  #finish(
    job: JobRecord,
    state: SimJobState,
    end: { exitCode?: number; signal?: number; reason: SimReason },
  ): void {
    const wasRunning = job.state === "RUNNING";
    for (const timer of job.timers) timer.cancel();
    job.timers = [];
    if (wasRunning) {
      if (job.process !== undefined) {
        job.process.kill();
        this.#writeKillMessage(job, state);
      }
      for (const a of job.allocation ?? []) {
        const node = this.#nodeStates[a.node]!;
        node.freeCpus += a.cpus;
        node.freeMemoryMB += a.memoryMB;
        node.freeGpus += a.gpus;
        if (!node.down) this.#freeCpus += a.cpus;
      }
      this.#running.delete(job);
    }
    job.state = state;
    delete job.terminating;
    job.storedReason = end.reason;
    job.endTime = this.now();
    if (end.exitCode !== undefined) job.exitCode = end.exitCode;
    if (end.signal !== undefined) job.signal = end.signal;
    this.#finished.push(job);
    const group = job.group;
    if (group !== undefined && !wasRunning) {
      group.pending--;
      if (this.#arrayTaskIds === "split") this.#byId.set(job.id, job);
    }
    if (group !== undefined && wasRunning) {
      group.running--;
      // Let the next task held back by the `%` limit compete again.
      for (let next = group.parked.shift(); next !== undefined; next = group.parked.shift()) {
        next.parked = false;
        if (next.state !== "PENDING") continue;
        next.storedReason = "none";
        this.#pushEligible(next);
        break;
      }
    }
    this.#emit(job);
    this.#notifyDependents(job);
    if (wasRunning) this.#requestPass();
  }

  /** Appends the scheduler's kill notice to the job's error file, as slurmstepd does. */
  #writeKillMessage(job: JobRecord, state: SimJobState): void {
    if (state !== "TIMEOUT" && state !== "CANCELLED" && state !== "PREEMPTED") return;
    const path = job.stderrPath ?? job.stdoutPath;
    if (path === undefined || path === "/dev/null" || this.#fs === undefined) return;
    const savedState = job.state;
    job.state = state;
    job.endTime = this.now();
    const message = job.request.killMessage?.(job);
    job.state = savedState;
    if (message === undefined) return;
    try {
      Deno.writeTextFileSync(this.#fs.hostPath(path), message, { append: true });
    } catch { /* the job's directory is gone: nothing to tell */ }
  }

  #emit(job: JobRecord): void {
    for (const listener of this.#listeners) listener(job);
  }
}
