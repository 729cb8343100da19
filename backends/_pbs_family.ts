/**
 * Private parts shared by the Torque (`pbs`) and PBS Professional (`pbspro`) backends: the
 * common header lines, `qsub` id parsing, `qstat -f` parsing and exit-status rules.
 *
 * @module
 */

import type { JobDependency } from "../src/core/dependency.ts";
import { pbsDependencyHeaders } from "./_dependency_headers.ts";
import { QueryError } from "../src/core/errors.ts";
import type { ArraySyntax } from "../src/core/array_spec.ts";
import { pbsArrayLines, TORQUE_ARRAY, withFileTokens } from "./_array_headers.ts";
import type { Resources } from "../src/core/resources.ts";
import { Status, type StatusCode } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import { pbsCause } from "./_causes.ts";
import type {
  Backend,
  CoreVariable,
  JobIdGrammar,
  JobInfo,
  QueryCommand,
  SubmitCommand,
} from "../src/core/backend.ts";
import {
  formatHms,
  formatMemory,
  type Layout,
  layoutOf,
  pbsExtraLines,
  textDirectives,
} from "./_headers.ts";
import {
  AnswerReader,
  chunkedQueries,
  guardJobIds,
  jobInfo,
  mergeInfo,
  nonEmptyLines,
  parseInteger,
  queryFailed,
  scriptArgument,
  submittedJobId,
} from "./_commands.ts";

/** Header prefix of both PBS flavours. */
const PBS_PREFIX = "#PBS";

/** Memory units as PBS spells them (`mem=100mb`, `mem=4gb`). */
const PBS_MEMORY_UNITS: readonly [string, string, string] = ["mb", "gb", "tb"];

/** Megabytes as PBS spells them, in the largest exact unit (`100mb`, `4gb`). */
export function pbsMemory(megabytes: number): string {
  return formatMemory(megabytes, PBS_MEMORY_UNITS);
}

/** Core variables common to Torque and PBS Pro; the array index differs and is passed in. */
function pbsEnvVars(arrayIndex: string): Readonly<Record<CoreVariable, string>> {
  return Object.freeze({
    CLUSTERJOB_ID: "PBS_JOBID",
    CLUSTERJOB_WORKDIR: "PBS_O_WORKDIR",
    CLUSTERJOB_SUBMIT_HOST: "PBS_O_HOST",
    CLUSTERJOB_NAME: "PBS_JOBNAME",
    CLUSTERJOB_NODELIST: "`cat $PBS_NODEFILE`",
    CLUSTERJOB_ARRAY_INDEX: arrayIndex,
  });
}

/**
 * How a flavour starts the job in the directory qsub ran in (clusterjob's `rootdir/workdir`):
 * both PBS flavours start jobs in `$HOME` unless told otherwise.
 */
export interface PbsStartDirectory {
  /** Directive lines, placed before the pass-through keys (so that a user's own option wins). */
  directives: string[];
  /** Shell lines that end the headers, for a flavour without a working-directory option. */
  commands: string[];
}

/**
 * Header lines of both flavours around the flavour's own resource lists: name, queue,
 * account, walltime, then `-l <list>` for each of `resourceLists`, then output files, the
 * working-directory directives, pass-through keys, and the working-directory shell lines last
 * (qsub reads directives only up to the first command).
 */
function pbsHeaders(
  resources: Resources,
  syntax: ArraySyntax,
  resourceLists: readonly string[],
  start: PbsStartDirectory,
): string[] {
  const lines = textDirectives(PBS_PREFIX, resources, {
    name: "-N ",
    queue: "-q ",
    account: "-A ",
  });
  if (resources.timeSeconds !== undefined) {
    lines.push(`${PBS_PREFIX} -l walltime=${formatHms(resources.timeSeconds)}`);
  }
  lines.push(...resourceLists.map((list) => `${PBS_PREFIX} -l ${list}`));
  lines.push(...textDirectives(PBS_PREFIX, resources, { stdout: "-o ", stderr: "-e " }));
  lines.push(
    ...pbsArrayLines(PBS_PREFIX, syntax === TORQUE_ARRAY ? "-t" : "-J", resources, syntax),
  );
  return [
    ...lines,
    ...start.directives,
    ...pbsExtraLines(PBS_PREFIX, resources.extra),
    ...start.commands,
  ];
}

