/**
 * Progress of waiting for runs: the report `AsyncResult.waitAll` (and `wait`) gives after every
 * poll round (`WaitProgress`: counts per status, and per task for arrays), the line
 * that says it ({@linkcode progressLine}: `3/10 done: 2 completed, 1 failed; 5 pending, 2
 * running`), and a small renderer ({@linkcode ProgressDisplay}): one line updated in place on
 * a terminal, plain lines elsewhere, at most one per interval of the clock.
 *
 * @example Show the progress of a fan-in on the simulator
 * ```ts
 * import { AsyncResult, JobScript, ProgressDisplay, progressLine } from "@clusterjob/clusterjob";
 * import { SimCluster, type SimJob } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const model = (job: SimJob) => ({ runtimeSeconds: 60 * Number(job.request.name.slice(-1)), exitCode: 0 });
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", clock: "virtual", model });
 * const transport = cluster.transport();
 * const runs = await Promise.all([1, 2, 3].map((i) =>
 *   new JobScript({ name: `sweep-${i}`, body: "./sweep" }).submit({ transport })
 * ));
 * let written = "";
 * const display = new ProgressDisplay((text) => written += text, { terminal: false });
 * await AsyncResult.waitAll(runs, { onProgress: (progress) => display.show(progressLine(progress)) });
 * display.end();
 * const lines = written.trimEnd().split("\n");
 * assert.equal(lines.at(-1), "3/3 done: 3 completed");
 * assert.ok(lines.some((line) => /running/.test(line)));
 * ```
 *
 * @module
 */

import type { Clock } from "../core/clock.ts";
import { Status, type StatusCode } from "../core/status.ts";

/**
 * How many runs (or tasks) have each status.
 *
 * @example Usage
 * ```ts
 * import { countStatuses, Status, type StatusCounts } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const counts: StatusCounts = countStatuses([Status.RUNNING, Status.FAILED, Status.RUNNING]);
 * assert.deepEqual(counts, { pending: 0, running: 2, completed: 0, failed: 1, cancelled: 0 });
 * ```
 */
export interface StatusCounts {
  /** PENDING. */
  pending: number;
  /** RUNNING. */
  running: number;
  /** COMPLETED. */
  completed: number;
  /** FAILED. */
  failed: number;
  /** CANCELLED. */
  cancelled: number;
}

/**
 * Counts statuses.
 *
 * @example Usage
 * ```ts
 * import { countStatuses, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(countStatuses([Status.COMPLETED, Status.COMPLETED]).completed, 2);
 * ```
 *
 * @param statuses The statuses.
 * @returns The counts.
 */
export function countStatuses(statuses: Iterable<StatusCode>): StatusCounts {
  const counts: StatusCounts = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const status of statuses) counts[KEYS[status]]++;
  return counts;
}

const KEYS: Record<StatusCode, keyof StatusCounts> = {
  [Status.PENDING]: "pending",
  [Status.RUNNING]: "running",
  [Status.COMPLETED]: "completed",
  [Status.FAILED]: "failed",
  [Status.CANCELLED]: "cancelled",
};

/**
 * The progress line: `3/10 done: 2 completed, 1 failed; 5 pending, 2 running`, and for arrays
 * the tasks in brackets (`[tasks 950/1000 done: 950 completed; 50 running]`). Counts of 0 are
 * left out. Takes a report, or the runs' statuses.
 *
 * @example Usage
 * ```ts
 * import { progressLine, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(progressLine([Status.PENDING, Status.RUNNING]), "0/2 done; 1 pending, 1 running");
 * assert.equal(
 *   progressLine([Status.COMPLETED, Status.FAILED, Status.COMPLETED, Status.RUNNING]),
 *   "3/4 done: 2 completed, 1 failed; 1 running",
 * );
 * ```
 *
 * @param progress A report, or statuses.
 * @returns The line (no newline).
 */
