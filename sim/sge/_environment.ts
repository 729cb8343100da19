/**
 * The environment sge_execd gives a job, as recorded by `env | sort` inside jobs
 * (083-env-sort-inside-a-plain-job, 085-env-sort-inside-array-task-2 and, with `-pe` and `-S`,
 * 087-env-sort-inside-the-S-bin-bash-pe-smp-2-l-h-rt-600).
 *
 * @module
 */

import type { SimJob } from "../types.ts";
import { EXECD_PATH, execdSpool, SGE_ROOT } from "./_cell.ts";
import { sgeJobData } from "./_job_data.ts";
import { jobNumber } from "./_jobs.ts";

/** `SGE_TASK_FIRST`, `_LAST`, `_STEPSIZE`: `undefined` outside an array. */
function taskVariables(job: SimJob): Record<string, string> {
  const range = sgeJobData(job).taskRange;
  const text = (value: number | undefined) => value === undefined ? "undefined" : String(value);
  return {
    SGE_TASK_FIRST: text(range?.first),
    SGE_TASK_ID: text(job.arrayTaskId),
    SGE_TASK_LAST: text(range?.last),
    SGE_TASK_STEPSIZE: text(range?.step),
  };
}

/**
 * The variables of a job: what qsub exported (`-v`, `-V`), then SGE's own, in `env | sort` order.
 *
 * @param job The job (one task of an array).
 * @param loginHost The submit host when the request names none.
 * @returns The job's environment.
 */
export function sgeEnvironment(job: SimJob, loginHost: string): Record<string, string> {
  const r = job.request;
  const data = sgeJobData(job);
  const id = jobNumber(job);
  const task = job.arrayTaskId ?? 1;
  const spool = execdSpool(job.nodeList[0] ?? "");
  const paths = r.outputPaths?.(job);
  const exported = r.exportedEnv ?? {};
  const env: Record<string, string> = {
    ...exported,
    ARC: "lx-amd64",
    HOME: data.submitHome,
    HOSTNAME: job.nodeList[0] ?? "",
    JOB_ID: String(id),
    JOB_NAME: r.name,
    JOB_SCRIPT: `${spool}/job_scripts/${id}`,
    LOGNAME: r.user,
    NHOSTS: String(job.nodeList.length),
    NQUEUES: String(job.nodeList.length),
    NSLOTS: String(r.cpusPerTask ?? 1),
    PATH: exported.PATH ?? EXECD_PATH,
    QUEUE: job.queue,
    REQNAME: r.name,
    REQUEST: r.name,
    RESTARTED: "0",
    SGE_ACCOUNT: "sge",
    SGE_ARCH: "lx-amd64",
    SGE_BINARY_PATH: "/usr/sbin/lx-amd64",
    SGE_CELL: "default",
    SGE_CWD_PATH: r.workdir,
    SGE_JOB_SPOOL_DIR: `${spool}/active_jobs/${id}.${task}`,
    SGE_O_HOME: data.submitHome,
    SGE_O_HOST: r.submitHost ?? loginHost,
    SGE_O_LOGNAME: data.submitLogname,
    SGE_O_PATH: data.submitPath,
    SGE_O_SHELL: data.submitShell,
    SGE_O_WORKDIR: r.workdir,
    SGE_ROOT,
    SGE_STDERR_PATH: paths?.stderr ?? paths?.stdout ?? "/dev/null",
    SGE_STDIN_PATH: "/dev/null",
    SGE_STDOUT_PATH: paths?.stdout ?? "/dev/null",
    ...taskVariables(job),
    SHELL: data.shell ?? "/bin/sh",
    TERM: "",
    TMP: `/tmp/${id}.${task}.${job.queue}`,
    USER: r.user,
  };
  if (data.pe !== undefined) {
    env.PE = data.pe.name;
    env.PE_HOSTFILE = `${spool}/active_jobs/${id}.${task}/pe_hostfile`;
    env.SGE_RSH_COMMAND = "builtin";
  }
  return env;
}
