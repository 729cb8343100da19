/**
 * The engine's index of jobs: every record in submission order, the records by raw id and the
 * arrays by id, and the counters that number jobs and submissions.
 *
 * @module
 */

import type { ArrayGroup, JobRecord } from "./_job_record.ts";

/** Every job of one engine, and the ids it hands out. */
export class JobTable {
  /** Every record (array tasks individually), in submission order. */
  readonly all: JobRecord[] = [];
  readonly #byId = new Map<number, JobRecord>();
  readonly #arrays = new Map<number, ArrayGroup>();
  #nextId: number;
  #seq = 0;
  #submissions = 0;

  /**
   * Creates an empty table.
   *
   * @param firstId The first job id handed out.
   */
  constructor(firstId: number) {
    this.#nextId = firstId;
  }

  /** Uses up the next job id. */
  takeId(): number {
    return this.#nextId++;
  }

  /** The next position in submission order (orders equal priorities). */
  takeSeq(): number {
    return this.#seq++;
  }

  /** Counts a submission; returns its ordinal (1-based). */
  countSubmission(): number {
    return ++this.#submissions;
  }

  /** Gives back the id and the submission count of a request refused after numbering it. */
  refund(): void {
    this.#nextId--;
    this.#submissions--;
  }

  /** Adds a record; a job outside an array is found by its id at once. */
  add(job: JobRecord): void {
    this.all.push(job);
    if (job.arrayJobId === undefined) this.#byId.set(job.id, job);
  }

  /** Adds an array, whose id then finds all its tasks. */
  addArray(group: ArrayGroup): void {
    this.#arrays.set(group.id, group);
  }

  /** Makes an array task findable by its own raw id (`split` task ids). */
  index(job: JobRecord): void {
    this.#byId.set(job.id, job);
  }

  /** The record with that raw id, or all tasks of the array with that id (empty when unknown). */
  find(jobId: number): JobRecord[] {
    const group = this.#arrays.get(jobId);
    if (group !== undefined) return [...group.tasks];
    const job = this.#byId.get(jobId);
    return job === undefined ? [] : [job];
  }
}