export function progressLine(
  progress:
    | { readonly counts: StatusCounts; readonly tasks?: StatusCounts }
    | readonly StatusCode[],
): string {
  const report = Array.isArray(progress)
    ? { counts: countStatuses(progress as readonly StatusCode[]) }
    : progress as { readonly counts: StatusCounts; readonly tasks?: StatusCounts };
  const line = countsLine(report.counts);
  const tasks = report.tasks;
  return tasks === undefined ? line : `${line} [tasks ${countsLine(tasks)}]`;
}

function countsLine(counts: StatusCounts): string {
  const said = (keys: (keyof StatusCounts)[]) =>
    keys.filter((key) => counts[key] > 0).map((key) => `${counts[key]} ${key}`);
  const finished = said(["completed", "failed", "cancelled"]);
  const live = said(["pending", "running"]);
  const done = counts.completed + counts.failed + counts.cancelled;
  const total = done + counts.pending + counts.running;
  return `${done}/${total} done` + (finished.length > 0 ? `: ${finished.join(", ")}` : "") +
    (live.length > 0 ? `; ${live.join(", ")}` : "");
}

/**
 * Options of {@linkcode ProgressDisplay}.
 *
 * @example Usage
 * ```ts
 * import { ProgressDisplay, type ProgressDisplayOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: ProgressDisplayOptions = { terminal: false, intervalMs: 0 };
 * assert.ok(new ProgressDisplay(() => {}, options));
 * ```
 */
export interface ProgressDisplayOptions {
  /** Whether the text goes to a terminal: then one line is rewritten in place. */
  terminal: boolean;
  /**
   * Elsewhere, the least time between two lines, in milliseconds of `clock` (a changed text
   * waits; the last one is written by `end()`). Default 0: a line at each change.
   */
  intervalMs?: number;
  /** The clock of `intervalMs` (default: the wall clock). */
  clock?: Pick<Clock, "now">;
}

/**
 * Shows a progress line: on a terminal, one line rewritten in place (carriage return, erase
 * line); elsewhere, each new text as a line of its own (a repeated text is not written again),
 * at most one per `intervalMs`, and the last by `end()`.
 *
 * @example Usage
 * ```ts
 * import { ProgressDisplay } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * let written = "";
 * const display = new ProgressDisplay((text) => written += text, false);
 * display.show("0/1 done");
 * display.show("0/1 done");
 * display.show("1/1 done: 1 completed");
 * display.end();
 * assert.equal(written, "0/1 done\n1/1 done: 1 completed\n");
 * ```
 */
export class ProgressDisplay {
  readonly #write: (text: string) => void;
  readonly #terminal: boolean;
  readonly #intervalMs: number;
  readonly #clock: Pick<Clock, "now">;
  #last: string | undefined;
  #written: string | undefined;
  #writtenAt = -Infinity;

  /**
   * Creates the display.
   *
   * @param write Writes text (standard error).
   * @param options Whether it writes to a terminal (or the options).
   */
  constructor(write: (text: string) => void, options: boolean | ProgressDisplayOptions) {
    const given = typeof options === "boolean" ? { terminal: options } : options;
    this.#write = write;
    this.#terminal = given.terminal;
    this.#intervalMs = given.intervalMs ?? 0;
    this.#clock = given.clock ?? { now: () => Date.now() };
  }

  /**
   * Shows `line`.
   *
   * @param line The text (no newline).
   */
  show(line: string): void {
    if (line === this.#last) return;
    this.#last = line;
    if (this.#terminal) {
      this.#write(`\r\x1b[2K${line}`);
      return;
    }
    const now = this.#clock.now();
    if (now - this.#writtenAt < this.#intervalMs) return;
    this.#flush(now);
  }

  /** Ends the display (on a terminal: the line is kept, the cursor goes to the next line). */
  end(): void {
    if (this.#terminal) {
      if (this.#last !== undefined) this.#write("\n");
      return;
    }
    if (this.#last !== this.#written) this.#flush(this.#clock.now());
  }

  #flush(now: number): void {
    if (this.#last === undefined) return;
    this.#written = this.#last;
    this.#writtenAt = now;
    this.#write(`${this.#last}\n`);
  }
}
