/**
 * The long record format that `bhist -l` and `bjobs -l` share, in both dialects the LSF backend
 * reads: a header line `Job <123>, Job Name <x>, …` (IBM Spectrum LSF 10.1) or `Job Id <123>,
 * …` (OpenLava 4.0 and the LSF of its era), then time-stamped event lines, with lines cut at 79
 * columns. Internal; not exported from `mod.ts`.
 *
 * Sources: IBM Spectrum LSF 10.1 Command Reference "bhist" and "bjobs" (`-l`); OpenLava
 * `lsbatch/cmd/bhist.c` and `lsbatch/cmd/bjobs.c` (event texts `Done successfully`, `Exited
 * with exit code N`, `Exited by signal N`, `Signal <KILL> requested by user or administrator
 * <u>`, `Delete requested by user or administrator <u>`, `Pending: Job has been requeued`,
 * records separated by a line of dashes), `lsbatch/cmd/cmd.prt.c` (`prtLine`: long lines wrap
 * at the terminal width and continue after a blank indent as wide as the `Mon Nov 25 10:00:00: `
 * time stamp, 21 columns; 26 when LSF prints the year), and the OpenLava 4.0 recordings in
 * test/fixtures/real-outputs/openlava/ (header `Job Id <104>,`, `Status <EX` / `IT>` cut inside
 * a word, a `RUNLIMIT` block, `[2] started on <vm>` for an array element).
 *
 * @module
 */

import type { JobInfo } from "../src/core/backend.ts";
import { Status } from "../src/core/status.ts";
import { type AnswerReader, jobInfo } from "./_commands.ts";
import { finishedInfo, LSF_ACTIVE_STATES } from "./_lsf_common.ts";

/** `Mon Nov 25 10:00:00: ` (or `Mon Nov 25 10:00:00 2024: `) at the start of an event line. */
const TIME_STAMP =
  /^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?: (\d{4}))?: /;

/** `Job <123>,` (LSF 10) or `Job Id <123>,` (OpenLava), or with an array index `<123[4]>`. */
const HEADER = /^Job (?:Id )?<(\d+)(?:\[(\d+)\])?>,/;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Signals whose request means "kill this job" (bkill sends INT, TERM, KILL; -s names one). */
const KILLING_SIGNALS = new Set(["KILL", "SIGKILL", "TERM", "SIGTERM", "INT", "SIGINT"]);

/**
 * The exit code of a job killed at its run limit by OpenLava: 128 + SIGUSR2 (12), the warning
 * signal `sbatchd` sends when the run time passes the limit (`lsbatch/daemons/sbd.policy.c`,
 * `jobsig(jobCard, SIGUSR2, FALSE)`; SIGQUIT and the kill follow only if the job survives it).
 * OpenLava prints no `TERM_RUNLIMIT`: `Exited with exit code 140.` and a `RUNLIMIT` block
 * (test/fixtures/real-outputs/openlava/069, 070).
 */
const RUN_LIMIT_EXIT = 140;

/**
 * Joins wrapped lines: a line that starts with the continuation indent (as wide as the time
 * stamp plus `: `) continues the header or event line before it, glued without a separator
 * because LSF cuts anywhere, even inside a word.
 */
export function unwrapLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const stamp = lines.map((line) => TIME_STAMP.exec(line)?.[0]).find((match) => match);
  const indent = " ".repeat(stamp?.length ?? 21);
  const logical: string[] = [];
  let open = false;
  for (const line of lines) {
    if (open && line.startsWith(indent) && line.trim() !== "") {
      logical[logical.length - 1] += line.slice(indent.length);
      continue;
    }
    logical.push(line);
    open = HEADER.test(line) || TIME_STAMP.test(line);
  }
  return logical;
}

/** One time-stamped event of a record. */
export interface LongEvent {
  /** Seconds of the time stamp, counted in a year-2000 calendar when LSF prints no year. */
  at: number;
  /** The event text, time stamp removed. */
  text: string;
}

/** One job's record: its id, array index, header, events and the blocks the parsers use. */
export interface LongRecord {
  /** The job id of the header. */
  id: string;
  /** The array index of the header (`Job <7[2]>`), if any. */
  index?: string;
  /** The header line, wrapped pieces joined. */
  header: string;
  /** The time-stamped events, in order. */
  events: LongEvent[];
  /** The run limit of a `RUNLIMIT` block (`1.0 min of vm`), in seconds. */
  runLimit?: number;
  /** The first line of a `PENDING REASONS:` block (`bjobs -l`), without the final `;`. */
  pendingReason?: string;
}

