/**
 * Dependencies between jobs (`after`, `afterok`, `afternotok`, `afterany`): which jobs wait on
 * which, whether a job's dependencies are waiting, satisfied or never satisfiable, and the
 * re-evaluation when a job they name starts or ends.
 *
 * @module
 */

import { type DependencyState, isFinishedState, type JobRecord } from "./_job_record.ts";
import type { SimDependency } from "../types.ts";

/** The dependency graph of one engine. */
export class Dependencies {
  /** Job depended on → the pending jobs that name it. */
  readonly #dependents = new Map<JobRecord, Set<JobRecord>>();
  /** Jobs whose dependencies can never be satisfied, until they are seen finished. */
  readonly #never = new Set<JobRecord>();
  readonly #find: (jobId: number) => JobRecord[];
  readonly #satisfied: (job: JobRecord) => void;

  /**
   * Creates an empty graph.
   *
   * @param find The records an id names (a job, or every task of an array).
   * @param satisfied Called when a waiting job's dependencies become satisfied.
   */
  constructor(find: (jobId: number) => JobRecord[], satisfied: (job: JobRecord) => void) {
    this.#find = find;
    this.#satisfied = satisfied;
  }

  /** Links a new job to the jobs it depends on and sets its {@linkcode DependencyState}. */
  register(job: JobRecord): void {
    const dependencies = job.request.dependencies ?? [];
    if (dependencies.length === 0) return;
    for (const dep of dependencies) {
      for (const id of dep.jobIds) {
        for (const target of this.#find(id)) {
          let set = this.#dependents.get(target);
          if (set === undefined) this.#dependents.set(target, set = new Set());
          set.add(job);
        }
      }
    }
    job.dependencyState = this.#evaluate(job);
    if (job.dependencyState === "never") this.#never.add(job);
  }

  /** Re-evaluates the jobs waiting on `target` after it started or ended. */
  changed(target: JobRecord): void {
    const dependents = this.#dependents.get(target);
    if (dependents === undefined) return;
    for (const job of dependents) {
      if (job.state !== "PENDING" || job.dependencyState !== "waiting") continue;
      const state = this.#evaluate(job);
      if (state === "waiting") continue;
      job.dependencyState = state;
      if (state === "never") this.#never.add(job);
      if (state === "satisfied") this.#satisfied(job);
    }
    if (isFinishedState(target.state)) this.#dependents.delete(target);
  }

  /**
   * The pending jobs whose dependencies can never be satisfied (held ones included), in
   * submission order; costs what it returns, not every job.
   */
  unsatisfiable(): JobRecord[] {
    const pending: JobRecord[] = [];
    for (const job of this.#never) {
      if (job.state === "PENDING") pending.push(job);
      else this.#never.delete(job);
    }
    return pending.sort((a, b) => a.seq - b.seq);
  }

  #evaluate(job: JobRecord): DependencyState {
    let waiting = false;
    for (const dep of job.request.dependencies ?? []) {
      // Unknown ids count as satisfied: SLURM runs `afterok:999999`, SGE accepts `-hold_jid 999999`.
      for (const id of dep.jobIds) {
        for (const target of this.#find(id)) {
          const state = targetState(dep.type, target);
          if (state === "never") return "never";
          if (state === "waiting") waiting = true;
        }
      }
    }
    return waiting ? "waiting" : "satisfied";
  }
}

/** What one job depended on means for a dependency of that type. */
function targetState(
  type: SimDependency["type"],
  target: JobRecord,
): Exclude<DependencyState, "none"> {
  const done = isFinishedState(target.state);
  switch (type) {
    case "after":
      return target.state === "PENDING" ? "waiting" : "satisfied";
    case "afterany":
      return done ? "satisfied" : "waiting";
    case "afterok":
      if (done && target.state !== "COMPLETED") return "never";
      return done ? "satisfied" : "waiting";
    case "afternotok":
      if (target.state === "COMPLETED") return "never";
      return done ? "satisfied" : "waiting";
  }
}