/** A PBS id: sequence number, `[]` for an array or `[N]` for a subjob, and `.server`. */
const PBS_JOB_ID = /^\d+(?:\[\d*\])?(?:\.[\w.-]+)?$/;

/**
 * What `qsub` prints (see `parsePbsJobId`). The server part may be left out when tracking a job
 * by hand, but a bare `0` is refused (`0.server` is a job id; `0` alone reads as "all" to some
 * tools).
 */
const PBS_JOB_ID_GRAMMAR: JobIdGrammar = Object.freeze({
  pattern: /^(?!0$)\d+(?:\[\d*\])?(?:\.[\w.-]+)?$/,
  description: "a sequence number and the server, as qsub prints it: 123.server, " +
    "123[].server (an array) or 123[4].server (a subjob); the server may be left out " +
    '(not for job "0")',
});

/**
 * `qsub` prints the full job id (`123.server`, arrays `123[].server`) as its last line. The
 * FULL id is kept: PBS tools want it (`qstat 123.server` works across servers; a bare `123`
 * only on the default server).
 */
function parsePbsJobId(output: CommandOutput, argv: readonly string[]): string {
  return submittedJobId(output, argv, (stdout) => {
    const last = nonEmptyLines(stdout).at(-1);
    return last !== undefined && PBS_JOB_ID.test(last) ? last : undefined;
  });
}

/** One job of `qstat -f` output: its id and `name = value` attributes. */
export interface QstatJob {
  /** The id after `Job Id:`. */
  id: string;
  /** Attributes, continuation lines joined, values trimmed. */
  attributes: Map<string, string>;
  /** Why the block cannot be read (a line of no known form before its first attribute). */
  problem?: string;
}

/** A `qstat -f` listing: its job blocks, and any text that comes before the first block. */
export interface QstatListing {
  /** The `Job Id:` blocks, in order. */
  jobs: QstatJob[];
  /** The first non-blank line before any `Job Id:` line: it belongs to no job. */
  stray?: string;
}

/** An attribute name's characters (`[\w.]`). */
const NAME_CHAR = /[\w.]/;

/**
 * One attribute line of `qstat -f`: `    name[.resource] = value`, indented by four blanks (Torque,
 * PBS Pro) or by a tab (Slurm's `qstat` wrapper, which never wraps values); that is
 * `/^([ \t])[ \t]*([\w.]+) = ?(.*)$/`, read by hand on the line `text[start, end)`:
 * `[indent, name, where the value starts]`, or `undefined`. A poll of 10,000 jobs reads 400,000
 * such lines; a line string, a match array and a value for each, most of them thrown away,
 * were most of the parse's garbage.
 */
function attributeAt(
  text: string,
  start: number,
  end: number,
): [indent: string, name: string, valueAt: number] | undefined {
  const indent = text[start];
  if (indent !== " " && indent !== "\t") return undefined;
  let at = start + 1;
  while (at < end && (text[at] === " " || text[at] === "\t")) at++;
  const nameAt = at;
  while (at < end && NAME_CHAR.test(text[at]!)) at++;
  if (at === nameAt || at + 1 >= end || text[at] !== " " || text[at + 1] !== "=") {
    return undefined;
  }
  return [indent, text.slice(nameAt, at), text[at + 2] === " " ? at + 3 : at + 2];
}

/** Whether `text[start, end)` is empty or white space only (what `trim()` removes). */
function isBlank(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code !== 32 && (code < 9 || code > 13) && text[at]!.trim() !== "") return false;
  }
  return true;
}

