/**
 * The LSF accounting query: `bhist -l -n 0 <ids>` and its parser. `bhist` reads the event log
 * files (`lsb.events*`), so it knows jobs long after `bjobs` forgot them (CLEAN_PERIOD); `-n 0`
 * searches every event log file, not only the current one. Internal; not exported from `mod.ts`.
 *
 * Format sources: IBM Spectrum LSF 10.1 Command Reference "bhist" (`-l`, `-n 0`, job ids imply
 * all users and all states); Administering LSF "Termination reasons displayed by bacct, bhist,
 * and bjobs" (`Completed <exit>; TERM_RUNLIMIT: job killed after reaching LSF run time limit.`);
 * OpenLava `lsbatch/cmd/bhist.c` (event texts `Done successfully`, `Exited with exit code N`,
 * `Exited by signal N`, `. The CPU time used is X seconds`, `Signal <KILL> requested by user or
 * administrator <u>`, `Delete requested by user or administrator <u>`, `Pending: Job has been
 * requeued`, records separated by a line of dashes, `No matching job found` and exit 255) and
 * `lsbatch/cmd/cmd.prt.c` (`prtLine`: long lines wrap at the terminal width and continue after
 * a blank indent as wide as the `Mon Nov 25 10:00:00: ` time stamp, 21 columns; 26 when LSF
 * prints the year).
 *
 * @module
 */

import { QueryError } from "../src/core/errors.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { JobInfo } from "../src/core/backend.ts";
import { addInfo, jobInfo, nonEmptyLines, queryFailed } from "./_commands.ts";
import { finishedInfo, LSF_ACTIVE_STATES, saysNotKnown } from "./_lsf_common.ts";

/** `bhist -l -n 0 ID …`: the long history of each job from every event log file. */
export function bhistArgv(ids: readonly string[]): string[] {
  return ["bhist", "-l", "-n", "0", ...ids];
}

/** `Mon Nov 25 10:00:00: ` (or `Mon Nov 25 10:00:00 2024: `) at the start of an event line. */
const TIME_STAMP =
  /^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?: \d{4})?: /;

/** `Job <123>,` or `Job <123[4]>,` at the start of a record. */
const HEADER = /^Job <(\d+)(?:\[(\d+)\])?>,/;

/** Signals whose request means "kill this job" (bkill sends INT, TERM, KILL; -s names one). */
const KILLING_SIGNALS = new Set(["KILL", "SIGKILL", "TERM", "SIGTERM", "INT", "SIGINT"]);

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

/** One job's record: its id, array index and event texts (time stamps removed). */
interface BhistRecord {
  id: string;
  index?: string;
  events: string[];
}

function records(lines: readonly string[]): BhistRecord[] {
  const found: BhistRecord[] = [];
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      const record: BhistRecord = { id: header[1] as string, events: [] };
      if (header[2] !== undefined) record.index = header[2];
      found.push(record);
      continue;
    }
    const stamp = TIME_STAMP.exec(line);
    if (stamp) found.at(-1)?.events.push(line.slice(stamp[0].length).trim());
  }
  return found;
}

/** What the events of one record say, replayed in order. */
interface Replay {
  state: string;
  exitCode?: number;
  termination: string;
  killRequest: string;
  detail: string;
}

function replay(events: readonly string[]): Replay {
  let result: Replay = { state: "PEND", termination: "", killRequest: "", detail: "" };
  for (const text of events) {
    const clean = text.replace(/[;.]\s*$/, "");
    if (/^Submitted from host/.test(text)) result.state = "PEND";
    else if (/^Pending\b|^Exited; job will be requeued/.test(text)) {
      // Requeued (brequeue, REQUEUE_EXIT_VALUES, rerun): a new run starts from scratch.
      result = { state: "PEND", termination: "", killRequest: "", detail: "" };
    } else if (/^(?:Dispatched|Started|Starting|Running|Resumed)/.test(text)) {
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
    } else if (/^Exited/.test(text)) {
      result.state = "EXIT";
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

function infoOf(record: BhistRecord): JobInfo {
  const { state, exitCode, termination, killRequest, detail } = replay(record.events);
  const active = LSF_ACTIVE_STATES[state];
  if (active !== undefined) return jobInfo(active, state);
  return finishedInfo(state, exitCode, termination || killRequest || detail, false);
}

/**
 * Parses `bhist -l` output: one record per job (array elements as `Job <7[2]>`, merged into
 * the requested id), its wrapped lines joined first; the final state comes from the last
 * `Done successfully` / `Exited ...` / `Completed <...>` event, a kill request or `TERM_*`
 * reason making it CANCELLED and `TERM_RUNLIMIT` a timeout. Unknown ids are absent
 * (`No matching job found`, exit 255, when none is known); anything else on stderr, a failed
 * exit without that message, or output without a parseable record is a {@linkcode QueryError}.
 */
export function parseBhist(
  output: CommandOutput,
  ids: readonly string[],
  argv: readonly string[],
): Map<string, JobInfo> {
  const complaints = nonEmptyLines(output.stderr).filter((line) => !saysNotKnown(line));
  const lines = unwrapLines(output.stdout);
  const found = records(lines);
  const noneKnown = [...nonEmptyLines(output.stdout), ...nonEmptyLines(output.stderr)]
    .some(saysNotKnown);
  if (complaints.length > 0 || (output.code !== 0 && !noneKnown)) {
    throw queryFailed(argv, output, "Accounting query failed");
  }
  if (found.length === 0) {
    if (noneKnown || ids.length === 0) return new Map();
    throw new QueryError(argv, `Accounting query "${argv.join(" ")}" printed no job and no error`);
  }
  const result = new Map<string, JobInfo>();
  for (const record of found) {
    if (record.events.length === 0) {
      throw new QueryError(
        argv,
        `Cannot parse bhist record of job <${record.id}>: expected "Submitted from host" and later events`,
      );
    }
    const info = infoOf(record);
    const element = record.index === undefined ? undefined : `${record.id}[${record.index}]`;
    for (const id of ids) {
      if (id === record.id || id === element) addInfo(result, id, info);
    }
  }
  return result;
}
