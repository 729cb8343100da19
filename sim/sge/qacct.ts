/**
 * `qacct` of the SGE emulator: option parsing, record selection and the `Total System Usage`
 * summary, as Son of Grid Engine 8.1.9's `source/clients/qacct/qacct.c` does them. The record
 * text itself (`showjob()`) is supplied by the emulator (`sge.ts`), so one record format serves
 * `qacct -j ID`, `qacct -j NAME` and the bulk `qacct -j`.
 *
 * Behaviour (qacct.c): `-j` followed by nothing or by an option lists EVERY record, then the
 * summary; `-j N` (anything `sscanf("%u")` reads as a number) lists job N's records, `-j NAME`
 * the records whose job name matches NAME as an `fnmatch` pattern, without a summary, and
 * `error: job id N not found` / `error: job name NAME not found` (exit 1) when none match.
 * `-o OWNER` keeps that owner's records and heads the summary with an `OWNER` column; `-o`
 * alone groups the summary by owner (`-u` is the same as `-o`). `-d DAYS` keeps jobs STARTED in
 * the last DAYS days (a job that never started has start time 0 and is dropped), or ENDED with
 * `-E`. Without `-j` only the summary is printed. Checked against SGE 8.1.9 (`qacct -help`,
 * `qacct -j`, `qacct -o USER -j`, `qacct -o`).
 * The summary's numbers row is printed only when the total wallclock is not 0.
 *
 * @module
 */

import type { CommandResult } from "../_common/command_result.ts";
import type { SimCommandContext, SimJob } from "../types.ts";

/** What the emulator supplies. */
export interface QacctHooks {
  /** The version line of usage messages (`SGE 8.1.9`). */
  version: string;
  /** Whether the accounting file holds a record of this finished job. */
  hasRecord(job: SimJob): boolean;
  /** The job's record as `showjob()` prints it, separator line first. */
  record(job: SimJob): string;
}

/** `ru_wallclock` of a job's record, in whole seconds (0 when it never started). */
export function qacctWallclock(job: SimJob): number {
  if (job.startTime === undefined) return 0;
  return Math.round(((job.endTime ?? job.startTime) - job.startTime) / 1000);
}

/** qacct's usage text after the version line, as SGE 8.1.9 prints it (`qacct -help`). */
const USAGE = [
  "usage: qacct [options]",
  " [-ar [ar_id]]                     list [matching] advance reservations",
  " [-A [account_string]]             list [matching] account",
  " [-b begin_time]                   jobs started after",
  " [-d days]                         jobs started during the last d days",
  " [-D [department]]                 list [matching] department",
  " [-e end_time]                     jobs started before",
  " [-E]                              select job end time, not start",
  " [[-f] acctfile]                   use alternate accounting file",
  " [-g [groupid|groupname]]          list [matching] group",
  " [-h [host]]                       list [matching] host",
  " [-help]                           display this message",
  " [-j [job_id|job_name|pattern]]    list all [matching] jobs",
  " [-l attr=val,...]                 request given complex attributes",
  " [-m]                              list only master tasks",
  " [-o [owner]]                      list [matching] owner",
  " [-u [owner]]                      list [matching] owner",
  " [-pe [pe_name]]                   list [matching] parallel environment",
  " [-P [project]]                    list [matching] project",
  " [-q [queue]]                      list [matching] queue",
  " [-slots [slots]]                  list [matching] job slots",
  " [-t taskid[-taskid[:step]]]       list all [matching] tasks (requires -j option)",
  "",
  " begin_time, end_time              [[CC]YYMMDDhhmm[.SS]",
  " queue                             [cluster_queue|queue_instance|queue_domain|pattern]",
].join("\n") + "\n";

/** Options of qacct.c that the emulator does not model (they are valid, so no usage error). */
const UNMODELLED = new Set([
  ...["-ar", "-A", "-b", "-D", "-e", "-f", "-g", "-h", "-l", "-m", "-P", "-pe", "-q"],
  ...["-slots", "-t"],
]);

interface Selection {
  jobNumber?: number;
  jobName?: string;
  listAll: boolean;
  owner?: string;
  byOwner: boolean;
  days?: number;
  /** `-E`: `-d` selects by end time instead of start time. */
  byEndTime: boolean;
}