/**
 * Parses `qstat -f` text: `Job Id: ID` blocks of indented `name = value` lines. Values can run
 * over several lines in three ways, all seen in real output:
 * - Both flavours wrap a long value at about 78 columns with a newline and ONE tab, anywhere,
 *   even inside a word (`exceeded r` / `\tesource walltime`), and a blank that falls on the
 *   break starts the next piece (`terminated` / `\t by pbsuser@vm-pbs`, OpenPBS 23.06 in
 *   test/fixtures/real-outputs/openpbs/061): the piece is the line without that one tab.
 * - Values are printed raw, so a newline inside one (an exported bash function in
 *   `Variable_List`: body lines indented by one blank, a bare `}` in column 0; a Torque
 *   `sched_hint` with the text of a failed copy, blank lines and column-0 lines) starts a line
 *   of no form: it continues the value being read, after a newline.
 * - Blank lines separate blocks, and inside such raw values they are part of them.
 * A line of no form before a block's first attribute makes only that block unreadable
 * (`problem`); text before the first block is `stray`. With `keep`, only those attributes are
 * stored: a poll of 10,000 jobs needs a few of their ~40 attributes.
 */
export function parseQstatFull(text: string, keep?: ReadonlySet<string>): QstatListing {
  const listing: QstatListing = { jobs: [] };
  let current: QstatJob | undefined;
  let lastKey: string | undefined;
  let indent: string | undefined;
  let blanks = 0;
  /** Adds a piece to the value being read, if it is stored. */
  const append = (piece: () => string) => {
    if (current === undefined || lastKey === undefined) return;
    const previous = current.attributes.get(lastKey);
    if (previous !== undefined) current.attributes.set(lastKey, previous + piece());
  };
  const close = () => {
    if (current === undefined) return;
    for (const [key, value] of current.attributes) current.attributes.set(key, value.trim());
  };
  // Lines are read in place (`text[start, end)`) and cut out only when something of them is
  // kept: a poll of 10,000 jobs needs a few of their ~40 attributes.
  for (let next = 0; next <= text.length;) {
    const start = next;
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    next = end + 1;
    if (end > start && text[end - 1] === "\r") end--;
    if (text.startsWith("Job Id:", start)) {
      const header = /^Job Id:\s*(\S+)\s*$/.exec(text.slice(start, end));
      if (header !== null) {
        close();
        current = { id: header[1]!, attributes: new Map() };
        listing.jobs.push(current);
        lastKey = undefined;
        indent = undefined;
        blanks = 0;
        continue;
      }
    }
    if (current === undefined) {
      if (!isBlank(text, start, end)) listing.stray ??= text.slice(start, end);
      continue;
    }
    // The block's first attribute line tells how attributes are indented; where that is not a
    // tab, a line starting with a tab continues a value.
    if (text[start] === "\t" && lastKey !== undefined && indent !== "\t") {
      append(() => text.slice(start + 1, end));
      blanks = 0;
      continue;
    }
    if (isBlank(text, start, end)) {
      blanks++;
      continue;
    }
    const attribute = attributeAt(text, start, end);
    if (attribute !== undefined && (indent === undefined || attribute[0] === indent)) {
      indent = attribute[0];
      lastKey = attribute[1];
      if (keep === undefined || keep.has(lastKey)) {
        current.attributes.set(lastKey, text.slice(attribute[2], end));
      }
    } else if (lastKey !== undefined) {
      const gap = blanks;
      append(() => "\n".repeat(gap + 1) + text.slice(start, end));
    } else {
      current.problem ??= `Cannot parse qstat -f line "${
        text.slice(start, end)
      }" of job "${current.id}"`;
    }
    blanks = 0;
  }
  close();
  return listing;
}

/** Whether `id` names a whole job array (`123[]`, `123[].server`) rather than one job or subjob. */
export function isArrayId(id: string): boolean {
  return /^\d+\[\]/.test(id);
}

