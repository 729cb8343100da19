/**
 * LSF words shared by the `bjobs` parsers (`lsf.ts`, `_lsf_bjobs_long.ts`) and the `bhist`
 * parser (`_lsf_bhist.ts`): the job states and how a finished job's state, exit code and
 * termination reason become a portable status. Internal; not exported from `mod.ts`.
 *
 * Sources: IBM Spectrum LSF 10.1 Command Reference "bjobs" (JOB STATUS: PEND, PROV, WAIT, PSUSP,
 * USUSP, SSUSP, RUN, UNKWN, DONE, EXIT, ZOMBI) and Administering LSF "Termination reasons
 * displayed by bacct, bhist, and bjobs" (TERM_OWNER, TERM_ADMIN, TERM_FORCE_OWNER,
 * TERM_FORCE_ADMIN, TERM_RUNLIMIT, ...).
 *
 * @module
 */

import { Status, type StatusCode } from "../src/core/status.ts";
import type { JobInfo } from "../src/core/backend.ts";
import { jobInfo } from "./_commands.ts";

/** LSF job states of jobs that have not finished; DONE, EXIT and ZOMBI go to {@linkcode finishedInfo}. */
export const LSF_ACTIVE_STATES: Readonly<Record<string, StatusCode>> = {
  PEND: Status.PENDING,
  PROV: Status.PENDING,
  WAIT: Status.PENDING,
  PSUSP: Status.PENDING,
  USUSP: Status.PENDING,
  SSUSP: Status.PENDING,
  RUN: Status.RUNNING,
  // mbatchd lost contact with the execution host; the job was running there.
  UNKWN: Status.RUNNING,
};

/** Lines (stdout or stderr) that only say an id is unknown. */
export const LSF_NOT_KNOWN: readonly RegExp[] = [
  /^Job <[^>]+> is not found/,
  /^No (?:unfinished |matching )?job found/,
];

/** Whether a line only says an id is unknown. */
export function saysNotKnown(line: string): boolean {
  return LSF_NOT_KNOWN.some((pattern) => pattern.test(line));
}

/**
 * DONE → COMPLETED. EXIT → FAILED with a `timeout` reason for `TERM_RUNLIMIT`; CANCELLED when
 * killed by its owner or an administrator (`TERM_OWNER`/`TERM_ADMIN`/`TERM_FORCE_*`, or a kill
 * request `bhist` logged, or — only when `exit130IsBkill` — exit code 130 = SIGINT, the first
 * signal of `bkill`, without any reason); otherwise FAILED. ZOMBI (killed while its host was
 * unreachable) → FAILED.
 *
 * `exit130IsBkill` is for `bjobs`, which often gives no reason; `bhist` logs every kill
 * request, so there a bare 130 is the script's own exit code.
 */
export function finishedInfo(
  state: string,
  exitCode: number | undefined,
  reason: string,
  exit130IsBkill: boolean,
): JobInfo {
  if (state === "DONE") return jobInfo(Status.COMPLETED, state, exitCode ?? 0, reason);
  if (state === "ZOMBI") return jobInfo(Status.FAILED, state, exitCode, reason || "zombie job");
  if (/TERM_RUNLIMIT|run ?time limit/i.test(reason)) {
    return jobInfo(Status.FAILED, state, exitCode, `timeout: ${reason}`);
  }
  const killed =
    /TERM_(?:FORCE_)?(?:OWNER|ADMIN)|killed by (?:owner|LSF administrator)|requested by user or administrator/i
      .test(reason);
  if (killed || (exit130IsBkill && reason === "" && exitCode === 130)) {
    return jobInfo(Status.CANCELLED, state, exitCode, reason || "killed by bkill (exit 130)");
  }
  return jobInfo(Status.FAILED, state, exitCode, reason);
}
