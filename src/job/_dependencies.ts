/**
 * The `after` option of a job: what it accepts ({@linkcode AfterItem}), its check against the
 * job's backend and cluster, and SGE's guard — the lines at the top of the job script that make
 * `ok` and `notok` mean what they say where `-hold_jid` only waits for a parent to end.
 *
 * @module
 */

import { normalize } from "node:path/posix";
import { checkJobId } from "../core/backend.ts";
import type { Backend } from "../core/backend.ts";
import { DEPENDENCY_KINDS, DependencyError, type DependencyKind } from "../core/dependency.ts";
import type { JobDependency } from "../core/dependency.ts";
import { InvalidValueError } from "../core/errors.ts";
import { quoteShellWord } from "../core/_shell_quote.ts";
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
  const markers = markerFolderOf(run);
  return Object.freeze({
    jobId: checkJobId(job.backend, run.jobId, field),
    when: when as DependencyKind,
    jobName: run.jobName,
    run,
    ...(markers === undefined ? {} : { markerFolder: markers }),
  });
}

/** The run's marker folder, when it records one (runs of jobs with markers). */
function markerFolderOf(run: AsyncResult): string | undefined {
  const folder = (run as { readonly markers?: unknown }).markers;
  return typeof folder === "string" ? folder : undefined;
}

/** The exit code a job ends with when SGE's guard does not run its body. */
export const GUARD_EXIT_CODE = 97;

/**
 * SGE's guard: shell lines run before the body that check, for each `ok`/`notok` dependency,
 * the parent's `end` marker (array parents: every `end.<index>`; a parent that left no end
 * marker — deleted before it ran, killed by SIGKILL — did not complete) and, when the kind is
 * not met, write the reason to standard error and to `dependency` in the job's own marker
 * folder, then exit {@linkcode GUARD_EXIT_CODE} without running the body. `[]` when no
 * dependency needs it.
 *
 * @param dependencies The job's dependencies.
 * @param workingDirectory The job's working directory (relative marker folders are relative to
 * the same base: the scheduler host's home or the submitter's directory).
 * @param ownMarkers The job's own marker folder, or `undefined`.
 * @throws {DependencyError} For an `ok`/`notok` dependency on a job without a marker folder
 * (a bare job id, a run without markers): SGE cannot wait for its success.
 */
export function sgeGuard(
  dependencies: readonly JobDependency[],
  workingDirectory: string,
  ownMarkers: string | undefined,
): string[] {
  const checked = dependencies.filter(({ when }) => when === "ok" || when === "notok");
  if (checked.length === 0) return [];
  const lines = [
    "# clusterjob: -hold_jid waits only for these jobs to end; the body runs only if they",
    "# ended as `after` asks (their end markers say how).",
    "__clusterjob_after() {",
    "  __cj_failed=0; __cj_seen=0",
    '  for __cj_end in "$1"/end "$1"/end.*; do',
    '    [ -f "$__cj_end" ] || continue',
    "    __cj_seen=1",
    '    case " $(cat "$__cj_end" 2>/dev/null) " in *" exit=0 "*) ;; *) __cj_failed=1 ;; esac',
    "  done",
    '  [ "$__cj_seen" = 1 ] || __cj_failed=1',
    '  if [ "$2" = ok ] && [ "$__cj_failed" = 0 ]; then return 0; fi',
    '  if [ "$2" = notok ] && [ "$__cj_failed" = 1 ]; then return 0; fi',
    '  __cj_why="job $3 did not end as after $2 needs (its end marker: $(cat "$1"/end 2>/dev/null || echo none)); the body was not run"',
    '  echo "clusterjob: $__cj_why" >&2',
    ...(ownMarkers === undefined ? [] : [
      `  mkdir -p ${shellPath(ownMarkers, workingDirectory)} 2>/dev/null && ` +
      `echo "time=$(date +%s) parent=$3 when=$2" > ${
        shellPath(ownMarkers, workingDirectory)
      }/dependency`,
    ]),
    `  exit ${GUARD_EXIT_CODE}`,
    "}",
  ];
  for (const dependency of checked) {
    const folder = dependency.markerFolder;
    if (folder === undefined) {
      throw new DependencyError(
        "after",
        { run: dependency.jobId, when: dependency.when },
        `a run submitted with markers, or when: "any", on scheduler "sge" (its -hold_jid only ` +
          `waits for job ${dependency.jobId} to end; whether it ended ${dependency.when} is read ` +
          "from the end marker clusterjob's jobs write)",
      );
    }
    lines.push(
      `__clusterjob_after ${shellPath(folder, workingDirectory)} ${dependency.when} ` +
        quoteShellWord(dependency.jobId),
    );
  }
  return lines;
}

/**
 * A path of the scheduler host as one shell word in a job that starts in `workingDirectory`:
 * `~/x` as `"$HOME"/x`; a relative path from the job's start directory back to the common base
 * (`$PWD/../../x` for a job in `a/b`).
 */
function shellPath(path: string, workingDirectory: string): string {
  if (path === "~" || path.startsWith("~/")) return `"$HOME"${quoteTail(path.slice(1))}`;
  if (path.startsWith("/")) return quoteShellWord(path);
  const start = normalize(workingDirectory);
  if (start.startsWith("/") || start.startsWith("~")) return quoteShellWord(path);
  const depth = start === "." ? 0 : start.split("/").filter((part) => part !== ".").length;
  return `"$PWD"/${quoteShellWord(`${"../".repeat(depth)}${path}`)}`;
}

function quoteTail(tail: string): string {
  return tail === "" ? "" : quoteShellWord(tail);
}