/** The array a subjob id belongs to: `123[4].server` → `123[]`; `undefined` for other ids. */
function arrayOfSubjob(id: string): string | undefined {
  const match = /^(\d+)\[\d+\]/.exec(id);
  return match === null ? undefined : `${match[1]}[]`;
}

/**
 * How many indices a Torque `job_array_request` names: `1-3`, `0,10,20-29`, with an optional
 * `%slots` limit; `undefined` when the text is not of that form.
 */
function requestedTasks(request: string | undefined): number | undefined {
  if (request === undefined) return undefined;
  let count = 0;
  for (const part of request.replace(/%\d+$/, "").split(",")) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (range === null) return undefined;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) return undefined;
    count += to - from + 1;
  }
  return count;
}

/** `123.server` and `123` both identify job 123 (and `123[]` the array). */
export function sequenceNumber(id: string): string {
  return /^(\d+(?:\[\d*\])?)/.exec(id)?.[1] ?? id;
}

/** Walltime `HH:MM:SS` (or seconds) in seconds; `undefined` when absent or malformed. */
function walltimeSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(":").map((part) => parseInteger(part));
  if (parts.some((part) => part === undefined) || parts.length > 3) return undefined;
  return (parts as number[]).reduce((total, part) => total * 60 + part, 0);
}

/**
 * Job states of Torque and PBS Pro (qstat(1B)): active ones; C (Torque completed), F (PBS Pro
 * finished) and X (PBS Pro finished subjob) are final and decided by the exit status.
 */
const ACTIVE_STATES: Readonly<Record<string, StatusCode>> = {
  B: Status.RUNNING,
  E: Status.RUNNING,
  R: Status.RUNNING,
  H: Status.PENDING,
  M: Status.PENDING,
  Q: Status.PENDING,
  S: Status.PENDING,
  T: Status.PENDING,
  U: Status.PENDING,
  W: Status.PENDING,
};
const FINAL_STATES = new Set(["C", "F", "X"]);

/**
 * A flavour's negative exit statuses for a job its MOM killed for exceeding a limit, by code:
 * the limit's name (`"walltime"` means a timeout). The two flavours number them differently.
 */
export type LimitKills = ReadonlyMap<number, string>;

/**
 * PBS Pro's `substate` of a job deleted by a delete request (`qdel`): JOB_SUBSTATE_TERMINATED
 * (OpenPBS `src/include/job.h`; set from `ji_terminated` in `src/server/svr_jobfunc.c`, for
 * jobs, subjobs and whole arrays). 92 is FINISHED and 93 FAILED (a non-zero exit, or for an
 * array: a failed or deleted subjob).
 */
const SUBSTATE_TERMINATED = "91";

/**
 * The outcome of a finished PBS job from its exit status (`exit_status` in Torque,
 * `Exit_status` in PBS Pro), whether it ran (`exec_host` or `resources_used.walltime` is set)
 * and PBS Pro's `substate`:
 * - substate 91 (deleted by `qdel`) → CANCELLED, whatever the exit status (a deleted array's
 *   subjob that never ran shows `Exit_status = 1`, OpenPBS 23.06 recording 082);
 * - no exit status: a job that never ran (deleted while queued or held, or a dependent whose
 *   parent failed) → CANCELLED; one that RAN → FAILED with an unknown exit code. Torque 6.1
 *   sets `exit_status` only from the MOM's obituary (`src/server/req_jobobit.c`) or when it
 *   aborts a job (`job_func.c`, 271); a job that ran (its `exec_host` is set when it starts) and
 *   is COMPLETE without one was finished by the server without hearing from its node — deleted
 *   or purged while the node was unreachable (`req_delete.c`: `force_purge_work`,
 *   `delete_inactive_job`), or lost in a server restart. Whether the script succeeded is
 *   unknown, so it is neither COMPLETED nor a cancel: FAILED, with a reason that says so;
 * - 0 → COMPLETED; 1–255 (the script's own code; 128+N when its shell saw signal N) → FAILED;
 * - 256+N: PBS killed the job with signal N (271 = SIGTERM from `qdel`) → CANCELLED, unless
 *   the job used its whole walltime, which means the walltime limit killed it → FAILED with a
 *   `timeout` reason; a job that never ran gets 271 when the server deletes it (Torque: an
 *   afterok child of a failed parent, with a comment saying so) → CANCELLED, no exit code;
 * - negative: PBS could not start or keep the job (JOB_EXEC_* codes): the flavour's limit kills
 *   (`limitKills`: Torque -11, PBS Pro -29 for the walltime) → FAILED, a `timeout` reason for
 *   the walltime; other codes → FAILED, with the walltime check as above.
 */
