/**
 * A job's accounting record as `qacct -j` prints it (`showjob()` of SGE 8.1.9's qacct.c):
 * 019-qacct-j-COMPLETED-exit-0, 020-qacct-j-FAILED-exit-3, 054-qacct-j-DELETED-while-running,
 * 062-qacct-j-exit-100-job, 066-qacct-j-h-rt-exceeded, 068-qacct-j-s-rt-exceeded.
 *
 * @module
 */

import { ctime } from "../_common/format.ts";
import type { SimJob } from "../types.ts";
import { SEPARATOR } from "./_cell.ts";
import { sgeJobData } from "./_job_data.ts";
import { ERROR_STATE_EXIT, jobNumber } from "./_jobs.ts";

/** `ru_wallclock` of a job's record, in whole seconds (0 when it never started). */
export function qacctWallclock(job: SimJob): number {
  if (job.startTime === undefined) return 0;
  return Math.round(((job.endTime ?? job.startTime) - job.startTime) / 1000);
}

/** SIGUSR1, which `s_rt` sends. */
const SIGUSR1 = 10;

/** `failed`, `exit_status` and the signal's name after it. */
function outcome(job: SimJob): { failed: string; exitStatus: number; signalName: string } {
  const bySoftLimit = job.state === "TIMEOUT" && sgeJobData(job).softLimitEnds === true;
  const byHardLimit = job.state === "TIMEOUT" && !bySoftLimit;
  const killed = bySoftLimit || job.state === "CANCELLED" || job.state === "PREEMPTED" ||
    job.state === "NODE_FAIL";
  const exitStatus = bySoftLimit
    ? 128 + SIGUSR1
    : byHardLimit || killed
    ? 128 + (job.signal ?? 9)
    : job.exitCode ?? 0;
  const failed = byHardLimit
    ? "37  : qmaster enforced h_rt, h_cpu, or h_vmem limit"
    : killed
    ? "100 : assumedly after job"
    : exitStatus === ERROR_STATE_EXIT
    ? "30  : application error returned"
    : "0    ";
  const signalName = exitStatus === 137
    ? " (Killed)"
    : exitStatus === 128 + SIGUSR1
    ? " (User defined signal 1)"
    : "";
  return { failed, exitStatus, signalName };
}

function padded(key: string, value: string): string {
  return `${key.padEnd(13)}${value.padEnd(20)}\n`;
}

function plain(key: string, value: string): string {
  return `${key.padEnd(13)}${value}\n`;
}

/** Resource usage of a real process; the simulator has none to measure. */
const USAGE = plain("ru_utime", "0.000s") + plain("ru_stime", "0.000s") +
  ["ru_maxrss", "ru_ixrss", "ru_ismrss", "ru_idrss", "ru_isrss"].map((key) => plain(key, "0.000B"))
    .join("") +
  [
    ...["ru_minflt", "ru_majflt", "ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd"],
    ...["ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"],
  ].map((key) => padded(key, "0")).join("") +
  plain("cpu", "0.000s") + plain("mem", "0.000Bs") + plain("io", "0.000B") +
  plain("iow", "0.000s") + plain("maxvmem", "0.000B");

/** The fields from `qname` to `slots`: who, what, when and where. */
function identity(job: SimJob): string {
  const r = job.request;
  const ran = job.startTime !== undefined;
  return padded("qname", job.queue) +
    padded("hostname", job.nodeList[0] ?? "") +
    padded("group", r.user) +
    padded("owner", r.user) +
    padded("project", "NONE") +
    padded("department", "defaultdepartment") +
    padded("jobname", r.name) +
    padded("jobnumber", String(jobNumber(job))) +
    (job.arrayTaskId === undefined
      ? plain("taskid", "undefined")
      : padded("taskid", String(job.arrayTaskId))) +
    padded("account", "sge") +
    padded("priority", "0") +
    plain("qsub_time", ctime(job.submitTime)) +
    plain("start_time", ran ? ctime(job.startTime!) : "-/-") +
    plain("end_time", ran ? ctime(job.endTime!) : "-/-") +
    padded("granted_pe", sgeJobData(job).pe?.name ?? "NONE") +
    padded("slots", String(r.cpusPerTask ?? 1));
}

/**
 * A job's record, separator line first.
 *
 * @param job A finished job (or one in the error state).
 * @returns The record's text.
 */
export function qacctRecord(job: SimJob): string {
  const { failed, exitStatus, signalName } = outcome(job);
  return SEPARATOR + "\n" + identity(job) +
    plain("failed", failed) +
    `${"exit_status".padEnd(13)}${String(exitStatus).padEnd(20)}${signalName}\n` +
    plain("ru_wallclock", `${qacctWallclock(job)}s`) +
    USAGE +
    plain("arid", "undefined") +
    plain("ar_sub_time", "undefined") +
    plain("category", sgeJobData(job).category ?? "NONE");
}
