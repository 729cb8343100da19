/**
 * qstat's job tables: the default table and its `-r` resource lines (030, 036), the queue view of
 * `-f` (035-qstat-f-with-jobs) and finished jobs (`-s z`, 018). The array tasks that wait in the
 * same state share one line (`2,3`, `2-10:4`: 076, 080).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { ok } from "../_common/command_result.ts";
import { column, usDateTime } from "../_common/format.ts";
import type { SimJob } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import { sgeJobData } from "./_job_data.ts";
import { jobNumber, listed, prior, stateLetters } from "./_jobs.ts";
import { taskRangeText } from "./_values.ts";

/** The table's heading (030-qstat-default-r-qw-hqw). */
export const QSTAT_HEADER: string =
  "job-ID  prior   name       user         state submit/start at     queue                          slots ja-task-ID \n" +
  "-".repeat(113) + "\n";

/** One line of the table: a job, or array tasks with their ids in `ja-task-ID`. */
export interface QstatLine {
  /** The job (the first task of the line). */
  job: SimJob;
  /** The `ja-task-ID` column; `undefined` for a job that is not an array. */
  tasks?: string;
}

/** One line per running task; the waiting tasks of an array in the same state share one. */
export function qstatLines(jobs: readonly SimJob[]): QstatLine[] {
  const lines: Array<QstatLine | { job: SimJob; folded: number[] }> = [];
  const folds = new Map<string, number[]>();
  for (const job of jobs) {
    if (job.arrayJobId === undefined) lines.push({ job });
    else if (job.state === "RUNNING") lines.push({ job, tasks: String(job.arrayTaskId) });
    else {
      const key = `${job.arrayJobId}/${stateLetters(job)}/${prior(job)}`;
      const folded = folds.get(key);
      if (folded !== undefined) folded.push(job.arrayTaskId ?? 0);
      else {
        folds.set(key, [job.arrayTaskId ?? 0]);
        lines.push({ job, folded: folds.get(key)! });
      }
    }
  }
  return lines.map((line) =>
    "folded" in line ? { job: line.job, tasks: taskRangeText(line.folded) } : line
  );
}

/** A table row; `-f` has no queue column (the queue heads the job's block instead). */
export function qstatRow(line: QstatLine, queueColumn: boolean): string {
  const job = line.job;
  const running = job.state === "RUNNING";
  const when = usDateTime(running ? job.startTime! : job.submitTime);
  const queue = running ? `${job.queue}@${job.nodeList[0]}` : "";
  const slots = String(job.request.cpusPerTask ?? 1).padStart(5);
  const tasks = line.tasks === undefined ? "       " : line.tasks;
  const head = `${String(jobNumber(job)).padStart(7)} ${prior(job)} ${
    column(job.request.name, 10, false)
  } ${column(job.request.user, 12, false)} ${column(stateLetters(job), 5, false)} ${when} `;
  return queueColumn
    ? `${head}${column(queue, 30, false)} ${slots} ${tasks}`
    : `${head}${slots} ${tasks}`;
}

/** The lines `qstat -r` adds under a job (036-qstat-r-resources). */
export function resourceLines(job: SimJob): string {
  const data = sgeJobData(job);
  const out = [`       Full jobname:     ${job.request.name}`];
  if (job.state === "RUNNING") out.push(`       Master Queue:     ${job.queue}@${job.nodeList[0]}`);
  if (data.pe !== undefined) out.push(`       Requested PE:     ${data.pe.name} ${data.pe.slots}`);
  if (data.pe !== undefined && job.state === "RUNNING") {
    out.push(`       Granted PE:       ${data.pe.name} ${job.request.cpusPerTask ?? 1}`);
  }
  out.push("       Hard Resources:   ", "       Soft Resources:   ");
  if (data.predecessors !== undefined) {
    out.push(`       Predecessor Jobs (request): ${data.predecessors.request.join(",")}`);
    out.push(`       Predecessor Jobs: ${data.predecessors.ids.join(",")}`);
  }
  out.push("       Binding:          NONE");
  return out.join("\n") + "\n";
}

/** `qstat -f`: every queue instance with its running jobs, then the pending jobs. */
export function qstatFull(engine: SimEngineApi, lines: readonly QstatLine[]): string {
  let stdout =
    "queuename                      qtype resv/used/tot. load_avg arch          states\n";
  for (const queue of engine.queues) {
    for (const node of engine.nodes) {
      if (queue.nodes !== undefined && !queue.nodes.includes(node.name)) continue;
      const running = lines.filter((l) =>
        l.job.state === "RUNNING" && l.job.nodeList[0] === node.name
      );
      const used = running.reduce((s, l) => s + (l.job.request.cpusPerTask ?? 1), 0);
      stdout += "-".repeat(81) + "\n";
      stdout += `${column(`${queue.name}@${node.name}`, 30, false)} BIP   ${
        column(`0/${used}/${node.cpus}`, 14, false)
      } 0.00     lx-amd64      \n`;
      for (const line of running) stdout += qstatRow(line, false) + "\n";
    }
  }
  const pending = lines.filter((l) => l.job.state !== "RUNNING");
  if (pending.length > 0) {
    stdout += "\n" + "#".repeat(76) +
      "\n - PENDING JOBS - PENDING JOBS - PENDING JOBS - PENDING JOBS - PENDING JOBS\n" +
      "#".repeat(76) + "\n";
    for (const line of pending) stdout += qstatRow(line, false) + "\n";
  }
  return stdout;
}

/** `qstat -s z`: the last 100 jobs that ran and left the table. */
export function qstatFinished(
  engine: SimEngineApi,
  users: readonly string[] | "all",
): CommandOutput {
  const finished = engine.jobs().filter((job) =>
    !listed(job) && job.startTime !== undefined &&
    (users === "all" || users.includes(job.request.user))
  ).slice(-100);
  if (finished.length === 0) return ok("");
  let stdout = QSTAT_HEADER;
  for (const job of finished) {
    stdout += `${String(jobNumber(job)).padStart(7)} 0.00000 ${
      column(job.request.name, 10, false)
    } ${column(job.request.user, 12, false)} z     ${usDateTime(job.submitTime)} ${
      " ".repeat(30)
    } ${String(job.request.cpusPerTask ?? 1).padStart(5)} ${
      job.arrayTaskId === undefined ? "       " : String(job.arrayTaskId)
    }\n`;
  }
  return ok(stdout);
}
