/**
 * What `bhist` prints from the event log: a job's history (its status as the log tells it,
 * the time it spent in each state) as the long record of `bhist -l` or the summary table.
 * Finished jobs show their final events once the engine's accounting knows them (its
 * accounting lag applies, like `tracejob`).
 *
 * Sources: OpenLava `lsbatch/cmd/bhist.c` (record layout: blank line, `Job <N>, Job Name <n>,
 * User <u>, Project <p>, Command <c>`, the submission line, one line per event, `Summary of time
 * in seconds spent in various states by <time>` with `  %-9.0f…%-12.0f` columns, records
 * separated by 78 dashes, a final empty line; the default table `%-7.7s %-7.7s %-9.9s
 * %-8.0f…%-10.0f` with names cut to `*` + last 7; event texts `Starting (Pid N)`, `Running with
 * execution home <h>, Execution CWD <c>, Execution Pid <p>`, `Done successfully. The CPU time
 * used is X seconds`, `Exited with exit code N`, `Exited by signal N`, `Signal <KILL> requested
 * by user or administrator <u>`, `Post job process done successfully`) and
 * `lsbatch/cmd/cmd.job.c` (`Submitted from host <h> with hold, to Queue <q>`, `CWD <$HOME/x>`,
 * `Output File`, `Error File`, `Dependency Condition`, the ` RUNLIMIT` block); Administering
 * LSF 10.1 "Termination reasons displayed by bacct, bhist, and bjobs" (`TERM_OWNER`,
 * `TERM_RUNLIMIT`, ...); LSF 10.1 `bhist -l`/`bjobs -l` transcripts published from real
 * clusters (G. Samu's Spectrum LSF GPU blog posts, site user guides): `Dispatched N Task(s) on
 * Host(s) <h>, Allocated N Slot(s) on Host(s) <h>, Effective RES_REQ <...>`, `N Task(s)` in the
 * submission line, `<2*host>`, lines cut at 79 columns and continued after a 21-column indent,
 * the space at a cut kept.
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import { lsfJobData } from "./_job_data.ts";
import {
  elementName,
  lsfExitCode,
  lsfExitReason,
  lsfJobLabel,
  lsfStatus,
  slotsPerHost,
  truncateLeft,
} from "./_jobs.ts";
import { ctime } from "../_common/format.ts";
import { fixed, padEnd } from "../_common/words.ts";
import { LSF10, type LsfDialect } from "./dialect.ts";

/** `Mon Nov 25 10:00:00` (ctime without the year, day space-padded). */
export function stamp(ms: number): string {
  return ctime(ms).slice(0, 19);
}

/** How a job looks in the event log now: finished only once accounting logged its end. */
export interface History {
  job: SimJob;
  /** PEND, PSUSP, RUN, DONE or EXIT as the log tells it. */
  status: string;
  /** Whether the end events are logged. */
  ended: boolean;
}

/** A job as the event log tells it, given the jobs whose end accounting has logged. */
export function historyOf(job: SimJob, logged: Pick<ReadonlySet<SimJob>, "has">): History {
  const ended = job.endTime !== undefined && logged.has(job);
  if (ended) return { job, status: lsfStatus(job), ended };
  if (job.startTime !== undefined) return { job, status: "RUN", ended };
  return { job, status: job.held !== undefined ? "PSUSP" : "PEND", ended };
}

/** Seconds spent pending, pending-suspended and running, and the time they are counted up to. */
function timeSpent(history: History, now: number): { values: number[]; until: number } {
  const { job } = history;
  const until = history.ended ? job.endTime as number : now;
  const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
  const waited = seconds((job.startTime ?? until) - job.submitTime);
  const ran = job.startTime === undefined ? 0 : seconds(until - job.startTime);
  // The engine does not record when a hold began: a job held now, or submitted held and never
  // started, counts its wait as PSUSP (raw/openlava/063: 14 s PSUSP for a held job killed).
  const held = history.status === "PSUSP" ||
    (job.request.hold === true && job.startTime === undefined);
  return { values: [held ? 0 : waited, held ? waited : 0, ran, 0, 0, 0], until };
}

