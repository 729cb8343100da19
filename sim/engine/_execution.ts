/**
 * A job's run: starting it on its allocation (files the scheduler creates, the `model`'s runtime
 * and exit code or a real process in `shell` mode), its walltime, and its end — however it comes
 * (exit, timeout, cancel, node failure, preemption) — with the resources, array counts,
 * dependents, accounting and listeners that follow.
 *
 * @module
 */

import type { Accounting } from "./_accounting.ts";
import type { Dependencies } from "./_dependencies.ts";
import type { Allocation, ArrayGroup, JobRecord } from "./_job_record.ts";
import type { JobTable } from "./_job_table.ts";
import type { NodePool } from "./_nodes.ts";
import type { Scheduler } from "./_scheduling.ts";
import { startJobProcess } from "./_shell_run.ts";
import { writeEndMarker, writeStartMarker } from "./_model_markers.ts";
import { guardExit } from "./_model_guard.ts";
import type { SimFileSystem } from "./filesystem.ts";
import type { SimJobModel } from "./options.ts";
import type { SimJob, SimJobState, SimReason } from "../types.ts";
import type { SimTimeline } from "./virtual_clock.ts";

/** How a job ended: exit code and signal (when known) and the reason it keeps. */
export interface JobEnd {
  exitCode?: number;
  signal?: number;
  reason: SimReason;
}

/** What a {@linkcode JobRunner} works with. */
export interface JobRunnerOptions {
  readonly clock: SimTimeline;
  /** The simulator's file system (required in `shell` mode). */
  readonly fs: SimFileSystem | undefined;
  readonly execution: "shell" | "model";
  /** Runtime and exit code of a job in `model` mode. */
  readonly model: SimJobModel;
  /** Signal recorded for jobs killed at their walltime, cancelled or preempted while running. */
  readonly killSignal: number;
  /** `split`: a starting array task gets its own id (the last keeps the array's). */
  readonly arrayTaskIds: "split" | "shared";
  readonly table: JobTable;
  readonly nodes: NodePool;
  readonly scheduler: Scheduler;
  readonly dependencies: Dependencies;
  readonly accounting: Accounting;
}

/** Starts and ends jobs. */
export class JobRunner {
  readonly #parts: JobRunnerOptions;
  readonly #listeners = new Set<(job: SimJob) => void>();

  /**
   * Creates the runner of one engine.
   *
   * @param options The engine's parts and execution settings.
   */
  constructor(options: JobRunnerOptions) {
    this.#parts = options;
  }