export function finishedPbsInfo(
  state: string,
  attributes: Map<string, string>,
  limitKills: LimitKills = new Map(),
): JobInfo {
  const exitStatus = parseInteger(attributes.get("Exit_status") ?? attributes.get("exit_status"));
  const host = attributes.get("exec_host");
  const ran = host !== undefined || attributes.has("resources_used.walltime");
  const comment = attributes.get("comment");
  const because = (text: string) =>
    comment !== undefined && !ran && comment !== "" ? `${text}: ${comment}` : text;
  if (attributes.get("substate") === SUBSTATE_TERMINATED) {
    if (!ran || exitStatus === undefined) {
      return jobInfo(
        Status.CANCELLED,
        state,
        undefined,
        ran ? "deleted while running (no exit status)" : because("deleted before it ran"),
      );
    }
    const signal = exitStatus > 256 ? exitStatus - 256 : undefined;
    return jobInfo(
      Status.CANCELLED,
      state,
      signal !== undefined ? 128 + signal : exitStatus >= 0 ? exitStatus : undefined,
      signal !== undefined
        ? `deleted while running, killed by signal ${signal} (exit status ${exitStatus})`
        : `deleted while running (exit status ${exitStatus})`,
    );
  }
  if (exitStatus === undefined) {
    if (ran) {
      return jobInfo(
        Status.FAILED,
        state,
        undefined,
        `ran${host === undefined ? "" : ` on ${host}`} but finished without an exit status ` +
          "(the server completed it without word from its node: deleted or purged while the " +
          "node was unreachable, or lost in a server restart); its outcome is unknown",
      );
    }
    return jobInfo(
      Status.CANCELLED,
      state,
      undefined,
      because("finished without running (no exit status)"),
    );
  }
  if (exitStatus >= 0 && exitStatus < 256) {
    return jobInfo(exitStatus === 0 ? Status.COMPLETED : Status.FAILED, state, exitStatus);
  }
  const limit = limitKills.get(exitStatus);
  if (limit !== undefined) {
    return jobInfo(
      Status.FAILED,
      state,
      undefined,
      limit === "walltime"
        ? `timeout: walltime limit reached, killed by PBS (exit status ${exitStatus})`
        : `killed by PBS for exceeding its ${limit} limit (exit status ${exitStatus})`,
    );
  }
  const used = walltimeSeconds(attributes.get("resources_used.walltime"));
  const allowed = walltimeSeconds(attributes.get("Resource_List.walltime"));
  const timedOut = used !== undefined && allowed !== undefined && used >= allowed;
  const what = exitStatus > 256
    ? `killed by signal ${exitStatus - 256} (exit status ${exitStatus})`
    : `PBS could not run the job (exit status ${exitStatus})`;
  const exitCode = exitStatus > 256 && ran ? 128 + exitStatus - 256 : undefined;
  if (timedOut) {
    return jobInfo(Status.FAILED, state, exitCode, `timeout: walltime limit reached, ${what}`);
  }
  if (exitStatus > 256 && !ran) {
    return jobInfo(
      Status.CANCELLED,
      state,
      undefined,
      because(`deleted before it ran (exit status ${exitStatus})`),
    );
  }
  return jobInfo(exitStatus > 256 ? Status.CANCELLED : Status.FAILED, state, exitCode, what);
}

