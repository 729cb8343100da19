/**
 * Dependencies between jobs, as backends see them: the kinds (`ok`, `notok`, `any`, `start`),
 * one checked dependency on one job id ({@linkcode JobDependency}), and
 * {@linkcode DependencyError}, the error of a dependency a job cannot have.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/**
 * When a dependent job may start: `ok` once the job it depends on completed (exit 0), `notok`
 * once it ended otherwise (failed, killed, cancelled), `any` once it ended at all, `start` once
 * it started.
 *
 * @example Usage
 * ```ts
 * import { DEPENDENCY_KINDS, type DependencyKind } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const when: DependencyKind = "ok";
 * assert.ok(DEPENDENCY_KINDS.includes(when));
 * ```
 */
export type DependencyKind = "ok" | "notok" | "any" | "start";

/**
 * Every {@linkcode DependencyKind}, in documentation order.
 *
 * @example Usage
 * ```ts
 * import { DEPENDENCY_KINDS } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(DEPENDENCY_KINDS, ["ok", "notok", "any", "start"]);
 * ```
 */
export const DEPENDENCY_KINDS: readonly DependencyKind[] = Object.freeze([
  "ok",
  "notok",
  "any",
  "start",
]);

/**
 * One checked dependency: the job id (of the backend's grammar), the kind, and what is known of
 * the job depended on. Backends render a list of them (`Backend.dependencyHeaders`).
 *
 * @example Usage
 * ```ts
 * import { type JobDependency, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const after: JobDependency[] = [{ jobId: "12", when: "ok" }, { jobId: "13", when: "any" }];
 * assert.deepEqual(slurm.dependencyHeaders?.(after), [
 *   "#SBATCH --dependency=afterok:12,afterany:13",
 *   "#SBATCH --kill-on-invalid-dep=yes",
 * ]);
 * ```
 */
export interface JobDependency {
  /** The job depended on (an array's id means every task of it). */
  readonly jobId: string;
  /** When the dependent may start. */
  readonly when: DependencyKind;
  /** The job's name, when it is a run clusterjob knows. */
  readonly jobName?: string;
  /**
   * The folder of the job's marker files on the scheduler host (`<rootdir>/<workdir>/.clusterjob/<name>`),
   * when it is a run clusterjob submitted with markers: SGE's guard reads its `end` file.
   */
  readonly markerFolder?: string;
}

/**
 * A dependency the job cannot have: on a run of another scheduler or cluster, or of a kind the
 * scheduler cannot express (SGE's `-hold_jid` cannot wait for a job to start). An
 * `InvalidValueError`: it names the field (`after[1]`), the value as given and what would be
 * accepted.
 *
 * @example Usage
 * ```ts
 * import { DependencyError, InvalidValueError, JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => new JobScript({ name: "b", body: "true", backend: "sge", after: [{ run: "12", when: "start" }] }),
 *   (error) => error instanceof DependencyError && error instanceof InvalidValueError && /sge/.test(error.message),
 * );
 * ```
 */
export class DependencyError extends InvalidValueError {}