  /** Calls `listener` whenever a job starts or finishes; returns its remover. */
  onChange(listener: (job: SimJob) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts a job on its allocation. */
  start(job: JobRecord, allocation: Allocation[]): void {
    const { clock, nodes, execution } = this.#parts;
    nodes.claim(job, allocation);
    job.state = "RUNNING";
    job.storedReason = "none";
    job.startTime = clock.now();
    job.nodeList = nodes.namesOf(allocation);
    if (job.group !== undefined) this.#taskStarted(job, job.group);
    const paths = job.request.outputPaths?.(job);
    if (paths !== undefined) {
      job.stdoutPath = paths.stdout;
      job.stderrPath = paths.stderr;
    }
    // Files the scheduler creates at job start ($PBS_NODEFILE, $LSB_DJOB_HOSTFILE).
    // Only scripts that really run read them, so model mode skips the disk writes.
    if (execution === "shell") {
      for (const [path, text] of Object.entries(job.request.jobFiles?.(job) ?? {})) {
        this.#parts.fs?.writeText(path, text);
      }
    }
    if (execution === "model" && this.#parts.fs !== undefined) {
      writeStartMarker(this.#parts.fs, job, job.nodeList[0] ?? "node", clock.now());
    }
    this.#emit(job);
    this.#parts.dependencies.changed(job);
    const limitMs = job.timeLimitSeconds === undefined ? undefined : job.timeLimitSeconds * 1000;
    if (execution === "model") this.#runModel(job, limitMs);
    else this.#runProcess(job, limitMs);
  }

  /** Ends a running job by a kill (cancel, preemption): exit 0 with the kill signal. */
  kill(job: JobRecord, state: "CANCELLED" | "PREEMPTED"): void {
    this.finish(job, state, { exitCode: 0, signal: this.#parts.killSignal, reason: "none" });
  }

  /**
   * Cancels a pending or running job; a running one with `graceMs` keeps running, marked
   * `terminating`, until the kill lands.
   *
   * @returns False when the job was already terminating (nothing changed).
   */
  cancel(job: JobRecord, graceMs: number): boolean {
    if (job.state !== "RUNNING") {
      this.finish(job, "CANCELLED", { reason: job.reason });
    } else if (graceMs > 0) {
      if (job.terminating) return false;
      job.terminating = true;
      const clock = this.#parts.clock;
      job.timers.push(clock.schedule(clock.now() + graceMs, () => this.kill(job, "CANCELLED")));
    } else {
      this.kill(job, "CANCELLED");
    }
    return true;
  }

  /** Ends a job (pending or running) in `state`. */
  finish(job: JobRecord, state: SimJobState, end: JobEnd): void {
    const wasRunning = job.state === "RUNNING";
    for (const timer of job.timers) timer.cancel();
    job.timers.length = 0;
    if (wasRunning) {
      if (job.process !== undefined) {
        job.process.kill();
        this.#writeKillMessage(job, state);
      }
      this.#parts.nodes.release(job);
    }
    job.state = state;
    delete job.terminating;
    job.storedReason = end.reason;
    job.endTime = this.#parts.clock.now();
    if (end.exitCode !== undefined) job.exitCode = end.exitCode;
    if (end.signal !== undefined) job.signal = end.signal;
    if (wasRunning && this.#parts.execution === "model" && this.#parts.fs !== undefined) {
      writeEndMarker(this.#parts.fs, job, state, end.signal, job.endTime);
    }
    this.#parts.table.ended(job);
    this.#parts.accounting.record(job);
    if (job.group !== undefined) this.#taskEnded(job, job.group, wasRunning);
    this.#emit(job);
    this.#parts.dependencies.changed(job);
    if (wasRunning) this.#parts.scheduler.requestPass();
  }

  /**
   * Stops every running job's events and kills its process (shell mode), then waits for the
   * processes to end.
   */
  async shutdown(): Promise<void> {
    const processes: Promise<unknown>[] = [];
    for (const job of this.#parts.nodes.running) {
      for (const timer of job.timers) timer.cancel();
      job.timers = [];
      if (job.process !== undefined) {
        job.process.kill();
        processes.push(job.process.done);
      }
    }
    await Promise.all(processes);
  }

  #taskStarted(job: JobRecord, group: ArrayGroup): void {
    group.running++;
    group.pending--;
    if (this.#parts.arrayTaskIds === "split") {
      // SLURM splits a starting task off the array record under a new id; the last one keeps it.
      if (group.pending > 0) job.id = this.#parts.table.takeId();
      this.#parts.table.index(job);
    }
  }

  #taskEnded(job: JobRecord, group: ArrayGroup, wasRunning: boolean): void {
    if (wasRunning) {
      group.running--;
      this.#parts.scheduler.unpark(group);
      return;
    }
    group.pending--;
    if (this.#parts.arrayTaskIds === "split") this.#parts.table.index(job);
  }

  /** `model` mode: the job ends after the model's runtime, or at its walltime if that is less. */
  #runModel(job: JobRecord, limitMs: number | undefined): void {
    const stopped = this.#parts.fs === undefined ? undefined : guardExit(this.#parts.fs, job);
    const { runtimeSeconds, exitCode } = stopped === undefined
      ? this.#parts.model(job)
      : { runtimeSeconds: 0, exitCode: stopped }; // SGE's guard: no body
    const runtimeMs = Math.max(0, runtimeSeconds * 1000);
    const start = job.startTime!;
    const clock = this.#parts.clock;
    if (limitMs !== undefined && runtimeMs > limitMs) {
      job.timers.push(clock.schedule(start + limitMs, () => this.#timeout(job)));
      return;
    }
    job.timers.push(clock.schedule(start + runtimeMs, () => this.#exited(job, exitCode)));
  }

  /**
   * `shell` mode: runs the script for real while holding the clock, then ends the job at its
   * start plus the real time the script took (or its walltime).
   */
  #runProcess(job: JobRecord, limitMs: number | undefined): void {
    const clock = this.#parts.clock;
    const release = clock.hold();
    const startedAt = performance.now();
    const process = startJobProcess(this.#parts.fs!, job, limitMs);
    job.process = process;
    process.done.then((result) => {
      const elapsed = Math.round(performance.now() - startedAt);
      if (job.state === "RUNNING" && job.process === process) {
        const endAt = job.startTime! + (result.timedOut ? limitMs! : elapsed);
        job.timers.push(clock.schedule(endAt, () => {
          if (job.state !== "RUNNING") return;
          if (result.timedOut) return this.#timeout(job);
          this.#exited(job, result.code, result.signal);
        }));
      }
      release();
    });
  }

  /** The script exited by itself: 0 completes, anything else fails. */
  #exited(job: JobRecord, exitCode: number, signal?: number): void {
    this.finish(job, exitCode === 0 ? "COMPLETED" : "FAILED", {
      exitCode,
      ...(signal !== undefined ? { signal } : {}),
      reason: exitCode === 0 ? "none" : "nonzero-exit",
    });
  }

  #timeout(job: JobRecord): void {
    if (job.state !== "RUNNING") return;
    this.finish(job, "TIMEOUT", {
      exitCode: 0,
      signal: this.#parts.killSignal,
      reason: "walltime",
    });
  }

  /** Appends the scheduler's kill notice to the job's error file, as slurmstepd does. */
  #writeKillMessage(job: JobRecord, state: SimJobState): void {
    if (state !== "TIMEOUT" && state !== "CANCELLED" && state !== "PREEMPTED") return;
    const fs = this.#parts.fs;
    const path = job.stderrPath ?? job.stdoutPath;
    if (path === undefined || path === "/dev/null" || fs === undefined) return;
    // The message names the end: show it the job as it is about to be.
    const savedState = job.state;
    job.state = state;
    job.endTime = this.#parts.clock.now();
    const message = job.request.killMessage?.(job);
    job.state = savedState;
    if (message === undefined) return;
    try {
      Deno.writeTextFileSync(fs.hostPath(path), message, { append: true });
    } catch { /* the job's directory is gone: nothing to tell */ }
  }

  #emit(job: JobRecord): void {
    for (const listener of this.#listeners) listener(job);
  }
}
