/**
 * Submissions: a request's queue and array checked, its defaults filled in (one node, one task
 * of one core, memory per core, no GPU, the queue's walltime), its limits applied, and its job or
 * array tasks numbered, recorded and queued behind their holds and dependencies.
 *
 * @module
 */

import type { Dependencies } from "./_dependencies.ts";
import { type ArrayGroup, JobRecord } from "./_job_record.ts";
import type { JobTable } from "./_job_table.ts";
import { applyLimitPolicy, type Blocker, type LimitPolicies, neverFits } from "./_limits.ts";
import type { NodePool } from "./_nodes.ts";
import type { Scheduler } from "./_scheduling.ts";
import type { SimJob, SimQueueSpec, SimSubmitRequest } from "../types.ts";
import { SimSubmitRejection } from "../emulator.ts";
import type { SimTimeline } from "./virtual_clock.ts";

/** How many request shapes {@linkcode Submissions} remembers the fit of (then it recomputes). */
const MAX_REMEMBERED_SHAPES = 10_000;

/** What the engine fills in where a request says nothing. */
export interface RequestDefaults {
  /** Submit host. */
  readonly loginHost: string;
  /** Memory per core, MB. */
  readonly memoryMBPerCpu: number;
}

/** What {@linkcode Submissions} works with. */
export interface SubmissionsOptions {
  readonly clock: SimTimeline;
  readonly queues: readonly SimQueueSpec[];
  /** Where requests without a queue go. */
  readonly defaultQueue: string;
  readonly defaults: RequestDefaults;
  readonly limits: LimitPolicies;
  readonly table: JobTable;
  readonly nodes: NodePool;
  readonly scheduler: Scheduler;
  readonly dependencies: Dependencies;
}

/** What a submission created: the id the tool prints and the jobs (one per array task). */
export interface Submitted {
  jobId: number;
  jobs: SimJob[];
}

/** Turns requests into queued jobs. */
export class Submissions {
  readonly #parts: SubmissionsOptions;
  /** Queue and shape of a request → what {@linkcode neverFits} found for it. */
  readonly #fits = new Map<string, Blocker | undefined>();

  /**
   * Creates the submission desk of one engine.
   *
   * @param options The engine's parts, defaults and limit policies.
   */
  constructor(options: SubmissionsOptions) {
    this.#parts = options;
  }

  /**
   * Validates and queues a job or job array.
   *
   * @throws {SimSubmitRejection} When the request cannot be accepted.
   */
  submit(request: SimSubmitRequest): Submitted {
    const { queues, defaultQueue, defaults } = this.#parts;
    const queueName = request.queue ?? defaultQueue;
    const queue = queues.find((q) => q.name === queueName);
    if (queue === undefined) throw new SimSubmitRejection("invalid-queue", queueName);
    checkArray(request.array);
    const filled = fillDefaults(request, queue, defaults);
    const blocker = this.#neverFits(filled, queue);
    return request.array === undefined
      ? this.#submitJob(filled, queue.name, blocker)
      : this.#submitArray(filled, queue.name, request.array, blocker);
  }

  /**
   * {@linkcode neverFits}, remembered per queue and shape: it looks at every node of the queue,
   * and a sweep submits the same shape thousands of times (nodes and policies never change).
   */
  #neverFits(filled: SimSubmitRequest, queue: SimQueueSpec): Blocker | undefined {
    const key = `${queue.name}\0${filled.nodes}\0${filled.tasksPerNode}\0${filled.cpusPerTask}\0` +
      `${filled.memoryMB}\0${filled.gpus}\0${filled.timeLimitSeconds}`;
    if (this.#fits.has(key)) return this.#fits.get(key);
    const { nodes, limits } = this.#parts;
    const blocker = neverFits(filled, queue, nodes.nodesOf(queue.name), limits);
    if (this.#fits.size < MAX_REMEMBERED_SHAPES) this.#fits.set(key, blocker);
    return blocker;
  }

  #submitJob(filled: SimSubmitRequest, queue: string, blocker: Blocker | undefined): Submitted {
    const { table, scheduler, clock } = this.#parts;
    const id = table.takeId();
    const job = new JobRecord(scheduler, id, table.takeSeq(), filled, queue, clock.now());
    job.submitSeq = table.countSubmission();
    if (blocker !== undefined) applyLimitPolicy(job, blocker, table);
    table.add(job);
    this.#enqueue(job);
    return { jobId: id, jobs: [job] };
  }

