/**
 * `qstat -j`: a job's record as SGE 8.1.9 prints it (037-qstat-j-RUNNING, 038-qstat-j-PENDING,
 * 039-qstat-j-HELD-h, 040-qstat-j-PENDING-hold-jid, 060-qstat-j-Eqw-exit-100), with the
 * scheduler's reasons for a waiting job (100-qstat-j-unschedulable-job-scheduling-info), and
 * `Following jobs do not exist:` for the others (101, 102).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { ok, uidOf } from "../_common/command_result.ts";
import { ctime, usDateTime } from "../_common/format.ts";
import type { SimJob } from "../types.ts";
import type { SimEngineApi } from "../emulator.ts";
import { SEPARATOR } from "./_cell.ts";
import { sgeJobData } from "./_job_data.ts";
import {
  ERROR_STATE_EXIT,
  inErrorState,
  isActive,
  jobNumber,
  listed,
  listedJobs,
} from "./_jobs.ts";
import { taskRangeSpec } from "./_values.ts";

function field(key: string, value: string): string {
  return `${key.padEnd(28)}${value}\n`;
}

/** Cores in use per node. */
function usedCores(engine: SimEngineApi): Map<string, number> {
  const used = new Map<string, number>();
  for (const other of engine.jobsSince(engine.now())) {
    if (other.state !== "RUNNING") continue;
    for (const node of other.nodeList) {
      used.set(node, (used.get(node) ?? 0) + (other.request.cpusPerTask ?? 1));
    }
  }
  return used;
}

/** The `scheduling info:` lines: why the job does not run (yet). */
function schedulingInfo(engine: SimEngineApi, job: SimJob): string[] {
  const slots = job.request.cpusPerTask ?? 1;
  const pe = sgeJobData(job).pe;
  if (pe !== undefined && !engine.nodes.some((n) => n.cpus >= slots)) {
    return [`cannot run in PE "${pe.name}" because it only offers 0 slots`];
  }
  const used = usedCores(engine);
  const full = engine.nodes.filter((n) => (used.get(n.name) ?? 0) >= n.cpus);
  const info: string[] = [];
  for (const node of full) {
    for (const queue of engine.queues) {
      if (queue.nodes === undefined || queue.nodes.includes(node.name)) {
        info.push(`queue instance "${queue.name}@${node.name}" dropped because it is full`);
      }
    }
  }
  if (full.length === engine.nodes.length) {
    info.push("All queues dropped because of overload or full");
  }
  if (job.state === "PENDING" && job.held !== undefined) info.push("Job is in hold state");
  if (job.state === "PENDING" && job.reason === "dependency") {
    info.push("job dropped because of job dependencies");
  }
  return info;
}

/** The fields from `job_number` to `account`. */
function submission(engine: SimEngineApi, job: SimJob): string {
  const r = job.request;
  const data = sgeJobData(job);
  const id = jobNumber(job);
  const uid = String(uidOf(r.user));
  return field("job_number:", String(id)) +
    field("exec_file:", `job_scripts/${id}`) +
    field("submission_time:", ctime(job.submitTime)) +
    field("owner:", r.user) +
    field("uid:", uid) +
    field("group:", r.user) +
    field("gid:", uid) +
    field("sge_o_home:", data.submitHome) +
    field("sge_o_path:", data.submitPath) +
    field("sge_o_shell:", data.submitShell) +
    field("sge_o_workdir:", r.workdir) +
    field("sge_o_host:", r.submitHost ?? engine.loginHost) +
    field("account:", "sge");
}

