/**
 * `tracejob` (Torque and PBS Professional): the server and accounting log lines of one job, so
 * a client can learn the exit status after `qstat` has forgotten the job.
 *
 * Source: Torque Administrator Guide "tracejob" (record format `MM/DD/YYYY HH:MM:SS  S|A
 * message`, `Job: <id>` heading, the server's `Exit_status=N resources_used....` line and the
 * accounting `E` record's `key=value` list), PBS Professional Reference Guide "tracejob".
 * Finished jobs appear only once accounting knows them (the engine's accounting lag applies).
 * For an id the server never knew, Torque prints what it logged about it (`_server_log.ts`).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimJob } from "../types.ts";
import type { SimCommandContext, SimEngineApi } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { entriesFor, parseJobRef, qualifiedId, serverOf } from "./_jobs.ts";
import { exitStatusOf } from "./_states.ts";
import { answerFailures, CommandFailure, ok } from "../_common/command_result.ts";
import { unknownJobLog } from "./_server_log.ts";
import { hhmmss } from "../_common/words.ts";

/** One log line: the product's time stamp, `S` (server) or `A` (accounting), the message. */
function record(dialect: PbsDialect, ms: number, type: "S" | "A", message: string): string {
  return `${dialect.tracejobStamp(ms)}${type}    ${message}\n`;
}

function seconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** What every record of a job names. */
interface Trace {
  job: SimJob;
  dialect: PbsDialect;
  owner: string;
  /** The accounting records' `user=... etime=...` part. */
  common: string;
}

/** The records of a job's submission and, once it started, of its start. */
function queuedRecords({ job, dialect, owner, common }: Trace): string {
  const request = job.request;
  let out = record(dialect, job.submitTime, "S", `enqueuing into ${job.queue}, state 1 hop 1`);
  out += record(
    dialect,
    job.submitTime,
    "S",
    `Job Queued at request of ${owner}, owner = ${owner}, job name = ${request.name}, queue = ${job.queue}`,
  );
  out += record(dialect, job.submitTime, "A", `queue=${job.queue}`);
  if (job.startTime === undefined) return out;
  const hosts = job.nodeList.map((node) => `${node}/0`).join("+");
  out += record(dialect, job.startTime, "S", "Job Run at request of root@localhost");
  out += record(
    dialect,
    job.startTime,
    "A",
    `${common} start=${seconds(job.startTime)} exec_host=${hosts}`,
  );
  return out;
}

/** The records of a job's end: its deletion, or its exit status and resources used. */
function endRecords({ job, dialect, owner, common }: Trace, endTime: number): string {
  const exit = exitStatusOf(job, dialect);
  if (exit === undefined) {
    return record(dialect, endTime, "S", `Job deleted at request of ${owner}`) +
      record(dialect, endTime, "A", `requestor=${owner}`);
  }
  const used = `resources_used.cput=00:00:00 resources_used.mem=0kb resources_used.vmem=0kb ` +
    `resources_used.walltime=${hhmmss((endTime - (job.startTime ?? endTime)) / 1000)}`;
  const limit = job.timeLimitSeconds === undefined
    ? ""
    : ` Resource_List.walltime=${hhmmss(job.timeLimitSeconds)}`;
  return record(dialect, endTime, "S", `Exit_status=${exit} ${used}`) +
    record(
      dialect,
      endTime,
      "A",
      `${common} start=${seconds(job.startTime ?? endTime)} end=${seconds(endTime)} ` +
        `Exit_status=${exit} ${used}${limit}`,
    );
}

/** A job's records; its end only once accounting has it. */
function recordsOf(job: SimJob, dialect: PbsDialect, accounted: boolean): string {
  const request = job.request;
  const submitted = seconds(job.submitTime);
  const trace: Trace = {
    job,
    dialect,
    owner: `${request.user}@${request.submitHost ?? "localhost"}`,
    common: `user=${request.user} group=${request.user} jobname=${request.name} ` +
      `queue=${job.queue} ctime=${submitted} qtime=${submitted} etime=${submitted}`,
  };
  const queued = queuedRecords(trace);
  if (!accounted || job.endTime === undefined) return queued;
  return queued + endRecords(trace, job.endTime);
}

/**
 * Whether accounting knows a job yet. `SimEngine.isAccounted` answers per job; another
 * `SimEngineApi` is asked for its whole accounting list (one pass, not one per job).
 */
function accountedTest(engine: SimEngineApi): (job: SimJob) => boolean {
  const perJob = (engine as { isAccounted?: (job: SimJob) => boolean }).isAccounted;
  if (typeof perJob === "function") return (job) => perJob.call(engine, job);
  const known = new Set(engine.accounting());
  return (job) => known.has(job);
}

/** tracejob's usage text. */
export const TRACEJOB_USAGE =
  "usage: tracejob [-a|s|l|m|v] [-w size] [-p path] [-n days] [-f filter_type] job_identifier\n";

/**
 * The job identifier of `tracejob [-q] [-n days] <job>` (other options are accepted and
 * ignored); throws {@linkcode CommandFailure} (exit 1, the usage) unless there is exactly one.
 */
export function parseTracejob(args: readonly string[]): string {
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-n" || arg === "-f" || arg === "-p" || arg === "-w" || arg === "-c") i++;
    else if (!arg.startsWith("-")) operands.push(arg);
  }
  const operand = operands[0];
  if (operand === undefined || operands.length > 1) throw new CommandFailure(1, TRACEJOB_USAGE);
  return operand;
}

/** Runs `tracejob`. */
export function tracejob(ctx: SimCommandContext, dialect: PbsDialect): CommandOutput {
  return answerFailures(() => {
    if (dialect.tracejobWithoutQuiet !== undefined && ctx.args.includes("-q")) {
      return {
        code: 1,
        stdout: dialect.tracejobWithoutQuiet,
        stderr: "tracejob: invalid option -- 'q'\n",
      };
    }
    const operand = parseTracejob(ctx.args);
    const engine = ctx.engine;
    const ref = parseJobRef(operand);
    const first = ref && engine.find(ref.seq)[0];
    const server = first ? serverOf(first, engine) : engine.loginHost;
    let out = `\nJob: ${qualifiedId(operand, server)}\n\n`;
    if (ref && first === undefined) {
      for (const { at, message } of unknownJobLog(engine, ref.seq)) {
        out += record(dialect, at, "S", message);
      }
    } else if (ref) {
      const accounted = accountedTest(engine);
      for (const entry of entriesFor(engine, ref, true)) {
        if (entry.kind === "array") continue;
        for (const job of entry.jobs) out += recordsOf(job, dialect, accounted(job));
      }
    }
    return ok(out);
  });
}
