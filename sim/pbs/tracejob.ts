/**
 * `tracejob` (Torque and PBS Professional): the server and accounting log lines of one job, so
 * a client can learn the exit status after `qstat` has forgotten the job.
 *
 * Source: Torque Administrator Guide "tracejob" (record format `MM/DD/YYYY HH:MM:SS  S|A
 * message`, `Job: <id>` heading, the server's `Exit_status=N resources_used....` line and the
 * accounting `E` record's `key=value` list), PBS Professional Reference Guide "tracejob".
 * Finished jobs appear only once accounting knows them (the engine's accounting lag applies).
 *
 * @module
 */

import type { SimCommandContext, SimEngineApi, SimJob } from "../types.ts";
import type { PbsDialect } from "./dialect.ts";
import { entriesFor, exitStatusOf, parseJobRef, serverOf } from "./_jobs.ts";
import { type CommandResult, hms } from "../_common/words.ts";
import { qualifiedId } from "./qstat.ts";

function logTime(ms: number): string {
  const date = new Date(ms);
  const two = (value: number) => String(value).padStart(2, "0");
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function record(ms: number, type: "S" | "A", message: string): string {
  return `${logTime(ms)}  ${type}    ${message}\n`;
}

function recordsOf(job: SimJob, dialect: PbsDialect, accounted: boolean): string {
  const request = job.request;
  const owner = `${request.user}@${request.submitHost ?? "localhost"}`;
  const seconds = (ms: number) => String(Math.floor(ms / 1000));
  let out = record(job.submitTime, "S", `enqueuing into ${job.queue}, state 1 hop 1`);
  out += record(
    job.submitTime,
    "S",
    `Job Queued at request of ${owner}, owner = ${owner}, job name = ${request.name}, queue = ${job.queue}`,
  );
  out += record(job.submitTime, "A", `queue=${job.queue}`);
  const common =
    `user=${request.user} group=${request.user} jobname=${request.name} queue=${job.queue} ` +
    `ctime=${seconds(job.submitTime)} qtime=${seconds(job.submitTime)} etime=${
      seconds(job.submitTime)
    }`;
  if (job.startTime !== undefined) {
    out += record(job.startTime, "S", "Job Run at request of root@localhost");
    out += record(
      job.startTime,
      "A",
      `${common} start=${seconds(job.startTime)} exec_host=${
        job.nodeList.map((node) => `${node}/0`).join("+")
      }`,
    );
  }
  if (!accounted || job.endTime === undefined) return out;
  const exit = exitStatusOf(job, dialect);
  if (exit === undefined) {
    out += record(job.endTime, "S", `Job deleted at request of ${owner}`);
    out += record(job.endTime, "A", `requestor=${owner}`);
    return out;
  }
  const used = `resources_used.cput=00:00:00 resources_used.mem=0kb resources_used.vmem=0kb ` +
    `resources_used.walltime=${hms((job.endTime - (job.startTime ?? job.endTime)) / 1000)}`;
  const limit = job.timeLimitSeconds === undefined
    ? ""
    : ` Resource_List.walltime=${hms(job.timeLimitSeconds)}`;
  out += record(job.endTime, "S", `Exit_status=${exit} ${used}`);
  out += record(
    job.endTime,
    "A",
    `${common} start=${seconds(job.startTime ?? job.endTime)} end=${seconds(job.endTime)} ` +
      `Exit_status=${exit} ${used}${limit}`,
  );
  return out;
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

/** Runs `tracejob [-q] [-n days] <job>` (other options are accepted and ignored). */
export function tracejob(ctx: SimCommandContext, dialect: PbsDialect): CommandResult {
  const operands: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const arg = ctx.args[i] as string;
    if (arg === "-n" || arg === "-f" || arg === "-p" || arg === "-w" || arg === "-c") i++;
    else if (!arg.startsWith("-")) operands.push(arg);
  }
  const operand = operands[0];
  if (operand === undefined || operands.length > 1) {
    return {
      code: 1,
      stdout: "",
      stderr:
        "usage: tracejob [-a|s|l|m|v] [-w size] [-p path] [-n days] [-f filter_type] job_identifier\n",
    };
  }
  const engine = ctx.engine;
  const id = qualifiedId(operand, engine.loginHost);
  let out = `\nJob: ${id}\n\n`;
  const ref = parseJobRef(operand);
  if (ref) {
    const accounted = accountedTest(engine);
    for (const entry of entriesFor(engine, ref, true)) {
      if (entry.kind === "array") continue;
      for (const job of entry.jobs) out += recordsOf(job, dialect, accounted(job));
    }
    const first = engine.find(ref.seq)[0];
    if (first) {
      out = out.replace(`Job: ${id}`, `Job: ${qualifiedId(operand, serverOf(first, engine))}`);
    }
  }
  return { code: 0, stdout: out, stderr: "" };
}