/** The fields from `cwd` to `jid_successor_list`: what the job asked for. */
function requested(engine: SimEngineApi, job: SimJob): string {
  const r = job.request;
  const data = sgeJobData(job);
  let out = data.cwd === undefined ? "" : field("cwd:", data.cwd);
  if (data.hardResourceList !== undefined) {
    out += field("hard resource_list:", data.hardResourceList);
  }
  out += field("mail_list:", `${r.user}@${engine.loginHost}`) + field("notify:", "FALSE") +
    field("job_name:", r.name) + field("jobshare:", "0");
  if (data.shell !== undefined) out += field("shell_list:", `NONE:${data.shell}`);
  out += field("env_list:", "TERM=NONE");
  if (r.scriptArgs !== undefined) out += field("job_args:", r.scriptArgs.join(","));
  out += field("script_file:", data.scriptFile);
  if (data.pe !== undefined) {
    out += `parallel environment:  ${data.pe.name} range: ${data.pe.slots}\n`;
  }
  if (data.taskRange !== undefined) out += field("job-array tasks:", taskRangeSpec(data.taskRange));
  if (data.predecessors !== undefined) {
    out += field("jid_predecessor_list (req):", data.predecessors.request.join(","));
    const ids = data.predecessors.ids.join(",");
    if (ids !== "") out += field("jid_predecessor_list:", ids);
  }
  const id = jobNumber(job);
  const successors = engine.jobsSince(engine.now()).filter((other) =>
    isActive(other) && (other.request.dependencies ?? []).some((d) => d.jobIds.includes(id))
  ).map(jobNumber);
  if (successors.length > 0) {
    out += field("jid_successor_list:", [...new Set(successors)].join(","));
  }
  // After the job-array fields, before the usage (show_job.c, `uni_print_list` with "=" and ",").
  if (data.context !== undefined) out += field("context:", data.context);
  return out;
}

/** The fields from `binding` on: the tasks' usage, the error reason, the scheduling info. */
function progress(engine: SimEngineApi, tasks: readonly SimJob[]): string {
  const job = tasks[0]!;
  let out = field("binding:", "NONE") + field("job_type:", "NONE");
  const running = tasks.filter((t) => t.state === "RUNNING");
  for (const task of running) {
    out += field(
      `usage ${String(task.arrayTaskId ?? 1).padStart(9)}:`,
      "cpu=00:00:00, mem=0.00000 GB s, io=0.00000 GB, vmem=N/A, maxvmem=N/A",
    );
  }
  for (const task of running) {
    out += field(`binding ${String(task.arrayTaskId ?? 1).padStart(7)}:`, "NONE");
  }
  if (inErrorState(job)) {
    out += `error reason ${String(job.arrayTaskId ?? 1).padStart(10)}:      ${
      usDateTime(job.endTime ?? job.submitTime)
    } [${uidOf(job.request.user)}:${job.id}]: exit_status of job start = ${ERROR_STATE_EXIT}\n`;
  }
  schedulingInfo(engine, job).forEach((line, i) => {
    out += i === 0 ? field("scheduling info:", line) : `${" ".repeat(28)}${line}\n`;
  });
  return out;
}

/** The record of one job (all its listed tasks). */
function record(engine: SimEngineApi, tasks: readonly SimJob[]): string {
  const job = tasks[0]!;
  return SEPARATOR + "\n" + submission(engine, job) + requested(engine, job) +
    progress(engine, tasks);
}

/**
 * `qstat -j ID,NAME,...`: the records of the jobs qmaster still lists.
 *
 * @param engine The cluster's engine.
 * @param ids Job ids or names.
 * @returns The records; exit 1 naming the jobs that do not exist.
 */
export function qstatDetail(engine: SimEngineApi, ids: readonly string[]): CommandOutput {
  let stdout = "";
  const missing: string[] = [];
  for (const text of ids) {
    const jobs = /^\d+$/.test(text)
      ? engine.find(Number(text)).filter(listed)
      : listedJobs(engine).filter((j) => j.request.name === text);
    if (jobs.length === 0) missing.push(text);
    else stdout += record(engine, jobs);
  }
  // A name that matches nothing is not reported when another job was (recorded on SGE 8.1.9:
  // test/fixtures/tokens/sge-qstat-j-context, exit 0), only when nothing was.
  const reported = stdout === "" ? missing : missing.filter((text) => /^\d+$/.test(text));
  if (reported.length > 0) {
    return { code: 1, stdout, stderr: `Following jobs do not exist: \n${reported.join("\n")}\n` };
  }
  return ok(stdout);
}