/** The job's home directory (its `HOME`, else `/home/<user>`). */
export function homeOf(job: SimJob): string {
  return job.request.exportedEnv?.HOME ?? `/home/${job.request.user}`;
}

/** `$HOME`-relative, as the submission record stores a directory under the home directory. */
export function displayCwd(path: string, home: string): string {
  if (path === home) return "$HOME";
  return path.startsWith(`${home}/`) ? `$HOME/${path.slice(home.length + 1)}` : path;
}

/** The slots of a job: those it was dispatched on, else those it asked for. */
export function slotsOf(job: SimJob): number {
  return slotsPerHost(job).reduce((sum, [, n]) => sum + n, 0) || (lsfJobData(job)?.slots ?? 1);
}

/**
 * The submission event: host, hold, queue (`bhist -l`; `bjobs -l` names it in the header),
 * directory, files, tasks, dependency.
 */
export function submissionLine(
  job: SimJob,
  home: string,
  dialect: LsfDialect,
  withQueue: boolean,
): string {
  const request = job.request;
  const data = lsfJobData(job);
  const slots = slotsOf(job);
  let submitted = `${stamp(job.submitTime)}: Submitted from host <${request.submitHost ?? "-"}>${
    request.hold ? dialect.heldWords : ""
  }`;
  if (withQueue) submitted += `${dialect.toQueueSeparator} to Queue <${job.queue}>`;
  submitted += `, CWD <${displayCwd(data?.submitCwd ?? request.workdir, home)}>`;
  if (data?.outputFile !== undefined) submitted += `, Output File <${data.outputFile}>`;
  if (data?.errorFile !== undefined) submitted += `, Error File <${data.errorFile}>`;
  if (slots > 1) {
    submitted += dialect.name === "lsf10"
      ? `, ${slots} Task(s)`
      : `, ${slots} Processors Requested`;
  }
  if (data?.dependency !== undefined) {
    submitted += `, Dependency Condition <${data.dependency}>`;
  }
  return submitted + ";";
}

/** The RUNLIMIT block of a job with a run limit (none without one). */
export function runLimitLines(job: SimJob, dialect: LsfDialect): string[] {
  if (job.timeLimitSeconds === undefined) return [];
  const host = job.nodeList[0] ?? job.request.submitHost ?? "-";
  return dialect.runLimitBlock(job.timeLimitSeconds / 60, host);
}

/** `<host>` words of a started job: `<2*host>` for several slots on one host (LSF 10). */
export function hostWords(job: SimJob): string {
  return slotsPerHost(job).map(([host, n]) => n > 1 ? `<${n}*${host}>` : `<${host}>`).join(" ");
}

/** The dispatch events of a started job. */
function startLines(job: SimJob, startTime: number, home: string, dialect: LsfDialect): string[] {
  const at = stamp(startTime);
  const pid = 10_000 + job.id;
  return [
    `${at}: ${dialect.dispatchEvent(slotsOf(job), hostWords(job))}`,
    `${at}: Starting (Pid ${pid});`,
    `${at}: Running with execution home <${home}>, Execution CWD <${job.request.workdir}>, ` +
    `Execution Pid <${pid}>;`,
  ];
}

/** The logical lines (before wrapping) of one job's long record. */
function longLines(history: History, now: number, dialect: LsfDialect): string[] {
  const { job } = history;
  const home = homeOf(job);
  const lines = [
    `${recordStart(job, dialect)} Command <${commandOf(job)}>`,
    submissionLine(job, home, dialect, true),
    ...runLimitLines(job, dialect),
  ];
  if (job.startTime !== undefined) lines.push(...startLines(job, job.startTime, home, dialect));
  if (history.ended) lines.push(...endLines(job, dialect));
  const { values, until } = timeSpent(history, now);
  const total = values.reduce((sum, value) => sum + value, 0);
  lines.push(
    "",
    `Summary of time in seconds spent in various states by  ${stamp(until)}`,
    "  PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL",
    "  " + values.map((value) => padEnd(String(value), 9)).join("") +
      padEnd(String(total), 12),
  );
  return lines;
}