/**
 * A finished array's own (summary) record, read only when the answer lists none of its
 * subjobs: PBS Pro's `substate` is derived from the subjobs (91 deleted, 93 a subjob failed or
 * was deleted, 92 all finished; `src/server/svr_jobfunc.c`), its `Exit_status` is not — it is
 * the class of whichever subjob changed state last (an array whose task 3 exited 5 shows
 * `Exit_status = 0`, OpenPBS 23.06 recording 053). Torque's summary has no exit status at all.
 */
function finishedArraySummary(job: QstatJob, state: string): JobInfo | string {
  const substate = job.attributes.get("substate");
  const reason = "from the array's summary record (qstat -t lists each task's exit status)";
  if (substate === SUBSTATE_TERMINATED) return jobInfo(Status.CANCELLED, state, undefined, reason);
  if (substate === "92") return jobInfo(Status.COMPLETED, state, undefined, reason);
  if (substate === "93") return jobInfo(Status.FAILED, state, undefined, reason);
  return `array "${job.id}" is finished (state ${state}) but the answer lists none of its ` +
    "tasks, whose exit statuses decide its outcome (ask with qstat -t)";
}

/** The JobInfo of one `qstat -f` job, or why it cannot be read. */
function pbsJobInfo(job: QstatJob, limitKills: LimitKills): JobInfo | string {
  if (job.problem !== undefined) return job.problem;
  const state = job.attributes.get("job_state");
  if (state === undefined) return `Cannot parse qstat -f output: job "${job.id}" has no job_state`;
  if (FINAL_STATES.has(state)) {
    const raw = job.attributes.get("Exit_status") ?? job.attributes.get("exit_status");
    if (raw !== undefined && parseInteger(raw) === undefined) {
      return `Cannot parse the exit status "${raw}" of job "${job.id}"`;
    }
    if (isArrayId(job.id)) return finishedArraySummary(job, state);
    return finishedPbsInfo(state, job.attributes, limitKills);
  }
  const status = ACTIVE_STATES[state];
  if (status === undefined) return `Cannot parse PBS job state "${state}" of job "${job.id}"`;
  return jobInfo(status, state, undefined, job.attributes.get("comment"));
}

/** The attributes a job's status is derived from (`pbsJobInfo`, `finishedPbsInfo`). */
const STATUS_ATTRIBUTES: ReadonlySet<string> = new Set([
  "job_state",
  "substate",
  "exit_status",
  "Exit_status",
  "exec_host",
  "resources_used.walltime",
  "Resource_List.walltime",
  "comment",
  "job_array_request",
]);

/**
 * stderr lines that only say an id is not (or no longer) in the live queue: Torque's
 * `qstat: Unknown Job Id 123.server` (also `Unknown Job Id Error`) and PBS Pro's
 * `qstat: 123.server Job has finished, use -x or -H to obtain historical job information`.
 */
const NOT_KNOWN = [/^qstat: Unknown Job Id\b/, /Job has finished, use -x or -H\b/];

/**
 * The exit code of `qstat` when an id is unknown: PBSE_UNKJOBID (15001) modulo 256, in both
 * flavours (Torque 6.1 and OpenPBS 23.06 recordings: `qstat: Unknown Job Id …`, exit 153).
 */
const UNKNOWN_JOB_EXIT = 153;

/**
 * Parses `qstat -f` (or `qstat -x -f`, with or without `-t`) output for `ids`. `qstat` prints
 * the jobs it knows on stdout and one line per unknown id on stderr, exiting non-zero (153)
 * if any is unknown; a `qstat` that exits 153 printing nothing (seen for purged Torque jobs)
 * says the same. Only other complaints (server down, bad option) make the whole query fail.
 *
 * Only records of asked ids count (Torque's `qstat -f N[]` without `-t` lists every job in the
 * queue). A subjob record (`N[k]`) counts for its own id and for its array `N[]` when either
 * was asked; an array's subjobs replace its summary record (see `finishedArraySummary`). A job
 * whose record cannot be read fails alone (`QueryError.failedIds`, see `AnswerReader`), and
 * so does an array with an unreadable subjob.
 */