  #submitArray(
    filled: SimSubmitRequest,
    queue: string,
    array: NonNullable<SimSubmitRequest["array"]>,
    blocker: Blocker | undefined,
  ): Submitted {
    if (blocker !== undefined && blocker.policy !== "pend") {
      throw new SimSubmitRejection(blocker.code, blocker.detail);
    }
    const { table, scheduler, clock } = this.#parts;
    const now = clock.now();
    const arrayId = table.takeId();
    const submission = table.countSubmission();
    const group: ArrayGroup = {
      id: arrayId,
      maxConcurrent: array.maxConcurrent,
      running: 0,
      tasks: [],
      parked: [],
      pending: array.indices.length,
    };
    table.addArray(group);
    for (const index of array.indices) {
      // Pending tasks share the array's id; in `split` mode each gets its own when it starts.
      const job = new JobRecord(scheduler, arrayId, table.takeSeq(), filled, queue, now);
      job.submitSeq = submission;
      job.arrayJobId = arrayId;
      job.arrayTaskId = index;
      job.group = group;
      if (blocker !== undefined) job.blocker = blocker.reason;
      group.tasks.push(job);
      table.add(job);
    }
    for (const job of group.tasks) this.#enqueue(job);
    return { jobId: arrayId, jobs: [...group.tasks] };
  }

  /** Queues a new job: its hold, its dependencies, the eligible queue, a scheduling pass. */
  #enqueue(job: JobRecord): void {
    const { scheduler, dependencies } = this.#parts;
    if (job.request.hold) job.held = "user";
    dependencies.register(job);
    if (job.eligible) scheduler.push(job);
    scheduler.requestPass();
  }
}

/**
 * Checks a request's array: at least one index, every index a non-negative integer, a `%` limit
 * (if any) a positive integer.
 *
 * @param array The request's array, if any.
 * @throws {SimSubmitRejection} `invalid-array` when it is malformed.
 */
export function checkArray(array: SimSubmitRequest["array"]): void {
  if (array === undefined) return;
  const bad = array.indices.find((i) => !Number.isInteger(i) || i < 0);
  if (array.indices.length === 0 || bad !== undefined) {
    throw new SimSubmitRejection("invalid-array", array.indices.join(","));
  }
  const limit = array.maxConcurrent;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new SimSubmitRejection("invalid-array", `%${limit}`);
  }
}

/**
 * The request with every default filled in.
 *
 * @param request As submitted.
 * @param queue The queue it goes to.
 * @param defaults The cluster's defaults.
 * @returns A new request; `timeLimitSeconds` is the request's, the queue's default or maximum, or
 * absent (unlimited).
 */
export function fillDefaults(
  request: SimSubmitRequest,
  queue: SimQueueSpec,
  defaults: RequestDefaults,
): SimSubmitRequest {
  const tasksPerNode = request.tasksPerNode ?? 1;
  const cpusPerTask = request.cpusPerTask ?? 1;
  const filled: SimSubmitRequest = {
    ...request,
    queue: queue.name,
    submitHost: request.submitHost ?? defaults.loginHost,
    nodes: request.nodes ?? 1,
    tasksPerNode,
    cpusPerTask,
    memoryMB: request.memoryMB ?? defaults.memoryMBPerCpu * tasksPerNode * cpusPerTask,
    gpus: request.gpus ?? 0,
  };
  const time = request.timeLimitSeconds ?? queue.defaultTimeSeconds ?? queue.maxTimeSeconds;
  if (time === undefined) delete filled.timeLimitSeconds;
  else filled.timeLimitSeconds = time;
  return filled;
}
