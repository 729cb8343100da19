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
  /** The records not finished yet, in submission order (a Set keeps insertion order). */
  readonly #active = new Set<JobRecord>();
  /** The finished records in the order they ended, so by end time. */
  readonly #ended: JobRecord[] = [];
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

  /**
   * Adds a record (in submission order); a job outside an array is found by its id at once. A
   * record that comes in finished (refused, yet recorded) counts as ended now.
   */
  add(job: JobRecord): void {
    this.all.push(job);
    if (job.arrayJobId === undefined) this.#byId.set(job.id, job);
    if (job.endTime === undefined) this.#active.add(job);
    else this.#ended.push(job);
  }

  /** Moves a record that has just finished from the active ones to the ended ones. */
  ended(job: JobRecord): void {
    if (this.#active.delete(job)) this.#ended.push(job);
  }

  /**
   * The records not finished before `since`: every active one, and those that ended at or after
   * it, in submission order. Costs what it returns (plus a binary search), not every record.
   */
  since(since: number): JobRecord[] {
    const ended = this.#ended;
    let low = 0;
    let high = ended.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ended[middle]!.endTime! < since) low = middle + 1;
      else high = middle;
    }
    if (low === ended.length) return [...this.#active];
    const late = ended.slice(low).sort((a, b) => a.seq - b.seq);
    const merged: JobRecord[] = [];
    let next = 0;
    for (const job of this.#active) {
      while (next < late.length && late[next]!.seq < job.seq) merged.push(late[next++]!);
      merged.push(job);
    }
    while (next < late.length) merged.push(late[next++]!);
    return merged;
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