export function parseQstatStatus(
  output: CommandOutput,
  ids: readonly string[],
  argv: readonly string[],
  limitKills: LimitKills = new Map(),
): Map<string, JobInfo> {
  const complaints = nonEmptyLines(output.stderr).filter(
    (line) => !NOT_KNOWN.some((pattern) => pattern.test(line)),
  );
  const silent = output.stderr.trim() === "";
  if (
    complaints.length > 0 || (output.code !== 0 && silent && output.code !== UNKNOWN_JOB_EXIT)
  ) {
    throw queryFailed(argv, output, "Status query failed");
  }
  const listing = parseQstatFull(output.stdout, STATUS_ATTRIBUTES);
  if (output.code === 0 && listing.jobs.length === 0 && ids.length > 0) {
    throw new QueryError(
      argv,
      listing.stray === undefined
        ? `Status query "${argv.join(" ")}" printed no job and no error`
        : `Cannot parse qstat -f line "${listing.stray}": no "Job Id:" line`,
    );
  }
  const reader = new AnswerReader(argv, ids);
  if (listing.stray !== undefined) {
    reader.failUnattributed(
      `Cannot parse qstat -f line "${listing.stray}": it comes before any "Job Id:" line`,
    );
  }
  const asked = new Set(ids);
  const bySequence = new Map(ids.map((id) => [sequenceNumber(id), id]));
  const summaries = new Map<string, JobInfo | string>();
  const arrays = new Map<string, SubjobRecords>();
  for (const job of listing.jobs) {
    const own = asked.has(job.id) ? job.id : bySequence.get(sequenceNumber(job.id));
    const array = arrayOfSubjob(job.id);
    const arrayId = array === undefined ? undefined : bySequence.get(array);
    if (own === undefined && arrayId === undefined) continue;
    const info = pbsJobInfo(job, limitKills);
    if (own !== undefined && isArrayId(own)) summaries.set(own, info);
    else if (own !== undefined) {
      if (typeof info === "string") reader.fail(own, info);
      else reader.add(own, info);
    }
    if (arrayId === undefined) continue;
    const records = arrays.get(arrayId) ??
      {
        ids: new Set(),
        tasks: new Map(),
        info: undefined,
        requested: undefined,
        problem: undefined,
      };
    arrays.set(arrayId, records);
    records.ids.add(job.id);
    if (typeof info === "string") records.problem ??= info;
    else {
      records.info = mergeInfo(records.info, info);
      const index = /\[(\d+)\]/.exec(job.id)?.[1];
      if (index !== undefined) records.tasks.set(Number(index), info);
    }
    records.requested ??= requestedTasks(job.attributes.get("job_array_request"));
  }
  for (const [id, info] of summaries) {
    if (arrays.has(id)) continue;
    if (typeof info === "string") reader.fail(id, info);
    else reader.add(id, info);
  }
  for (const [id, records] of arrays) {
    if (records.problem !== undefined) reader.fail(id, `a task's record: ${records.problem}`);
    else reader.set(id, arrayInfo(records));
  }
  return reader.result();
}

/** What `qstat -t` printed about the subjobs of one requested array id. */
interface SubjobRecords {
  /** The subjob ids seen. */
  ids: Set<string>;
  /** What each subjob's record says, by index. */
  tasks: Map<number, JobInfo>;
  /** Their merged JobInfo (see `mergeInfo`: any active task wins, else the worst end). */
  info: JobInfo | undefined;
  /** How many subjobs the array's `job_array_request` names, when it is known. */
  requested: number | undefined;
  /** Why one of the subjob records cannot be read. */
  problem: string | undefined;
}

/**
 * An array's JobInfo from its subjobs. Torque purges each finished subjob `keep_completed`
 * seconds after it ends, even while its siblings still run: when every listed subjob has ended
 * but fewer are listed than `job_array_request` names, the missing ones' exit statuses are
 * lost, so the array cannot be called COMPLETED; it ends FAILED with a reason saying so.
 */
