/**
 * The SLURM backend: `#SBATCH` headers, `sbatch --parsable`, batched `squeue`, `sacct`
 * accounting and `scancel`.
 *
 * @module
 */

import type { JobDependency } from "../src/core/dependency.ts";
import { slurmDependencyHeaders } from "./_dependency_headers.ts";
import { QueryError } from "../src/core/errors.ts";
import { slurmCause } from "./_causes.ts";
import type { Resources } from "../src/core/resources.ts";
import { isFinished, Status, type StatusCode } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type {
  Backend,
  JobIdGrammar,
  JobInfo,
  QueryCommand,
  SubmitCommand,
} from "../src/core/backend.ts";
import { slurmKnownOptions } from "./_known_slurm.ts";
import { arrayText, SLURM_ARRAY, withFileTokens } from "./_array_headers.ts";
import { submitOutcomeOf } from "./_submit_errors.ts";
import { slurmToken } from "./_submit_token.ts";
import { formatMemory, formatSlurmTime, slurmExtraLines, textDirectives } from "./_headers.ts";
import {
  addInfo,
  chunkedQueries,
  foldedTasks,
  guardJobIds,
  jobInfo,
  lastLineMatch,
  nonEmptyLines,
  parseInteger,
  queryFailed,
  scriptArgument,
  submittedJobId,
} from "./_commands.ts";

const PREFIX = "#SBATCH";

/**
 * Every job state SLURM 22–24 documents (squeue(1) "JOB STATE CODES", sacct(1) "JOB STATE
 * CODES"). Suspended, stopped and requeued jobs count as PENDING (waiting to run again), as in
 * the original; REVOKED (a federation sibling withdrawn because another cluster runs the job)
 * counts as CANCELLED here, since this cluster will never run it.
 */
const STATES: Readonly<Record<string, StatusCode>> = {
  PENDING: Status.PENDING,
  CONFIGURING: Status.PENDING,
  REQUEUED: Status.PENDING,
  REQUEUE_FED: Status.PENDING,
  REQUEUE_HOLD: Status.PENDING,
  RESV_DEL_HOLD: Status.PENDING,
  SPECIAL_EXIT: Status.PENDING,
  SUSPENDED: Status.PENDING,
  STOPPED: Status.PENDING,
  RUNNING: Status.RUNNING,
  COMPLETING: Status.RUNNING,
  RESIZING: Status.RUNNING,
  SIGNALING: Status.RUNNING,
  STAGE_OUT: Status.RUNNING,
  COMPLETED: Status.COMPLETED,
  CANCELLED: Status.CANCELLED,
  REVOKED: Status.CANCELLED,
  FAILED: Status.FAILED,
  BOOT_FAIL: Status.FAILED,
  DEADLINE: Status.FAILED,
  NODE_FAIL: Status.FAILED,
  OUT_OF_MEMORY: Status.FAILED,
  PREEMPTED: Status.FAILED,
  TIMEOUT: Status.FAILED,
};

/** The status of a SLURM state word; `CANCELLED by 0` and the truncated `CANCELLED+` work. */
function statusOf(state: string, argv: () => readonly string[], line: string): StatusCode {
  const word = (state.trim().split(/\s+/)[0] ?? "").replace(/\+$/, "");
  const status = STATES[word];
  if (status === undefined) {
    throw new QueryError(argv(), `Cannot parse SLURM job state "${state}" in line "${line}"`);
  }
  return status;
}

/** `21`, `21_3`, `21_[1-3%1]`, `21+0` → `21` (the id sbatch printed). */
function baseJobId(field: string): string | undefined {
  return /^(\d+)(?:[_+].*)?$/.exec(field.trim())?.[1];
}

/** The tasks of an array task field (`21_3`, `21_[4-9%2]`); `undefined` for a plain job. */
function taskIndices(field: string): number[] | undefined {
  const match = /^\d+_(.+)$/.exec(field.trim());
  return match === null ? undefined : foldedTasks(match[1]!);
}

/**
 * What `sbatch --parsable` prints (`7`, or `7;cluster`, of which the id is kept) and slurmctld
 * numbers from 1 (FirstJobId). Array tasks (`7_3`) are not tracked on their own: squeue and
 * sacct records of tasks are merged into their array's id, so a task id would never be found.
 */
const JOB_ID_GRAMMAR: JobIdGrammar = Object.freeze({
  pattern: /^[1-9]\d*$/,
  description: "a positive integer such as 1234, as sbatch prints it",
});

