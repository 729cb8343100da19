/**
 * Why a finished job ended, as a portable {@linkcode Cause}, from what each scheduler's parser
 * made of its accounting or state words (`JobInfo`): pure functions, one per scheduler family,
 * each backend's `causeOf`. The parsers already name the scheduler's verdict in their status and
 * reason (`timeout: …` for every walltime kill, CANCELLED for a kill by a user or admin); these
 * read the rest (SLURM's state words, PBS's limit kills and JOB_EXEC codes, LSF's `TERM_*`
 * reasons) and are tested on the verbatim recorded outputs (test/backends/causes_test.ts).
 *
 * What a scheduler cannot tell apart is listed in README.md ("Why a job ended").
 *
 * @module
 */

import type { Cause } from "../src/core/cause.ts";
import type { JobInfo } from "../src/core/job_info.ts";
import { Status } from "../src/core/status.ts";

/** What every family shares: success, the parsers' timeouts and cancels, a plain exit. */
function common(info: JobInfo): Cause | undefined {
  if (info.status === Status.COMPLETED) return "exit";
  if (/^timeout: /.test(info.reason ?? "")) return "timeout";
  if (info.status === Status.CANCELLED) return "cancelled";
  return undefined;
}

/**
 * SLURM: the job state word of `sacct`/`squeue` (slurm 22.05 `src/common/slurm_protocol_defs.c`
 * `job_state_string()`): TIMEOUT and DEADLINE → timeout, OUT_OF_MEMORY → out-of-memory,
 * NODE_FAIL and BOOT_FAIL → node-failure, PREEMPTED → preempted, CANCELLED → cancelled,
 * COMPLETED and FAILED → exit.
 *
 * @param info The parsed job.
 * @returns The cause, or `undefined` for a job that has not finished.
 */
export function slurmCause(info: JobInfo): Cause | undefined {
  if (info.status < 0) return undefined;
  const word = info.state.split(/\s+/)[0] ?? "";
  switch (word) {
    case "TIMEOUT":
    case "DEADLINE":
      return "timeout";
    case "OUT_OF_MEMORY":
      return "out-of-memory";
    case "NODE_FAIL":
    case "BOOT_FAIL":
      return "node-failure";
    case "PREEMPTED":
      return "preempted";
    case "CANCELLED":
      return "cancelled";
  }
  return common(info) ?? "exit";
}

/**
 * PBS (Torque and PBS Pro), from `finishedPbsInfo`'s verdict on the exit status: the walltime
 * kills (Torque -11, PBS Pro -29, or a kill once the walltime was used) → timeout; a kill for
 * a memory limit (Torque -10 `mem`; PBS Pro -26/-27 `vmem`/`mem`, `pmem`) → out-of-memory,
 * for CPU time (`cput`) → timeout, for other limits (`ncpus`) → cancelled; `qdel` and signals
 * 256+N → cancelled; a job that ran but ended without an exit status (its node unreachable) or
 * that PBS could not start or keep (JOB_EXEC_* codes) → node-failure; 0–255 → exit.
 *
 * @param info The parsed job.
 * @returns The cause, or `undefined` for a job that has not finished.
 */
export function pbsCause(info: JobInfo): Cause | undefined {
  if (info.status < 0) return undefined;
  const reason = info.reason ?? "";
  const limit = /exceeding its (\S+)/.exec(reason)?.[1];
  if (limit !== undefined) {
    if (/mem/.test(limit)) return "out-of-memory";
    return limit === "cput" ? "timeout" : "cancelled";
  }
  const shared = common(info);
  if (shared !== undefined) return shared;
  if (/finished without an exit status|could not run the job/.test(reason)) return "node-failure";
  return "exit";
}

/**
 * LSF and OpenLava, from `bjobs`/`bhist` reasons (IBM Spectrum LSF "Termination reasons":
 * TERM_RUNLIMIT, TERM_CPULIMIT, TERM_DEADLINE → timeout; TERM_MEMLIMIT, TERM_SWAP → out-of-memory;
 * TERM_PREEMPT → preempted; TERM_OWNER, TERM_ADMIN, TERM_FORCE_* → cancelled; TERM_ZOMBIE,
 * TERM_LOAD, TERM_UNKNOWN → node-failure), OpenLava's run-limit exit 140 (the parser's
 * `timeout`), a bkill's 130 (the parser's CANCELLED); DONE and other exits → exit.
 *
 * @param info The parsed job.
 * @returns The cause, or `undefined` for a job that has not finished.
 */
export function lsfCause(info: JobInfo): Cause | undefined {
  if (info.status < 0) return undefined;
  const reason = info.reason ?? "";
  if (/TERM_(?:CPULIMIT|DEADLINE)/.test(reason)) return "timeout";
  if (/TERM_(?:MEMLIMIT|SWAP)/.test(reason)) return "out-of-memory";
  if (/TERM_PREEMPT/.test(reason)) return "preempted";
  if (/TERM_(?:ZOMBIE|LOAD|UNKNOWN)/.test(reason) || info.state === "ZOMBI") return "node-failure";
  return common(info) ?? "exit";
}

/**
 * SGE, from `qacct`'s `failed` code as the parser read it (Grid Engine `sge_shepherd` failure
 * codes, `qacct(1)`): 37 (qmaster enforced h_rt, h_cpu or h_vmem) or a soft limit's signal
 * (s_rt: SIGUSR1) once the wallclock reached h_rt/s_rt → timeout; 37 before it → out-of-memory
 * (h_vmem; an h_cpu kill looks the same); 100 with a kill (qdel) → cancelled; 0 and 30
 * (application error) → exit. Failures before the job ran (1–29: working directory, shell, output files) are
 * reported as exit with qacct's exit status: the job's host refused it, `run.reason` says why.
 *
 * @param info The parsed job.
 * @returns The cause, or `undefined` for a job that has not finished.
 */
export function sgeCause(info: JobInfo): Cause | undefined {
  if (info.status < 0) return undefined;
  const shared = common(info);
  if (shared !== undefined) return shared;
  return info.state === "failed 37" ? "out-of-memory" : "exit";
}
