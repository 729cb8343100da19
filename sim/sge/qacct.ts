/**
 * `qacct`: option parsing, record selection and the usage summary, as Son of Grid Engine
 * 8.1.9's `source/clients/qacct/qacct.c` does them. Checked against SGE 8.1.9 (`qacct -help`,
 * `qacct -j`, `qacct -o USER -j`, `qacct -o`: test/fixtures/sge).
 *
 * qacct.c: `-j` followed by nothing or by an option lists EVERY record, then the summary; `-j N`
 * (anything `sscanf("%u")` reads as a number) lists job N's records, `-j NAME` the records whose
 * job name matches NAME as an `fnmatch` pattern, without a summary, and
 * `error: job id N not found` / `error: job name NAME not found` (exit 1) when none match.
 * `-o OWNER` keeps that owner's records and heads the summary with an `OWNER` column; `-o`
 * alone groups the summary by owner (`-u` is the same as `-o`). `-d DAYS` keeps jobs STARTED in
 * the last DAYS days (a job that never started has start time 0 and is dropped), or ENDED with
 * `-E`. Without `-j` only the summary is printed.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { answerFailures, fail, ok } from "../_common/command_result.ts";
import type { SimJob } from "../types.ts";
import type { SimCommand, SimCommandContext } from "../emulator.ts";
import { VERSION } from "./_cell.ts";
import { SgeCommandError } from "./_errors.ts";
import { fnmatch } from "./_fnmatch.ts";
import { inErrorState, jobNumber } from "./_jobs.ts";
import { qacctRecord } from "./_qacct_record.ts";
import { summary } from "./_qacct_summary.ts";

/** qacct's usage after the version line, as SGE 8.1.9 prints it (`qacct -help`). */
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
].join("\n");

/** Options of qacct.c that the emulator does not model (they are valid, so no usage error). */
const UNMODELLED = new Set([
  ...["-ar", "-A", "-b", "-D", "-e", "-f", "-g", "-h", "-l", "-m", "-P", "-pe", "-q"],
  ...["-slots", "-t"],
]);

/** What a qacct command line selects. */
export interface QacctOptions {
  /** `-help`: print the usage. */
  help: boolean;
  /** `-j N`. */
  jobNumber?: number;
  /** `-j NAME`: an fnmatch pattern. */
  jobName?: string;
  /** `-j` alone: every record. */
  listAll: boolean;
  /** `-o OWNER`. */
  owner?: string;
  /** `-o` alone: the summary by owner. */
  byOwner: boolean;
  /** `-d DAYS`. */
  days?: number;
  /** `-E`: `-d` selects by end time instead of start time. */
  byEndTime: boolean;
}

/** `sscanf("%u")`: a leading number (`12`, ` 12`, `12abc`), or `undefined`. */
function leadingNumber(text: string): number | undefined {
  const number = /^\s*\+?(\d+)/.exec(text);
  return number === null ? undefined : Number(number[1]);
}

/**
 * Reads qacct's options; parsing stops at `-help`.
 *
 * @param args The arguments after `qacct`.
 * @param version The version line of the usage text.
 * @returns The options.
 * @throws {SgeCommandError} With the usage text for an unknown option or a bad `-d`; exit 2 for
 * an option the simulator does not model.
 */
export function parseQacctArgs(args: readonly string[], version: string): QacctOptions {
  const options: QacctOptions = { help: false, listAll: false, byOwner: false, byEndTime: false };
  const hasValue = (i: number) => args[i + 1] !== undefined && !args[i + 1]!.startsWith("-");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-j") {
      if (!hasValue(i)) options.listAll = true;
      else {
        const value = args[++i]!;
        const number = leadingNumber(value);
        if (number !== undefined) options.jobNumber = number;
        else options.jobName = value;
      }
    } else if (arg === "-o" || arg === "-u") {
      if (hasValue(i)) options.owner = args[++i]!;
      else options.byOwner = true;
    } else if (arg === "-d") {
      const days = leadingNumber(args[++i] ?? "");
      if (days === undefined) throw new SgeCommandError(`${version}\n${USAGE}`, 1);
      options.days = days;
    } else if (arg === "-E") options.byEndTime = true;
    else if (arg === "-help") return { ...options, help: true };
    else if (UNMODELLED.has(arg)) {
      throw new SgeCommandError(`qacct: option "${arg}" is not modelled by the simulator`, 2);
    } else throw new SgeCommandError(`${version}\n${USAGE}`, 1);
  }
  return options;
}

/** What the emulator supplies to {@linkcode runQacct}. */
export interface QacctHooks {
  /** The version line of usage messages (`SGE 8.1.9`). */
  version: string;
  /** Whether the accounting file holds a record of this finished job. */
  hasRecord(job: SimJob): boolean;
  /** The job's record as `showjob()` prints it, separator line first. */
  record(job: SimJob): string;
}

/** Whether a job's record passes the options' filters. */
function selected(job: SimJob, options: QacctOptions, since: number | undefined): boolean {
  if (options.owner !== undefined && job.request.user !== options.owner) return false;
  const pattern = options.jobName;
  if (!options.listAll && (options.jobNumber !== undefined || pattern !== undefined)) {
    const numberMatches = jobNumber(job) === options.jobNumber;
    if (!numberMatches && (pattern === undefined || !fnmatch(pattern, job.request.name))) {
      return false;
    }
  }
  const time = options.byEndTime ? job.endTime : job.startTime;
  return since === undefined || (time ?? 0) >= since;
}

function listing(ctx: SimCommandContext, options: QacctOptions, hooks: QacctHooks): CommandOutput {
  const engine = ctx.engine;
  const since = options.days === undefined
    ? undefined
    : engine.now() - options.days * 24 * 3600 * 1000;
  const jobs = engine.accounting().filter((job) =>
    hooks.hasRecord(job) && selected(job, options, since)
  );
  const oneJob = !options.listAll &&
    (options.jobNumber !== undefined || options.jobName !== undefined);
  if (oneJob && jobs.length === 0) {
    return fail(
      1,
      options.jobNumber !== undefined
        ? `error: job id ${options.jobNumber} not found\n`
        : `error: job name ${options.jobName} not found\n`,
    );
  }
  const records = options.listAll || oneJob ? jobs.map((job) => hooks.record(job)).join("") : "";
  return ok(oneJob ? records : records + summary(jobs, options));
}

/**
 * Runs `qacct` with a record format. Records come in accounting-file order (the order jobs
 * finished).
 *
 * @param ctx The command's context.
 * @param hooks The record format and which jobs have a record.
 * @returns The command's output and exit code.
 */
export function runQacct(ctx: SimCommandContext, hooks: QacctHooks): CommandOutput {
  return answerFailures(() => {
    const options = parseQacctArgs(ctx.args, hooks.version);
    if (options.help) return ok(`${hooks.version}\n${USAGE}\n`);
    return listing(ctx, options, hooks);
  });
}

/** The `qacct` command: a record for every job that started, and for jobs in the error state. */
export const qacct: SimCommand = (ctx) =>
  runQacct(ctx, {
    version: VERSION,
    hasRecord: (job) => job.startTime !== undefined || inErrorState(job),
    record: qacctRecord,
  });
