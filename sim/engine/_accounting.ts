/**
 * The engine's accounting: the finished jobs in the order they ended, and the lag after which
 * accounting knows one (what `sacct` or `qacct` can show).
 *
 * @module
 */

import type { JobRecord } from "./_job_record.ts";
import type { SimJob } from "../types.ts";

/** Finished jobs as accounting sees them. */
export class Accounting {
  /** How long a finished job takes to reach accounting, ms. */
  lagMs: number;
  readonly #finished: JobRecord[] = [];

  /**
   * Creates an empty accounting.
   *
   * @param lagMs How long a finished job takes to reach accounting, ms.
   */
  constructor(lagMs: number) {
    this.lagMs = lagMs;
  }

  /** Records a job that has just finished. */
  record(job: JobRecord): void {
    this.#finished.push(job);
    job.accounted = true;
  }

  /** The finished jobs accounting knows at `now`. */
  known(now: number): readonly SimJob[] {
    if (this.lagMs <= 0) return this.#finished;
    const horizon = now - this.lagMs;
    return this.#finished.filter((job) => (job.endTime ?? Infinity) <= horizon);
  }

  /** Whether {@linkcode Accounting.known} lists `job` at `now`, without listing them all. */
  lists(job: SimJob, now: number): boolean {
    if (!(job as Partial<JobRecord>).accounted) return false;
    return this.lagMs <= 0 || (job.endTime ?? Infinity) <= now - this.lagMs;
  }

  /** Whether accounting knows `job` at `now`. */
  isAccounted(job: SimJob, now: number): boolean {
    return job.endTime !== undefined && job.endTime + this.lagMs <= now;
  }
}