function renderHeaders(given: Resources): string[] {
  const resources = withFileTokens(given, SLURM_ARRAY, "slurm");
  const lines = textDirectives(PREFIX, resources, {
    name: "--job-name=",
    queue: "--partition=",
    account: "--account=",
  });
  if (resources.timeSeconds !== undefined) {
    lines.push(`${PREFIX} --time=${formatSlurmTime(resources.timeSeconds)}`);
  }
  if (resources.nodes !== undefined) lines.push(`${PREFIX} --nodes=${resources.nodes}`);
  if (resources.ppn !== undefined) lines.push(`${PREFIX} --ntasks-per-node=${resources.ppn}`);
  if (resources.threads !== undefined) {
    lines.push(`${PREFIX} --cpus-per-task=${resources.threads}`);
  }
  if (resources.memMB !== undefined) {
    lines.push(`${PREFIX} --mem=${formatMemory(resources.memMB, ["M", "G", "T"])}`);
  }
  // `gpus: 0` is no request: no `--gres=gpu:0`.
  if ((resources.gpus ?? 0) > 0) lines.push(`${PREFIX} --gres=gpu:${resources.gpus}`);
  lines.push(...textDirectives(PREFIX, resources, { stdout: "--output=", stderr: "--error=" }));
  const array = arrayText(resources, SLURM_ARRAY, "%");
  if (array !== undefined) lines.push(`${PREFIX} --array=${array}`);
  return [...lines, ...slurmExtraLines(PREFIX, resources.extra)];
}

function submitCommand(filename: string): SubmitCommand {
  return { argv: ["sbatch", "--parsable", scriptArgument(filename)] };
}

/** `--parsable` prints `7` or `7;cluster`; plain sbatch prints `Submitted batch job 7`. */
function parseJobId(output: CommandOutput, argv: readonly string[]): string {
  return submittedJobId(
    output,
    argv,
    (stdout) => lastLineMatch(stdout, [/^(\d+)(?:;\S+)?$/, /^Submitted batch job (\d+)\b/]),
  );
}

function statusCommands(ids: readonly string[]): QueryCommand[] {
  return chunkedQueries(ids, statusArgv);
}

/**
 * The squeue fields: `%i` (`12`, `12_3`), state, reason, and the raw wait status of the batch
 * script (SLURM 22.05 `src/squeue/print.c` `_print_job_exit_code`; `-O` only). A name with `:`
 * and no size is printed as long as it is, the text after the size follows it
 * (`_parse_long_token` in `src/squeue/opts.c`), so each line is `id|STATE|reason|status`.
 */
const SQUEUE_FIELDS = "JobArrayID:|,State:|,Reason:|,exit_code:";

/**
 * `squeue -h -t all -O …`: with `-t all`, slurmctld lists finished jobs too, with their final
 * state and exit status, for MinJobAge (300 s by default) after they end (recordings 150–152):
 * within that time a finished job costs no accounting query.
 */
function statusArgv(ids: readonly string[]): string[] {
  return ["squeue", "-h", "-t", "all", "-O", SQUEUE_FIELDS, "-j", ids.join(",")];
}

/** A plain job id or a wait status: a squeue field that needs no further parsing. */
const DIGITS = /^\d+$/;

/**
 * Parses `squeue -h -t all -O "JobArrayID:|,State:|,Reason:|,exit_code:"`. squeue exits 1 with
 * `Invalid job id specified` when none of the ids is known any more (and 0 when some are),
 * which means "none known" — an empty map, not a failed query. A finished job's wait status
 * gives its exit code and signal as `sacct`'s `ExitCode` (`code:signal`) would.
 */