function stampSeconds(match: RegExpExecArray): number {
  const [, month, day, hours, minutes, seconds, year] = match;
  const date = Date.UTC(
    year === undefined ? 2000 : Number(year),
    MONTHS.indexOf(month!),
    Number(day),
    Number(hours),
    Number(minutes),
    Number(seconds),
  );
  return date / 1000;
}

/**
 * The records of unwrapped long-format lines. `stray` is the first non-blank line before the
 * first header: it belongs to no job.
 */
export function longRecords(lines: readonly string[]): { records: LongRecord[]; stray?: string } {
  const records: LongRecord[] = [];
  let stray: string | undefined;
  let block: "runlimit" | "pending" | undefined;
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      const record: LongRecord = { id: header[1]!, header: line, events: [] };
      if (header[2] !== undefined) record.index = header[2];
      records.push(record);
      block = undefined;
      continue;
    }
    const record = records.at(-1);
    const text = line.trim();
    if (record === undefined) {
      if (text !== "") stray ??= text;
      continue;
    }
    const stamp = TIME_STAMP.exec(line);
    if (stamp) {
      record.events.push({ at: stampSeconds(stamp), text: line.slice(stamp[0].length).trim() });
      block = undefined;
    } else if (text === "RUNLIMIT") block = "runlimit";
    else if (text === "PENDING REASONS:") block = "pending";
    else if (text === "") block = undefined;
    else if (block === "runlimit") {
      const minutes = /^(\d+(?:\.\d+)?) min\b/.exec(text)?.[1];
      if (minutes !== undefined) record.runLimit = Number(minutes) * 60;
      block = undefined;
    } else if (block === "pending") {
      record.pendingReason ??= text.replace(/;$/, "");
    }
  }
  return stray === undefined ? { records } : { records, stray };
}

/** What the events of one record say, replayed in order. */
interface Replay {
  state: string;
  exitCode?: number;
  termination: string;
  killRequest: string;
  detail: string;
  /** When the last run started (seconds of its time stamp), if it did. */
  startedAt?: number;
  /** When it ended. */
  endedAt?: number;
}

function replay(events: readonly LongEvent[]): Replay {
  let result: Replay = { state: "PEND", termination: "", killRequest: "", detail: "" };
  for (const { at, text } of events) {
    const clean = text.replace(/[;.]\s*$/, "");
    if (/^Submitted from host/.test(text)) result.state = "PEND";
    else if (/^Pending\b|^Exited; job will be requeued/.test(text)) {
      // Requeued (brequeue, REQUEUE_EXIT_VALUES, rerun): a new run starts from scratch.
      result = { state: "PEND", termination: "", killRequest: "", detail: "" };
    } else if (/^(?:\[\d+\] )?(?:Dispatched|[Ss]tarted|Starting|Running|Resumed)/.test(text)) {
      result.startedAt ??= at;
      result.state = "RUN";
    } else if (/^Suspended/.test(text)) {
      result.state = result.state === "PEND" || result.state === "PSUSP"
        ? "PSUSP"
        : /by the user or administrator/.test(text)
        ? "USUSP"
        : "SSUSP";
    } else if (/^Unknown; unable to reach/.test(text)) result.state = "UNKWN";
    else if (/^Done successfully/.test(text)) {
      result.state = "DONE";
      result.exitCode = 0;
      result.endedAt = at;
    } else if (/^Exited/.test(text)) {
      result.state = "EXIT";
      result.endedAt = at;
      const code = /^Exited\s*with\s*exit\s*code\s*(\d+)/.exec(text)?.[1];
      const signal = /^Exited\s*by\s*signal\s*(\d+)/.exec(text)?.[1];
      if (code !== undefined) result.exitCode = Number(code);
      if (signal !== undefined) {
        // The shell's convention (and LSF's EXIT_CODE): 128 + the signal number.
        result.exitCode = 128 + Number(signal);
        result.detail = `killed by signal ${signal}`;
      }
    } else if (/^Completed\s*<(?:done|exit)>/.test(text)) {
      result.state = /^Completed\s*<done>/.test(text) ? "DONE" : "EXIT";
      const reason = /^Completed\s*<\w+>\s*;\s*(TERM_\w+.*)$/.exec(clean)?.[1];
      if (reason !== undefined) result.termination = reason.trim();
    } else {
      const signal = /^Signal\s*<(\w+)>\s*requested\s*by\s*user\s*or\s*administrator/.exec(text);
      const killing = signal !== null && KILLING_SIGNALS.has((signal[1] as string).toUpperCase());
      if (killing || /^Delete\s*requested\s*by\s*user\s*or\s*administrator/.test(text)) {
        result.killRequest = clean;
      }
    }
  }
  return result;
}

