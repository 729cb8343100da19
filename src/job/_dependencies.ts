/**
 * The `after` option of a job: what it accepts ({@linkcode AfterItem}), its check against the
 * job's backend and cluster, and SGE's guard — the lines at the top of the job script that make
 * `ok` and `notok` mean what they say where `-hold_jid` only waits for a parent to end.
 *
 * @module
 */

import { checkJobId } from "../core/backend.ts";
import type { Backend } from "../core/backend.ts";
import { DEPENDENCY_KINDS, DependencyError, type DependencyKind } from "../core/dependency.ts";
import type { JobDependency } from "../core/dependency.ts";
import { InvalidValueError } from "../core/errors.ts";
import { dependencyGuard } from "../core/_dependency_guard.ts";
import { AsyncResult } from "../run/async_result.ts";
import type { RunDependency } from "../run/run_options.ts";

/** A checked dependency: for the backend (a `JobDependency`) and for the run (a `RunDependency`). */
export type Dependency = JobDependency & RunDependency & { readonly run?: AsyncResult };

/** What the job is, for checking its dependencies. */
export interface DependentJob {
  /** The job's backend. */
  readonly backend: Backend;
  /** The job's SSH host, or `undefined`. */
  readonly remote: string | undefined;
}

const ACCEPTED = "a run, a job id, or { run, when } with when one of " +
  DEPENDENCY_KINDS.map((kind) => JSON.stringify(kind)).join(", ");

/**
 * Checks `after` for a job: every entry a run of the job's scheduler and cluster, or a job id of
 * its backend's grammar; `when` one of the kinds (default `ok`). The scheduler's own check
 * (`Backend.dependencyHeaders`) follows when the job renders.
 *
 * @throws {InvalidValueError} For a value that is not a list of entries, or an unknown `when`.
 * @throws {InvalidJobIdError} For an id that is not one of the backend's.
 * @throws {DependencyError} For a run of another scheduler or cluster, or a backend that cannot
 * express dependencies at all.
 */
export function checkAfter(value: unknown, job: DependentJob): readonly Dependency[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value)) throw new InvalidValueError("after", value, `a list of ${ACCEPTED}`);
  const dependencies = value.map((item, index) => dependencyOf(item, `after[${index}]`, job));
  if (dependencies.length > 0 && job.backend.dependencyHeaders === undefined) {
    throw new DependencyError(
      "after",
      value,
      `no dependencies: backend "${job.backend.name}" has no dependencyHeaders`,
    );
  }
  return Object.freeze(dependencies);
}

function dependencyOf(item: unknown, field: string, job: DependentJob): Dependency {
  const entry = typeof item === "object" && item !== null && !(item instanceof AsyncResult)
    ? item as Record<string, unknown>
    : { run: item };
  for (const key of Object.keys(entry)) {
    if (key !== "run" && key !== "when") throw new InvalidValueError(field, item, ACCEPTED);
  }
  const when = entry.when ?? "ok";
  if (!DEPENDENCY_KINDS.includes(when as DependencyKind)) {
    throw new InvalidValueError(`${field}.when`, when, `one of ${DEPENDENCY_KINDS.join(", ")}`);
  }
  const run = entry.run;
  if (typeof run === "string") {
    return Object.freeze({
      jobId: checkJobId(job.backend, run, field),
      when: when as DependencyKind,
    });
  }
  if (!(run instanceof AsyncResult)) throw new InvalidValueError(field, item, ACCEPTED);
  if (run.backend.name !== job.backend.name) {
    throw new DependencyError(
      field,
      run.jobId,
      `a run of scheduler "${job.backend.name}" (job ${run.jobId} is a run of ` +
        `"${run.backend.name}": a scheduler cannot wait for another's jobs)`,
    );
  }
  if ((run.remote ?? "") !== (job.remote ?? "")) {
    const where = (host: string | undefined) => host ? `"${host}"` : "this machine";
    throw new DependencyError(
      field,
      run.jobId,
      `a run of the job's cluster, ${where(job.remote)} (job ${run.jobId} runs on ` +
        `${where(run.remote)})`,
    );
  }
  const markers = run.markers;
  return Object.freeze({
    jobId: checkJobId(job.backend, run.jobId, field),
    when: when as DependencyKind,
    jobName: run.jobName,
    run,
    ...(markers === undefined ? {} : { markerFolder: markers }),
  });
}

/**
 * SGE's guard for a job's dependencies (see `dependencyGuard`): `[]` when none is `ok`/`notok`.
 *
 * @param dependencies The job's dependencies.
 * @param workingDirectory The job's working directory.
 * @param ownMarkers The job's own marker folder, or `undefined`.
 * @throws {DependencyError} For an `ok`/`notok` dependency on a job without a marker folder
 * (a bare job id, a run without markers): SGE cannot wait for its success.
 */
export function sgeGuard(
  dependencies: readonly JobDependency[],
  workingDirectory: string,
  ownMarkers: string | undefined,
): string[] {
  const checks = dependencies.filter(({ when }) => when === "ok" || when === "notok")
    .map((dependency) => {
      const folder = dependency.markerFolder;
      if (folder === undefined) {
        throw new DependencyError(
          "after",
          { run: dependency.jobId, when: dependency.when },
          `a run submitted with markers, or when: "any", on scheduler "sge" (its -hold_jid only ` +
            `waits for job ${dependency.jobId} to end; whether it ended ${dependency.when} is ` +
            "read from the end marker clusterjob's jobs write)",
        );
      }
      return { folder, when: dependency.when as "ok" | "notok", jobId: dependency.jobId };
    });
  return dependencyGuard(checks, workingDirectory, ownMarkers);
}