/** C `fnmatch(pattern, name, 0)` for `*`, `?`, `[...]` (with `!`/`^` negation) and `\` escapes. */
export function fnmatch(pattern: string, name: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      source += `[${negated ? "^" : ""}${body.replaceAll("\\", "\\\\").replaceAll("]", "\\]")}]`;
      i = close;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`).test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function parseOptions(args: readonly string[], version: string): Selection | CommandResult {
  const usage = (): CommandResult => ({ code: 1, stdout: "", stderr: `${version}\n${USAGE}` });
  const selection: Selection = { listAll: false, byOwner: false, byEndTime: false };
  const takesValue = (i: number) => args[i + 1] !== undefined && !args[i + 1]!.startsWith("-");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-j") {
      if (!takesValue(i)) selection.listAll = true;
      else {
        const value = args[++i]!;
        // sscanf("%u") reads a leading number ("12", " 12", "12abc"); anything else is a name.
        const number = /^\s*\+?(\d+)/.exec(value);
        if (number !== null) selection.jobNumber = Number(number[1]);
        else selection.jobName = value;
      }
    } else if (arg === "-o" || arg === "-u") {
      if (takesValue(i)) selection.owner = args[++i]!;
      else selection.byOwner = true;
    } else if (arg === "-d") {
      const days = /^\s*\+?(\d+)/.exec(args[i + 1] ?? "");
      if (days === null) return usage();
      selection.days = Number(days[1]);
      i++;
    } else if (arg === "-E") {
      selection.byEndTime = true;
    } else if (arg === "-help") {
      return { code: 0, stdout: `${version}\n${USAGE}`, stderr: "" };
    } else if (UNMODELLED.has(arg)) {
      return {
        code: 2,
        stdout: "",
        stderr: `qacct: option "${arg}" is not modelled by the simulator\n`,
      };
    } else return usage();
  }
  return selection;
}

/** `print_full()`: the text padded with spaces to `width` (never cut). */
function column(text: string, width: number): string {
  return text.padEnd(width);
}

const TITLE = [
  "WALLCLOCK".padStart(13),
  "UTIME".padStart(13),
  "STIME".padStart(13),
  "CPU".padStart(13),
  "MEMORY".padStart(18),
  "IO".padStart(18),
  "IOW".padStart(18),
].join(" ");

/** A numbers row: the wallclock sum, and the other usage sums (0: the simulator measures none). */
function usageRow(wallclock: number): string {
  const zero3 = (width: number) => "0.000".padStart(width);
  return `${String(wallclock).padStart(13)} ${zero3(13)} ${zero3(13)} ${zero3(13)} ` +
    `${zero3(18)} ${zero3(18)} ${zero3(18)}\n`;
}

/** The summary qacct prints after (or instead of) a full listing. */
function summary(jobs: readonly SimJob[], selection: Selection): string {
  const total = jobs.reduce((sum, job) => sum + qacctWallclock(job), 0);
  if (selection.byOwner) {
    const byOwner = new Map<string, number>();
    for (const job of jobs) {
      const owner = job.request.user;
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + qacctWallclock(job));
    }
    const owners = [...byOwner.keys()].sort();
    const width = Math.max("OWNER".length + 1, ...owners.map((owner) => owner.length + 1));
    let out = `${column("OWNER", width)}${TITLE}\n${"=".repeat(width + TITLE.length)}\n`;
    if (total === 0) return out;
    for (const owner of owners) out += column(owner, width) + usageRow(byOwner.get(owner)!);
    return out;
  }
  if (selection.owner !== undefined) {
    const width = Math.max("OWNER".length + 1, selection.owner.length + 1);
    const out = `${column("OWNER", width)}${TITLE}\n${"=".repeat(width + TITLE.length)}\n`;
    return total === 0 ? out : out + column(selection.owner, width) + usageRow(total);
  }
  const out = `Total System Usage\n${TITLE}\n${"=".repeat(TITLE.length)}\n`;
  return total === 0 ? out : out + usageRow(total);
}

/**
 * Runs `qacct`. Records come in accounting-file order (the order jobs finished).
 *
 * @param ctx The command's context.
 * @param hooks The emulator's record format and which jobs have a record.
 * @returns The command's output and exit code.
 */
export function runQacct(ctx: SimCommandContext, hooks: QacctHooks): CommandResult {
  const selection = parseOptions(ctx.args, hooks.version);
  if (!("listAll" in selection)) return selection;
  const engine = ctx.engine;
  const since = selection.days === undefined
    ? undefined
    : engine.now() - selection.days * 24 * 3600 * 1000;
  const pattern = selection.jobName;
  const jobs = engine.accounting().filter((job) => {
    if (!hooks.hasRecord(job)) return false;
    if (selection.owner !== undefined && job.request.user !== selection.owner) return false;
    if (!selection.listAll && (selection.jobNumber !== undefined || pattern !== undefined)) {
      const numberMatches = (job.arrayJobId ?? job.id) === selection.jobNumber;
      if (!numberMatches && (pattern === undefined || !fnmatch(pattern, job.request.name))) {
        return false;
      }
    }
    const time = selection.byEndTime ? job.endTime : job.startTime;
    return since === undefined || (time ?? 0) >= since;
  });
  const oneJob = !selection.listAll &&
    (selection.jobNumber !== undefined || pattern !== undefined);
  if (oneJob && jobs.length === 0) {
    const stderr = selection.jobNumber !== undefined
      ? `error: job id ${selection.jobNumber} not found\n`
      : `error: job name ${pattern} not found\n`;
    return { code: 1, stdout: "", stderr };
  }
  const listed = selection.listAll || oneJob;
  const records = listed ? jobs.map((job) => hooks.record(job)).join("") : "";
  return { code: 0, stdout: oneJob ? records : records + summary(jobs, selection), stderr: "" };
}
