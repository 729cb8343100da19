/**
 * How the LSF emulator sees the engine's jobs: status words (PEND, PSUSP, RUN, DONE, EXIT),
 * exit codes and termination reasons, job and element ids (`12`, `12[3]`), names with `*`
 * wildcards, slots per host, and how long `bjobs` still shows a finished job.
 *
 * Sources: OpenLava `lsbatch/cmd/bjobs.c` (job ids, `N*host` groups, TRUNC_STR) and
 * `lsbatch/lib/lsb.sig.c`; IBM Spectrum LSF 10.1 Administering LSF "Termination reasons
 * displayed by bacct, bhist, and bjobs" and "lsb.params CLEAN_PERIOD" (default 3600 seconds).
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import { lsfJobData } from "./_job_data.ts";

/** How long LSF keeps finished jobs (lsb.params CLEAN_PERIOD default), ms. */
export const CLEAN_PERIOD_MS = 3600 * 1000;

/** Whether mbatchd still knows a job at `now` (unfinished, or finished within CLEAN_PERIOD). */
export function isKept(job: SimJob, now: number): boolean {
  return job.endTime === undefined || now - job.endTime <= CLEAN_PERIOD_MS;
}

/** LSF's status word of a job: PEND, PSUSP (held), RUN, DONE, EXIT. */
export function lsfStatus(job: SimJob): string {
  if (job.state === "PENDING") return job.held !== undefined ? "PSUSP" : "PEND";
  if (job.state === "RUNNING") return "RUN";
  return job.state === "COMPLETED" ? "DONE" : "EXIT";
}

/**
 * Exit code LSF reports for an EXIT job: the script's code; 130 for a job killed by bkill
 * (TERM_OWNER), 140 at the run limit (TERM_RUNLIMIT, SIGUSR2), 128 + signal otherwise;
 * `undefined` for DONE jobs and jobs killed before they started.
 */
export function lsfExitCode(job: SimJob): number | undefined {
  if (lsfStatus(job) !== "EXIT") return undefined;
  if (job.state === "TIMEOUT") return 140;
  if (job.startTime === undefined) return undefined;
  if (job.state === "CANCELLED") return 130;
  if (job.state === "FAILED") return job.exitCode ?? 1;
  return 128 + (job.signal ?? 9);
}

/** LSF's termination reason of a finished job (`TERM_OWNER: job killed by owner`), `-` when none. */
export function lsfExitReason(job: SimJob): string {
  switch (job.state) {
    case "CANCELLED":
      return "TERM_OWNER: job killed by owner";
    case "TIMEOUT":
      return "TERM_RUNLIMIT: job killed after reaching LSF run time limit";
    case "OUT_OF_MEMORY":
      return "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit";
    case "NODE_FAIL":
      return "TERM_HOST: job killed by a host failure";
    case "PREEMPTED":
      return "TERM_PREEMPT: job killed after preemption";
    default:
      return "-";
  }
}

/** The id LSF prints for a job: `12`, or `12[3]` for an array element. */
export function lsfJobLabel(job: SimJob): string {
  const id = job.arrayJobId ?? job.id;
  return job.arrayTaskId === undefined ? String(id) : `${id}[${job.arrayTaskId}]`;
}

/** The job name without its array part, as bsub recorded it. */
export function baseNameOf(job: SimJob): string {
  return lsfJobData(job)?.baseName ?? job.request.name;
}

/** `bjobs` JOB_NAME of an element: `name[3]`. */
export function elementName(job: SimJob): string {
  const base = baseNameOf(job);
  return job.arrayTaskId === undefined ? base : `${base}[${job.arrayTaskId}]`;
}

/** Slots per host of a job, `[host, slots]`, in allocation order. */
export function slotsPerHost(job: SimJob): Array<[string, number]> {
  const perHost = (job.request.tasksPerNode ?? 1) * (job.request.cpusPerTask ?? 1);
  return job.nodeList.map((host) => [host, perHost]);
}

/** `4*hostA` groups (a single slot is just the host name). */
export function hostGroups(job: SimJob): string[] {
  const hosts = slotsPerHost(job);
  const total = hosts.reduce((sum, [, n]) => sum + n, 0);
  return hosts.map(([host, n]) => total > 1 ? `${n}*${host}` : host);
}

/** A job id operand: `12` (the job, or every element of array 12) or `12[3]` (one element). */
export function parseJobId(operand: string): { id: number; index?: number } | undefined {
  const match = /^(\d+)(?:\[(\d+)\])?$/.exec(operand);
  if (match === null) return undefined;
  return match[2] === undefined
    ? { id: Number(match[1]) }
    : { id: Number(match[1]), index: Number(match[2]) };
}

/** What job id operands name among a command's jobs. */
export interface OperandJobs {
  /** The jobs named, in operand order, each once. */
  selected: SimJob[];
  /** The operands that name no job (those that are no job id included). */
  missing: string[];
  /** The first operand that is no job id. */
  bad?: string;
}

/**
 * The jobs that job id operands name among a command's jobs, which `find` gives by id (the job,
 * or an array's elements, in submission order): a lookup per operand, not a pass over every job.
 */
export function jobsOfOperands(
  find: (id: number) => readonly SimJob[],
  operands: readonly string[],
): OperandJobs {
  const result: OperandJobs = { selected: [], missing: [] };
  const seen = new Set<SimJob>();
  for (const operand of operands) {
    const ref = parseJobId(operand);
    if (ref === undefined) result.bad ??= operand;
    const group = ref === undefined
      ? []
      : find(ref.id).filter((job) => (job.arrayJobId ?? job.id) === ref.id);
    const found = ref?.index === undefined
      ? group
      : group.filter((job) => job.arrayTaskId === ref.index);
    if (found.length === 0) result.missing.push(operand);
    for (const job of found) {
      if (seen.has(job)) continue;
      seen.add(job);
      result.selected.push(job);
    }
  }
  return result;
}

/** The `-u`, `-q`, `-J` and `-P` selections of `bjobs` and `bhist`. */
export interface JobSelection {
  /** A user or `all`; `undefined` = the caller. */
  user?: string;
  /** A queue. */
  queue?: string;
  /** A job name with `*` wildcards. */
  name?: string;
  /** A project. */
  project?: string;
}

/** Whether a job passes the selections, for `caller`. */
export function isSelected(job: SimJob, selection: JobSelection, caller: string): boolean {
  const user = selection.user ?? caller;
  return (user === "all" || job.request.user === user) &&
    (selection.queue === undefined || job.queue === selection.queue) &&
    (selection.name === undefined || nameMatches(job, selection.name)) &&
    (selection.project === undefined ||
      (lsfJobData(job)?.project ?? "default") === selection.project);
}

/** A job name pattern with `*` wildcards (`-J`, `-w "done(build*)"`) as a regular expression. */
export function namePattern(spec: string): RegExp {
  return new RegExp(`^${spec.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
}

/** Whether a job's name (`arr[2]` or `arr`) matches a `-J` name with `*` wildcards. */
export function nameMatches(job: SimJob, spec: string): boolean {
  const pattern = namePattern(spec);
  return pattern.test(elementName(job)) || pattern.test(lsfJobData(job)?.baseName ?? "");
}

/** TRUNC_STR: a value longer than `width` becomes `*` and its last `width - 1` characters. */
export function truncateLeft(text: string, width: number): string {
  return text.length > width ? "*" + text.slice(text.length - width + 1) : text;
}