function parseStatus(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> {
  // The argv is rebuilt only for an error: it joins every id (100,000 characters at most).
  const argv = () => statusArgv(ids);
  const result = new Map<string, JobInfo>();
  if (output.code !== 0) {
    if (/^slurm_load_jobs error: Invalid job id specified\s*$/m.test(output.stderr)) return result;
    throw queryFailed(argv(), output, "Status query failed");
  }
  const wanted = new Set(ids);
  // One status per state word of this output (a poll of 100,000 jobs has a handful of them).
  const statuses = new Map<string, StatusCode>();
  const text = output.stdout;
  // Lines are read in place (no array of every line): this output is read every poll round.
  for (let start = 0; start < text.length;) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    // `id|STATE|reason` (the `-o "%i|%T|%r"` of earlier versions) still reads, without exit codes.
    const fields = line.split("|");
    const first = fields[0]!;
    const plain = DIGITS.test(first);
    const id = fields.length === 4 || fields.length === 3
      ? (plain ? first : baseJobId(first))
      : undefined;
    const wait = fields.length === 3
      ? undefined
      : DIGITS.test(fields[3]?.trim() ?? "")
      ? Number(fields[3])
      : NaN;
    if (id === undefined || Number.isNaN(wait)) {
      throw new QueryError(
        argv(),
        `Cannot parse squeue line "${line}": expected "id|STATE|reason|exit status"`,
      );
    }
    if (!wanted.has(id)) continue;
    const state = fields[1]!;
    let status = statuses.get(state);
    if (status === undefined) {
      status = statusOf(state, argv, line);
      statuses.set(state, status);
    }
    let info: JobInfo;
    if (isFinished(status) && wait !== undefined) {
      // WIFSIGNALED / WEXITSTATUS of the wait status (`src/api/job_info.c`, `ExitCode=%u:%u`)
      const signal = wait & 0x7f;
      const code = signal === 0 ? (wait >> 8) & 0xff : 0;
      info = jobInfo(status, state, code, finishedReason(state, signal));
    } else {
      const reason = fields[2]!;
      info = jobInfo(status, state, undefined, reason === "None" ? "" : reason);
    }
    // `21_3` is task 3; `21_[4-100%10]` the tasks not started yet, listed as one line.
    const tasks = plain ? undefined : taskIndices(first);
    if (tasks === undefined) addInfo(result, id, info);
    else for (const task of tasks) addInfo(result, id, info, task);
  }
  return result;
}

/** What a finished job's record adds: the time limit it hit, the signal that ended it. */
function finishedReason(state: string, signal: number): string {
  const reasons = [
    state === "TIMEOUT" ? "timeout: time limit reached" : "",
    signal ? `signal ${signal}` : "",
  ];
  return reasons.filter((part) => part !== "").join(", ");
}

/**
 * sacct fields, the same as in the real transcripts the parser is tested on. `JobName` is the
 * only one that may contain `|`, so fields are read from both ends.
 */
const SACCT_FIELDS = "JobID,JobName,Partition,State,ExitCode,Start,End,Elapsed";

function accountingArgv(group: readonly string[]): string[] {
  return ["sacct", "-X", "-P", "-n", "-o", SACCT_FIELDS, "-j", group.join(",")];
}

function accountingCommands(ids: readonly string[]): QueryCommand[] {
  return chunkedQueries(ids, accountingArgv);
}

/**
 * Parses `sacct -X -P -n -o JobID,JobName,Partition,State,ExitCode,Start,End,Elapsed`.
 * `ExitCode` is `code:signal`: the code becomes `exitCode`, a non-zero signal goes into
 * `reason`. Step lines (`5.batch`, printed without `-X`) are skipped; array tasks (`21_3`) are
 * merged into their array's id. Unknown ids print nothing (exit 0): they are absent. Records
 * may lag: slurmctld sends them to slurmdbd asynchronously.
 */