/** The command a long record shows: bsub keeps the script it read, its lines joined by `;`. */
export function commandOf(job: SimJob): string {
  return job.request.script.trimEnd().replaceAll("\n", ";");
}

/**
 * The first words of a long record, up to the command: `Job <N>, Job Name <n>, User <u>,
 * Project <p>,` and, for `bjobs -l`, `Status <S>, Queue <q>,`. The job name shows when it is
 * not the command itself.
 */
export function recordStart(job: SimJob, dialect: LsfDialect, status?: string): string {
  const name = elementName(job);
  const named = name === commandOf(job) ? "" : ` Job Name <${name}>,`;
  const project = lsfJobData(job)?.project ?? "default";
  const state = status === undefined ? "" : ` Status <${status}>, Queue <${job.queue}>,`;
  return `${dialect.recordId(lsfJobLabel(job))},${named} User <${job.request.user}>, ` +
    `Project <${project}>,${state}`;
}

/** The end events: a kill request, `Done`/`Exited`, the termination reason, post-job processing. */
function endLines(job: SimJob, dialect: LsfDialect): string[] {
  const at = stamp(job.endTime as number);
  const lines: string[] = [];
  if (job.state === "CANCELLED") {
    lines.push(`${at}: Signal <KILL> requested by user or administrator <${job.request.user}>;`);
  }
  const cpu = ". The CPU time used is 0.0 seconds;";
  if (job.state === "COMPLETED") lines.push(`${at}: Done successfully${cpu}`);
  else if (job.startTime === undefined) lines.push(`${at}: Exited;`);
  else if (["NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY"].includes(job.state)) {
    lines.push(`${at}: Exited by signal ${job.signal ?? 9}${cpu}`);
  } else lines.push(`${at}: Exited with exit code ${lsfExitCode(job)}${cpu}`);
  const reason = lsfExitReason(job);
  if (reason !== "-" && dialect.terminationReasons) {
    lines.push(`${at}: Completed <exit>; ${reason}.`);
  }
  if (job.startTime !== undefined && (job.state === "COMPLETED" || dialect.postJobAfterExit)) {
    lines.push(`${at}: Post job process done successfully;`);
  }
  return lines;
}

/** What separates long records. */
const SEPARATOR = "-".repeat(78);

/**
 * Long records (`bhist -l`, `bjobs -l`), each a blank line and its lines, separated by 78
 * dashes, the whole ended by a blank line.
 */
export function joinRecords(records: readonly string[]): string {
  return records.map((record) => "\n" + record + "\n").join(SEPARATOR + "\n") + "\n";
}

/** `bhist -l`: each job's long record, wrapped, separated by 78 dashes. */
export function longFormat(
  histories: readonly History[],
  now: number,
  dialect: LsfDialect = LSF10,
): string {
  return joinRecords(
    histories.map((history) => longLines(history, now, dialect).map(dialect.wrap).join("\n")),
  );
}

/** The default table: seconds spent in each state, per job (`-w`: names not cut). */
export function summaryTable(histories: readonly History[], now: number, wide: boolean): string {
  let out = "Summary of time in seconds spent in various states:\n" +
    "JOBID   USER    JOB_NAME  PEND    PSUSP   RUN     USUSP   SSUSP   UNKWN   TOTAL\n";
  for (const history of histories) {
    const { values } = timeSpent(history, now);
    const total = values.reduce((sum, value) => sum + value, 0);
    const { job } = history;
    const id = lsfJobLabel(job);
    const name = elementName(job);
    const columns = wide
      ? `${padEnd(id, 7)} ${padEnd(job.request.user, 7)} ${padEnd(name, 9)} `
      : `${fixed(id, 7)} ${fixed(job.request.user, 7)} ${fixed(truncateLeft(name, 8), 9)} `;
    out += columns + values.map((value) => padEnd(String(value), 8)).join("") +
      padEnd(String(total), 10) + "\n";
  }
  return out + "\n";
}