function arrayInfo(records: SubjobRecords): JobInfo {
  const info = { ...records.info!, tasks: records.tasks };
  const seen = records.ids.size;
  const requested = records.requested;
  if (info.status < 0 || requested === undefined || seen >= requested) return info;
  if (info.status === Status.FAILED) return info;
  return {
    ...jobInfo(
      Status.FAILED,
      info.state,
      undefined,
      `${requested - seen} of ${requested} array tasks left qstat before their exit status was ` +
        "read (raise the server's keep_completed above the array's run time)",
    ),
    tasks: records.tasks,
  };
}

/** Both flavours submit with `qsub FILE`. */
function qsubCommand(filename: string): SubmitCommand {
  return { argv: ["qsub", scriptArgument(filename)] };
}

/** Both flavours' live status query: `qstat -f ID …`. */
export function qstatFullArgv(ids: readonly string[]): string[] {
  return ["qstat", "-f", ...ids];
}

/** `qstat -f ID …` in chunks: PBS Pro's status commands (Torque adds `-t` for arrays). */
export function qstatStatusCommands(ids: readonly string[]): QueryCommand[] {
  return chunkedQueries(ids, qstatFullArgv);
}

/** The common command for both flavours' cancel: `qdel ID …`. */
function qdelCommand(ids: readonly string[]): string[] {
  return ["qdel", ...ids];
}

/** What a PBS flavour adds to the family: its name, array index variable, resources and queries. */
export type PbsFlavour =
  & Pick<
    Backend,
    "name" | "statusCommands" | "parseStatus" | "accountingCommands" | "parseAccounting"
  >
  & Partial<Pick<Backend, "maxPollInterval" | "knownOptions" | "submitOutcome" | "submitToken">>
  & {
    /** The variable that holds a job array's index (`PBS_ARRAYID`, `PBS_ARRAY_INDEX`). */
    arrayIndex: string;
    /** The flavour's array request: Torque `-t`, PBS Pro `-J`. */
    arraySyntax: ArraySyntax;
    /** The flavour's own resource lists (layout, memory, GPUs): `-l` lines after the walltime. */
    resourceLists(resources: Resources, layout: Layout): string[];
    /** How the flavour starts the job in the directory qsub ran in. */
    startDirectory(resources: Resources): PbsStartDirectory;
    /** Whether an array parent takes the `-W depend` array types (`afterokarray`: Torque). */
    dependencyArrayForms: boolean;
  };

/**
 * A backend of the PBS family: the flavour's parts, and what both flavours share — the `pbs`
 * extension, `#PBS` headers around the flavour's resource lines, `qsub FILE` (the full id is
 * kept) and `qdel ID …`.
 */
export function pbsBackend(flavour: PbsFlavour): Backend {
  const {
    name,
    arrayIndex,
    arraySyntax,
    resourceLists,
    startDirectory,
    dependencyArrayForms,
    ...queries
  } = flavour;
  return guardJobIds({
    name,
    jobIdGrammar: PBS_JOB_ID_GRAMMAR,
    extension: "pbs",
    prefix: PBS_PREFIX,
    envVars: pbsEnvVars(arrayIndex),
    arraySyntax,
    renderHeaders: (given: Resources): string[] => {
      const resources = withFileTokens(given, arraySyntax, name);
      return pbsHeaders(
        resources,
        arraySyntax,
        resourceLists(resources, layoutOf(resources)),
        startDirectory(resources),
      );
    },
    dependencyHeaders: (dependencies: readonly JobDependency[]): string[] =>
      pbsDependencyHeaders(
        { name, jobIdGrammar: PBS_JOB_ID_GRAMMAR },
        dependencies,
        dependencyArrayForms,
      ),
    submitCommand: qsubCommand,
    parseJobId: parsePbsJobId,
    ...queries,
    causeOf: pbsCause,
    cancelCommand: qdelCommand,
  });
}