function parseAccounting(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> {
  const argv = () => accountingArgv(ids);
  if (output.code !== 0) throw queryFailed(argv(), output, "Accounting query failed");
  const result = new Map<string, JobInfo>();
  const wanted = new Set(ids);
  for (const line of nonEmptyLines(output.stdout)) {
    const fields = line.split("|");
    const tail = fields.slice(-5); // State, ExitCode, Start, End, Elapsed
    const jobId = fields[0] ?? "";
    const state = tail[0] ?? "";
    const exit = /^(\d+):(\d+)$/.exec(tail[1] ?? "");
    if (/^\d+(?:_\S+)?\.\S+$/.test(jobId) && fields.length >= 8) continue; // a job step
    const id = fields.length >= 8 ? baseJobId(jobId) : undefined;
    if (id === undefined || exit === null) {
      throw new QueryError(
        argv(),
        `Cannot parse sacct line "${line}": expected "${SACCT_FIELDS.replaceAll(",", "|")}"`,
      );
    }
    if (!wanted.has(id)) continue;
    const tasks = taskIndices(jobId);
    const signal = parseInteger(exit[2])!;
    const info = jobInfo(
      statusOf(state, argv, line),
      state,
      parseInteger(exit[1]),
      finishedReason(state, signal),
    );
    if (tasks === undefined) addInfo(result, id, info);
    else for (const task of tasks) addInfo(result, id, info, task);
  }
  return result;
}

function cancelCommand(ids: readonly string[]): string[] {
  return ["scancel", ...ids];
}

/**
 * The SLURM backend.
 *
 * - Headers: `--job-name`, `--partition`, `--account`, `--time=D-HH:MM:SS` (or `HH:MM:SS`),
 *   `--nodes`, `--ntasks-per-node` (ppn), `--cpus-per-task` (threads), `--mem` per node with a
 *   unit (`100M`, `4G`), `--gres=gpu:N`, `--output`, `--error`; other keys pass through (`-K v`
 *   for one letter, `--key=v` for longer keys, `true` → bare flag, `false`/`null` → nothing).
 *   No `--chdir`: sbatch starts the job in the directory it runs in (its `getcwd()`; no
 *   environment variable or setting changes that, SLURM 22.05 `src/common/slurm_opt.c`
 *   `arg_reset_chdir()`), which is clusterjob's workdir.
 * - Variables: `$SLURM_JOB_ID` (the documented name; `$SLURM_JOBID` is its legacy alias, both
 *   are set), `$SLURM_SUBMIT_DIR`, `$SLURM_SUBMIT_HOST`, `$SLURM_JOB_NAME`,
 *   `$SLURM_JOB_NODELIST`, `$SLURM_ARRAY_TASK_ID` (checked against a real SLURM 22.05 job's
 *   environment).
 * - Commands: `sbatch --parsable FILE`;
 *   `squeue -h -t all -O "JobArrayID:|,State:|,Reason:|,exit_code:" -j ID,ID,…` (active jobs,
 *   and finished ones with their exit code while slurmctld keeps them: MinJobAge, 300 s by
 *   default); `sacct -X -P -n -o JobID,JobName,Partition,State,ExitCode,Start,End,Elapsed -j ID,…`
 *   only for jobs that left the queue;
 *   `scancel ID …` (silent and exit 0 even for finished jobs).
 * - Job ids: positive integers (`1234`), checked wherever they enter (`jobIdGrammar`).
 *
 * @example Render headers and parse real output
 * ```ts
 * import { slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const headers = slurm.renderHeaders({ name: "hello", timeSeconds: 90000, memMB: 4096, nodes: 2, extra: [["exclusive", true]] });
 * assert.ok(headers.includes("#SBATCH --time=1-01:00:00"));
 * assert.ok(headers.includes("#SBATCH --mem=4G") && headers.includes("#SBATCH --exclusive"));
 *
 * const stdout = "5|fail|debug|FAILED|3:0|2026-11-25T08:46:01|2026-11-25T08:46:01|00:00:00\n";
 * const info = slurm.parseAccounting({ code: 0, stdout, stderr: "" }, ["5"]).get("5");
 * assert.ok(info?.status === Status.FAILED && info.exitCode === 3);
 * ```
 */
export const slurm: Backend = guardJobIds({
  name: "slurm",
  extension: "slr",
  prefix: PREFIX,
  knownOptions: slurmKnownOptions,
  envVars: Object.freeze({
    CLUSTERJOB_ID: "SLURM_JOB_ID",
    CLUSTERJOB_WORKDIR: "SLURM_SUBMIT_DIR",
    CLUSTERJOB_SUBMIT_HOST: "SLURM_SUBMIT_HOST",
    CLUSTERJOB_NAME: "SLURM_JOB_NAME",
    CLUSTERJOB_NODELIST: "SLURM_JOB_NODELIST",
    CLUSTERJOB_ARRAY_INDEX: "SLURM_ARRAY_TASK_ID",
  }),
  jobIdGrammar: JOB_ID_GRAMMAR,
  arraySyntax: SLURM_ARRAY,
  renderHeaders,
  dependencyHeaders: (dependencies: readonly JobDependency[]): string[] =>
    slurmDependencyHeaders({ name: "slurm", jobIdGrammar: JOB_ID_GRAMMAR }, dependencies),
  submitCommand,
  parseJobId,
  statusCommands,
  parseStatus,
  accountingCommands,
  parseAccounting,
  cancelCommand,
  causeOf: slurmCause,
  submitOutcome: (output: CommandOutput) => submitOutcomeOf("slurm", output),
  submitToken: slurmToken,
});