/** `1.0 min` for a run limit of 60 s. */
function minutes(seconds: number): string {
  return `${(seconds / 60).toFixed(1)} min`;
}

/**
 * The JobInfo of one record. `bjobs -l` names the state in its header (`Status <EXIT>`), which
 * `fromHeader` reads instead of replaying the events (bhist has no such field); the events give
 * the exit code, kill requests and run times either way. A job that EXITed (without a
 * `TERM_*` reason or kill request) with a `RUNLIMIT` block timed out when it ran for the limit,
 * from its start event to its end; without those events, when it exited 140 (OpenLava's
 * run-limit signal, see `RUN_LIMIT_EXIT`). In `bjobs` (`fromHeader`) a bare exit 130 is a bkill (bjobs
 * logs no kill request; `finishedInfo`), and an EXIT without a start or an exit code was
 * killed while pending. Returns why the record cannot be read instead, as a string.
 */
export function recordInfo(record: LongRecord, fromHeader: boolean): JobInfo | string {
  const job = record.index === undefined ? record.id : `${record.id}[${record.index}]`;
  const what = `${fromHeader ? "bjobs -l" : "bhist"} record of job <${job}>`;
  if (record.events.length === 0) {
    return `Cannot parse ${what}: expected "Submitted from host" and later events`;
  }
  const events = replay(record.events);
  let state = events.state;
  if (fromHeader) {
    const status = /\bStatus <(\w+)>/.exec(record.header)?.[1];
    if (status === undefined) return `Cannot parse ${what}: no Status <…>`;
    state = status;
  }
  const active = LSF_ACTIVE_STATES[state];
  if (active !== undefined) return jobInfo(active, state, undefined, record.pendingReason);
  if (state !== "DONE" && state !== "EXIT" && state !== "ZOMBI") {
    return `Cannot parse LSF job state "${state}" of job <${job}>`;
  }
  const { exitCode, termination, killRequest, detail, startedAt, endedAt } = events;
  const limit = record.runLimit;
  const ranFor = startedAt !== undefined && endedAt !== undefined
    ? endedAt - startedAt + (endedAt < startedAt ? 365 * 86400 : 0)
    : undefined;
  if (
    state === "EXIT" && termination === "" && killRequest === "" && limit !== undefined &&
    // The time stamps are whole seconds: a run cut at the limit may show one second less.
    (ranFor === undefined ? exitCode === RUN_LIMIT_EXIT : ranFor >= limit - 1)
  ) {
    return jobInfo(
      Status.FAILED,
      state,
      exitCode,
      `timeout: run limit of ${minutes(limit)} reached` +
        (exitCode === RUN_LIMIT_EXIT ? " (exit code 140: SIGUSR2, the run-limit signal)" : ""),
    );
  }
  if (
    fromHeader && state === "EXIT" && exitCode === undefined && startedAt === undefined &&
    termination === "" && killRequest === ""
  ) {
    return jobInfo(
      Status.CANCELLED,
      state,
      undefined,
      "ended before it started (killed while pending)",
    );
  }
  return finishedInfo(state, exitCode, termination || killRequest || detail, fromHeader);
}

/**
 * Gives each record's JobInfo (or its problem) to the requested ids it belongs to: its own id,
 * and for an array element `7[2]` the element's id and the array `7` (merged over elements,
 * each kept as task 2 of the array's `tasks`).
 */
export function readRecords(
  reader: AnswerReader,
  records: readonly LongRecord[],
  ids: readonly string[],
  fromHeader: boolean,
): void {
  for (const record of records) {
    const info = recordInfo(record, fromHeader);
    const element = record.index === undefined ? undefined : `${record.id}[${record.index}]`;
    for (const id of ids) {
      if (id !== record.id && id !== element) continue;
      if (typeof info === "string") reader.fail(id, info);
      else if (id === record.id && record.index !== undefined) {
        reader.add(id, info, Number(record.index));
      } else reader.add(id, info);
    }
  }
}
