/**
 * Private parts shared by the Torque (`pbs`) and PBS Professional (`pbspro`) backends: the
 * common header lines, `qsub` id parsing, `qstat -f` parsing and exit-status rules.
 *
 * @module
 */

import { QueryError } from "../src/core/errors.ts";
import type { Resources } from "../src/core/resources.ts";
import { Status, type StatusCode } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
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
  addInfo,
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
  /** Attributes, continuation lines joined. */
  attributes: Map<string, string>;
}

/** One attribute line of `qstat -f`: `    name[.resource] = value`. */
const ATTRIBUTE = /^\s+([\w.]+) = ?(.*)$/;

/**
 * Parses `qstat -f` text: `Job Id: ID` blocks of indented `name = value` lines; a value that
 * does not fit on one line continues on following lines indented by a tab (both flavours
 * wrap long values). With `keep`, only those attributes are stored (the others are still
 * checked): a poll of 10,000 jobs needs five of their ~40 attributes.
 */
export function parseQstatFull(
  text: string,
  argv: readonly string[],
  keep?: ReadonlySet<string>,
): QstatJob[] {
  const jobs: QstatJob[] = [];
  let current: QstatJob | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    const header = line.startsWith("Job Id:") ? /^Job Id:\s*(\S+)\s*$/.exec(line) : null;
    if (header !== null) {
      current = { id: header[1]!, attributes: new Map() };
      jobs.push(current);
      lastKey = undefined;
      continue;
    }
    const attribute = ATTRIBUTE.exec(line);
    if (current !== undefined && attribute !== null) {
      lastKey = attribute[1]!;
      if (keep === undefined || keep.has(lastKey)) {
        current.attributes.set(lastKey, attribute[2]!.trim());
      }
    } else if (current !== undefined && lastKey !== undefined && /^\s/.test(line)) {
      const previous = current.attributes.get(lastKey);
      if (previous !== undefined) current.attributes.set(lastKey, previous + line.trim());
    } else {
      throw new QueryError(argv, `Cannot parse qstat -f line "${line}"`);
    }
  }
  return jobs;
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
 * The outcome of a finished PBS job from its exit status (`exit_status` in Torque,
 * `Exit_status` in PBS Pro):
 * - missing: the job never ran (deleted while queued) → CANCELLED;
 * - 0 → COMPLETED; 1–255 (the script's own code; 128+N when its shell saw signal N) → FAILED;
 * - 256+N: PBS killed the job with signal N (271 = SIGTERM from `qdel`) → CANCELLED, unless
 *   the job used its whole walltime, which means the walltime limit killed it → FAILED with a
 *   `timeout` reason (PBS has no separate state for that);
 * - negative: PBS could not start or keep the job (JOB_EXEC_* codes, resource-limit kills) →
 *   FAILED, with the walltime check as above.
 */
export function finishedPbsInfo(state: string, attributes: Map<string, string>): JobInfo {
  const raw = attributes.get("Exit_status") ?? attributes.get("exit_status");
  const exitStatus = parseInteger(raw);
  if (exitStatus === undefined) {
    return jobInfo(Status.CANCELLED, state, undefined, "finished without running (no exit status)");
  }
  if (exitStatus >= 0 && exitStatus < 256) {
    return jobInfo(exitStatus === 0 ? Status.COMPLETED : Status.FAILED, state, exitStatus);
  }
  const used = walltimeSeconds(attributes.get("resources_used.walltime"));
  const limit = walltimeSeconds(attributes.get("Resource_List.walltime"));
  const timedOut = used !== undefined && limit !== undefined && used >= limit;
  const what = exitStatus > 256
    ? `killed by signal ${exitStatus - 256} (exit status ${exitStatus})`
    : `PBS could not run the job (exit status ${exitStatus})`;
  const exitCode = exitStatus > 256 ? 128 + exitStatus - 256 : undefined;
  if (timedOut) {
    return jobInfo(Status.FAILED, state, exitCode, `timeout: walltime limit reached, ${what}`);
  }
  return jobInfo(exitStatus > 256 ? Status.CANCELLED : Status.FAILED, state, exitCode, what);
}

/** The JobInfo of one `qstat -f` job. */
function pbsJobInfo(job: QstatJob, argv: readonly string[]): JobInfo {
  const state = job.attributes.get("job_state");
  if (state === undefined) {
    throw new QueryError(argv, `Cannot parse qstat -f output: job "${job.id}" has no job_state`);
  }
  if (FINAL_STATES.has(state)) return finishedPbsInfo(state, job.attributes);
  const status = ACTIVE_STATES[state];
  if (status === undefined) {
    throw new QueryError(argv, `Cannot parse PBS job state "${state}" of job "${job.id}"`);
  }
  return jobInfo(status, state, undefined, job.attributes.get("comment"));
}

/** The attributes a job's status is derived from (`pbsJobInfo`, `finishedPbsInfo`). */
const STATUS_ATTRIBUTES: ReadonlySet<string> = new Set([
  "job_state",
  "exit_status",
  "Exit_status",
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
 * Parses `qstat -f` (or `qstat -x -f`) output for `ids`. `qstat` prints the jobs it knows on
 * stdout and one line per unknown id on stderr, exiting non-zero if any is unknown; only other
 * complaints (server down, bad option) make the query fail.
 */
export function parseQstatStatus(
  output: CommandOutput,
  ids: readonly string[],
  argv: readonly string[],
): Map<string, JobInfo> {
  const complaints = nonEmptyLines(output.stderr).filter(
    (line) => !NOT_KNOWN.some((pattern) => pattern.test(line)),
  );
  if (complaints.length > 0 || (output.code !== 0 && output.stderr.trim() === "")) {
    throw queryFailed(argv, output, "Status query failed");
  }
  const jobs = parseQstatFull(output.stdout, argv, STATUS_ATTRIBUTES);
  if (output.code === 0 && jobs.length === 0 && ids.length > 0) {
    throw new QueryError(argv, `Status query "${argv.join(" ")}" printed no job and no error`);
  }
  const asked = new Set(ids);
  const bySequence = new Map(ids.map((id) => [sequenceNumber(id), id]));
  const result = new Map<string, JobInfo>();
  const arrays = new Map<string, SubjobRecords>();
  for (const job of jobs) {
    const id = asked.has(job.id) ? job.id : bySequence.get(sequenceNumber(job.id));
    if (id !== undefined) {
      addInfo(result, id, pbsJobInfo(job, argv));
      continue;
    }
    const array = arrayOfSubjob(job.id);
    const arrayId = array === undefined ? undefined : bySequence.get(array);
    if (arrayId === undefined) continue;
    const records = arrays.get(arrayId) ??
      { ids: new Set(), info: undefined, requested: undefined };
    arrays.set(arrayId, records);
    records.ids.add(job.id);
    records.info = mergeInfo(records.info, pbsJobInfo(job, argv));
    records.requested ??= requestedTasks(job.attributes.get("job_array_request"));
  }
  // Subjob records (Torque `qstat -t`) replace an array's summary record, which carries no
  // exit status of its own.
  for (const [id, records] of arrays) result.set(id, arrayInfo(records));
  return result;
}

/** What `qstat -t` printed about the subjobs of one requested array id. */
interface SubjobRecords {
  /** The subjob ids seen. */
  ids: Set<string>;
  /** Their merged JobInfo (see `mergeInfo`: any active task wins, else the worst end). */
  info: JobInfo | undefined;
  /** How many subjobs the array's `job_array_request` names, when it is known. */
  requested: number | undefined;
}

/**
 * An array's JobInfo from its subjobs. Torque purges each finished subjob `keep_completed`
 * seconds after it ends, even while its siblings still run: when every listed subjob has ended
 * but fewer are listed than `job_array_request` names, the missing ones' exit statuses are
 * lost, so the array cannot be called COMPLETED; it ends FAILED with a reason saying so.
 */
function arrayInfo(records: SubjobRecords): JobInfo {
  const info = records.info!;
  const seen = records.ids.size;
  const requested = records.requested;
  if (info.status < 0 || requested === undefined || seen >= requested) return info;
  if (info.status === Status.FAILED) return info;
  return jobInfo(
    Status.FAILED,
    info.state,
    undefined,
    `${requested - seen} of ${requested} array tasks left qstat before their exit status was ` +
      "read (raise the server's keep_completed above the array's run time)",
  );
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

/** Parses the output of one of {@linkcode qstatStatusCommands}. */
export function parseQstatFullStatus(
  output: CommandOutput,
  ids: readonly string[],
): Map<string, JobInfo> {
  return parseQstatStatus(output, ids, qstatFullArgv(ids));
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
  & Partial<Pick<Backend, "maxPollInterval" | "knownOptions">>
  & {
    /** The variable that holds a job array's index (`PBS_ARRAYID`, `PBS_ARRAY_INDEX`). */
    arrayIndex: string;
    /** The flavour's own resource lists (layout, memory, GPUs): `-l` lines after the walltime. */
    resourceLists(resources: Resources, layout: Layout): string[];
    /** How the flavour starts the job in the directory qsub ran in. */
    startDirectory(resources: Resources): PbsStartDirectory;
  };

/**
 * A backend of the PBS family: the flavour's parts, and what both flavours share — the `pbs`
 * extension, `#PBS` headers around the flavour's resource lines, `qsub FILE` (the full id is
 * kept) and `qdel ID …`.
 */
export function pbsBackend(flavour: PbsFlavour): Backend {
  const { name, arrayIndex, resourceLists, startDirectory, ...queries } = flavour;
  return guardJobIds({
    name,
    jobIdGrammar: PBS_JOB_ID_GRAMMAR,
    extension: "pbs",
    prefix: PBS_PREFIX,
    envVars: pbsEnvVars(arrayIndex),
    renderHeaders: (resources: Resources): string[] =>
      pbsHeaders(
        resources,
        resourceLists(resources, layoutOf(resources)),
        startDirectory(resources),
      ),
    submitCommand: qsubCommand,
    parseJobId: parsePbsJobId,
    ...queries,
    cancelCommand: qdelCommand,
  });
}
