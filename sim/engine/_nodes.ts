/**
 * The compute nodes as the engine sees them: which nodes each queue has, what is free on each,
 * which jobs run where, where a job fits now ({@linkcode NodePool.allocate}) and when it could
 * fit at the earliest ({@linkcode NodePool.shadowTime}), and nodes going down and coming back.
 *
 * @module
 */

import type { Allocation, JobRecord } from "./_job_record.ts";
import type { SimNodeSpec, SimQueueSpec } from "../types.ts";

interface NodeState {
  spec: SimNodeSpec;
  freeCpus: number;
  freeMemoryMB: number;
  freeGpus: number;
  down: boolean;
}

/** The nodes of one engine, their free resources and the jobs running on them. */
export class NodePool {
  /** The jobs holding an allocation, in start order. */
  readonly running: Set<JobRecord> = new Set();
  readonly #states: NodeState[];
  /** Queue name → indices of its nodes. */
  readonly #queueNodes = new Map<string, number[]>();
  /** Queue name → its nodes. */
  readonly #queueSpecs = new Map<string, SimNodeSpec[]>();
  /** Free cores on nodes that are up. */
  #freeCpus: number;

  /**
   * Creates the pool.
   *
   * @param nodes The engine's nodes.
   * @param queues The engine's queues.
   * @throws {Error} When a queue lists an unknown node.
   */
  constructor(nodes: readonly SimNodeSpec[], queues: readonly SimQueueSpec[]) {
    this.#states = nodes.map((spec) => ({
      spec,
      freeCpus: spec.cpus,
      freeMemoryMB: spec.memoryMB,
      freeGpus: spec.gpus ?? 0,
      down: false,
    }));
    this.#freeCpus = nodes.reduce((sum, node) => sum + node.cpus, 0);
    const nodeIndex = new Map(nodes.map((node, i) => [node.name, i]));
    for (const queue of queues) {
      const indices = (queue.nodes ?? nodes.map((n) => n.name)).map((name) => {
        const index = nodeIndex.get(name);
        if (index === undefined) {
          throw new Error(`Queue "${queue.name}" lists unknown node "${name}"`);
        }
        return index;
      });
      this.#queueNodes.set(queue.name, indices);
      this.#queueSpecs.set(queue.name, indices.map((i) => nodes[i]!));
    }
  }

  /** Free cores on the nodes that are up. */
  get freeCpus(): number {
    return this.#freeCpus;
  }

  /** The nodes of a queue. */
  nodesOf(queue: string): readonly SimNodeSpec[] {
    return this.#queueSpecs.get(queue) ?? [];
  }

  /** The names of the nodes of an allocation. */
  namesOf(allocation: readonly Allocation[]): string[] {
    return allocation.map((a) => this.#states[a.node]!.spec.name);
  }

  /** The first nodes of the job's queue with room for it now, or `undefined`. */
  allocate(job: JobRecord): Allocation[] | undefined {
    const r = job.request;
    const cpus = r.tasksPerNode! * r.cpusPerTask!;
    const memoryMB = r.memoryMB!;
    const gpus = r.gpus!;
    const chosen: Allocation[] = [];
    for (const index of this.#queueNodes.get(job.queue) ?? []) {
      const node = this.#states[index]!;
      if (
        !node.down && node.freeCpus >= cpus && node.freeMemoryMB >= memoryMB &&
        node.freeGpus >= gpus
      ) {
        chosen.push({ node: index, cpus, memoryMB, gpus });
        // A copy of exactly this length: the job keeps it, and a grown array has spare room.
        if (chosen.length === r.nodes!) return chosen.slice();
      }
    }
    return undefined;
  }

  /** Gives the job its allocation and counts it as running. */
  claim(job: JobRecord, allocation: Allocation[]): void {
    for (const a of allocation) {
      const node = this.#states[a.node]!;
      node.freeCpus -= a.cpus;
      node.freeMemoryMB -= a.memoryMB;
      node.freeGpus -= a.gpus;
      this.#freeCpus -= a.cpus;
    }
    job.allocation = allocation;
    this.running.add(job);
  }

  /** Frees what a running job held. */
  release(job: JobRecord): void {
    for (const a of job.allocation ?? []) {
      const node = this.#states[a.node]!;
      node.freeCpus += a.cpus;
      node.freeMemoryMB += a.memoryMB;
      node.freeGpus += a.gpus;
      if (!node.down) this.#freeCpus += a.cpus;
    }
    job.allocation = undefined;
    this.running.delete(job);
  }

  /**
   * Earliest time the job could start, judging by running jobs' time limits: frees them in order
   * of their ends until the job fits (`Infinity` if it never does).
   */
  shadowTime(job: JobRecord): number {
    const r = job.request;
    const cpus = r.tasksPerNode! * r.cpusPerTask!;
    const free = this.#states.map((n) => ({
      cpus: n.freeCpus,
      memoryMB: n.freeMemoryMB,
      gpus: n.freeGpus,
      down: n.down,
    }));
    // Every backfill pass asks this over thousands of running jobs: no object per job.
    const endOf = (running: JobRecord) => running.startTime! + running.timeLimitSeconds! * 1000;
    const ends: JobRecord[] = [];
    for (const running of this.running) {
      if (running.timeLimitSeconds !== undefined) ends.push(running);
    }
    ends.sort((a, b) => endOf(a) - endOf(b));
    const indices = this.#queueNodes.get(job.queue) ?? [];
    const wanted = r.nodes!;
    const fits = () => {
      if (wanted <= 0) return true;
      let count = 0;
      for (const i of indices) {
        const n = free[i]!;
        const room = !n.down && n.cpus >= cpus && n.memoryMB >= r.memoryMB! && n.gpus >= r.gpus!;
        if (room && ++count >= wanted) return true;
      }
      return false;
    };
    for (const running of ends) {
      for (const a of running.allocation ?? []) {
        const n = free[a.node]!;
        n.cpus += a.cpus;
        n.memoryMB += a.memoryMB;
        n.gpus += a.gpus;
      }
      if (fits()) return endOf(running);
    }
    return Infinity;
  }

  /**
   * Takes a node down: nothing starts there until {@linkcode NodePool.resume}.
   *
   * @returns The jobs running there (still counted as running).
   * @throws {Error} For an unknown node.
   */
  fail(name: string): JobRecord[] {
    const index = this.#states.findIndex((node) => node.spec.name === name);
    const node = this.#states[index];
    if (node === undefined) throw new Error(`Cannot fail unknown node "${name}"`);
    if (!node.down) {
      node.down = true;
      this.#freeCpus -= node.freeCpus;
    }
    return [...this.running].filter((job) => job.allocation?.some((a) => a.node === index));
  }

  /**
   * Brings a failed node back.
   *
   * @returns Whether it was down.
   * @throws {Error} For an unknown node.
   */
  resume(name: string): boolean {
    const node = this.#states.find((n) => n.spec.name === name);
    if (node === undefined) throw new Error(`Cannot resume unknown node "${name}"`);
    if (!node.down) return false;
    node.down = false;
    this.#freeCpus += node.freeCpus;
    return true;
  }
}
