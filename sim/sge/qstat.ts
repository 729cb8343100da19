/**
 * `qstat`: the job table of SGE 8.1.9 (030-qstat-default-r-qw-hqw), filtered by user (`-u`,
 * 031) and state (`-s p|r|h|a`, 032–034; `-s z` for finished jobs, 018), with resources (`-r`,
 * 036), the queue view (`-f`, 035), one line per task (`-g d`, 071), and the job details of
 * `qstat -j` (037). Options are read by the pure {@linkcode parseQstatArgs}.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { answerFailures, ok } from "../_common/command_result.ts";
import type { SimJob } from "../types.ts";
import type { SimCommand, SimEngineApi } from "../emulator.ts";
import { VERSION } from "./_cell.ts";
import { SgeCommandError } from "./_errors.ts";
import { jobNumber, listedJobs, priority, stateLetters } from "./_jobs.ts";
import { qstatDetail } from "./_qstat_detail.ts";
import {
  QSTAT_HEADER,
  qstatFinished,
  qstatFull,
  type QstatLine,
  qstatLines,
  qstatRow,
  resourceLines,
} from "./_qstat_table.ts";
import { parseIdList } from "./_values.ts";

/** What a qstat command line asks for. */
export interface QstatOptions {
  /** `-help`: print the usage. */
  help: boolean;
  /** `-u`: whose jobs (`*`: everyone's); the caller's by default. */
  users: string[] | "all";
  /** `-s`: state letters to keep (`p`, `r`, `h`, `a`, or `z` for finished jobs). */
  states?: string;
  /** `-j`: the jobs (ids or names) to detail. */
  detail?: string[];
  /** `-f`: the queue view. */
  full: boolean;
  /** `-r`: resource lines under each job. */
  resources: boolean;
  /** `-g d`: one line per array task. */
  perTask: boolean;
}

/**
 * Reads qstat's options; parsing stops at `-help`. `-ext`, `-pri` and `-urg` are accepted and
 * change nothing.
 *
 * @param args The arguments after `qstat`.
 * @param user The calling user, whose jobs qstat shows without `-u`.
 * @returns The options.
 * @throws {SgeCommandError} For an unknown option.
 */
export function parseQstatArgs(args: readonly string[], user: string): QstatOptions {
  const options: QstatOptions = {
    help: false,
    users: [user],
    full: false,
    resources: false,
    perTask: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => args[++i] ?? "";
    if (arg === "-help") return { ...options, help: true };
    else if (arg === "-u") {
      const users = value();
      options.users = users === "*" ? "all" : users.split(",");
    } else if (arg === "-s") options.states = value();
    else if (arg === "-j") options.detail = parseIdList(value());
    else if (arg === "-f") options.full = true;
    else if (arg === "-r") options.resources = true;
    else if (arg === "-g") options.perTask = value() === "d" || options.perTask;
    else if (arg !== "-ext" && arg !== "-pri" && arg !== "-urg") {
      throw new SgeCommandError(`error: ERROR! invalid option argument "${arg}"`, 1);
    }
  }
  return options;
}

/** Whether a job's state letters match one of `-s`'s letters. */
function matchesStates(job: SimJob, states: string): boolean {
  const letters = stateLetters(job);
  return [...states].some((s) =>
    s === "p"
      ? letters.includes("qw")
      : s === "r"
      ? letters === "r"
      : s === "h"
      ? letters.startsWith("h")
      : s === "a"
  );
}

/** Running first, then pending by priority and submission. */
function byQstatOrder(a: SimJob, b: SimJob): number {
  const ra = a.state === "RUNNING" ? 0 : 1;
  const rb = b.state === "RUNNING" ? 0 : 1;
  return ra - rb || priority(b) - priority(a) || jobNumber(a) - jobNumber(b) ||
    (a.arrayTaskId ?? 0) - (b.arrayTaskId ?? 0);
}

function listing(engine: SimEngineApi, options: QstatOptions): CommandOutput {
  const { users, states } = options;
  const jobs = listedJobs(engine).filter((job) =>
    (users === "all" || users.includes(job.request.user)) &&
    (states === undefined || matchesStates(job, states))
  ).sort(byQstatOrder);
  const lines: QstatLine[] = options.perTask
    ? jobs.map((job) =>
      job.arrayTaskId === undefined ? { job } : { job, tasks: String(job.arrayTaskId) }
    )
    : qstatLines(jobs);
  if (options.full) return ok(qstatFull(engine, lines));
  if (lines.length === 0) return ok("");
  let stdout = QSTAT_HEADER;
  for (const line of lines) {
    stdout += qstatRow(line, true) + "\n";
    if (options.resources) stdout += resourceLines(line.job);
  }
  return ok(stdout);
}

/** The `qstat` command. */
export const qstat: SimCommand = (ctx) =>
  answerFailures(() => {
    const options = parseQstatArgs(ctx.args, ctx.user);
    if (options.help) return ok(`${VERSION}\nusage: qstat [options]\n`);
    if (options.detail !== undefined) return qstatDetail(ctx.engine, options.detail);
    if (options.states === "z") return qstatFinished(ctx.engine, options.users);
    return listing(ctx.engine, options);
  });
