/**
 * The differences between IBM Spectrum LSF 10.1 and OpenLava 4.0 (an LSF clone of the LSF 7
 * era), as data: the LSF emulator's code is shared, and everything that differs between the two
 * products' tools is looked up here (as `sim/pbs/dialect.ts` does for Torque and PBS Pro).
 *
 * Sources (cited per field below):
 * - OpenLava 4.0 recorded on a single-node cluster: test/fixtures/real-outputs/openlava/
 *   (PROVENANCE.md), `NNN` below naming a recording.
 * - OpenLava `lsbatch/cmd/bjobs.c` (table formats, `-A`), `lsbatch/cmd/cmd.prt.c` (the long
 *   records of `bjobs -l`/`bhist -l`: `Job Id <N>,`), `lsbatch/cmd/cmd.misc.c` (`prtLine`, how
 *   long lines wrap) — zjma/openlava `69891d8`, the recorded build.
 * - IBM Spectrum LSF 10.1 Command Reference (bjobs, bhist, bsub) and the LSF 10.1 transcripts
 *   cited in `_history.ts`.
 *
 * @module
 */

import { ctime, monthDayTime } from "../_common/format.ts";

/** The LSF products the emulator speaks: `lsf10` (IBM Spectrum LSF 10.1) and `openlava` (4.0). */
export type LsfDialectName = "lsf10" | "openlava";

/** One LSF product's words and formats. */
export interface LsfDialect {
  /** Which product. */
  readonly name: LsfDialectName;
  /**
   * Whether `bjobs -o` and `-json` exist (LSF 9.1.1 and later). OpenLava's getopt refuses `-o`
   * with `invalid option -- 'o'` and the usage, exit 255 (032, 033).
   */
  readonly customFormats: boolean;
  /** bjobs's usage text, printed after an option it does not know. */
  readonly bjobsUsage: string;
  /** getopt's complaint about an unknown bjobs option. */
  bjobsBadOption(name: string): string;
  /** SUBMIT_TIME of the bjobs table (`-w` wide or not). */
  tableTime(ms: number, wide: boolean): string;
  /** EXEC_HOST of a job that was never dispatched (pending, or killed before it ran). */
  noExecHost(wide: boolean, pending: boolean): string;
  /** Whether `bjobs -a` lists finished jobs by the time they ended (else by submission). */
  readonly finishedByEndTime: boolean;
  /** The first words of a long record (`bjobs -l`, `bhist -l`). */
  recordId(label: string): string;
  /** Wraps one logical line of a long record at 79 columns. */
  wrap(line: string): string;
  /** The submission line's words for a job submitted held. */
  readonly heldWords: string;
  /** The separator before `to Queue <q>` in `bhist -l`'s submission line. */
  readonly toQueueSeparator: string;
  /** The dispatch event of `bhist -l`, after the time stamp. */
  dispatchEvent(slots: number, hosts: string): string;
  /** The RUNLIMIT block of a long record, after the submission line. */
  runLimitBlock(minutes: number, host: string): string[];
  /** Whether long records carry `Completed <exit>; TERM_…` termination reasons. */
  readonly terminationReasons: boolean;
  /** Whether `bhist -l` logs post-job processing for a job that exited (not only DONE ones). */
  readonly postJobAfterExit: boolean;
  /** A pending reason of `bjobs -p`/`-l`, for `hosts` hosts. */
  pendingReason(reason: string, hosts: number): string;
  /** bsub's complaint about an option it does not know. */
  bsubBadOption(name: string, usage: string): string;
  /** bsub's refusal of an array request it cannot read (`-J "b[4-1]"`), before `. Job not submitted.` */
  badArrayName(jobName: string): string;
  /** bsub's refusal of a dependency on no job, before `. Job not submitted.` */
  unknownDependency(expression: string, job: string): string;
  /** Whether mbatchd uses up a job id on the submissions it refuses. */
  readonly refusalsUseIds: boolean;
  /** bkill's answer for a whole array some of whose elements run (after `Job <N>: `), if any. */
  readonly arrayKillInProgress?: string;
}

/** Columns LSF prints long lines to (`cmd.misc.c`: WIDTH 80 with the cursor counted from 1). */
const WIDTH = 79;
/** Continuation indent: the width of `Mon Nov 25 10:00:00: ` (BLANKLEN 22 - 1). */
const INDENT = 21;

/**
 * LSF 10.1's wrap, as its transcripts show: cut at any character after 79 columns, continue
 * after the indent, the space at a cut kept.
 */
export function wrapLsf10(text: string): string {
  let out = text.slice(0, WIDTH);
  for (let at = WIDTH; at < text.length; at += WIDTH - INDENT) {
    out += "\n" + " ".repeat(INDENT) + text.slice(at, at + WIDTH - INDENT);
  }
  return out;
}

/**
 * OpenLava's `prtLine` (`cmd.misc.c`): after 79 columns it starts a new line indented by 21
 * blanks and skips one blank where the cut falls on it; the check comes before every character,
 * the line's newline included, so a line of exactly 79 columns gets an empty continuation
 * (`Exited with exit code 3. The CPU time used is 0.0 seconds.` in 043).
 */
export function wrapOpenLava(text: string): string {
  let out = "";
  let column = 0;
  for (let at = 0; at <= text.length; at++) {
    if (column === WIDTH) {
      out += "\n" + " ".repeat(INDENT);
      column = INDENT;
      if (text[at] === " ") at++;
    }
    if (at >= text.length) break;
    out += text[at];
    column++;
  }
  return out;
}

const LSF10_BJOBS_USAGE =
  "Usage: bjobs [-h] [-V] [-w | -l] [-a] [-d] [-p] [-s] [-r] [-noheader] [-json]\n" +
  "             [-o \"field_name[:[-][output_width]] ... [delimiter='character']\"]\n" +
  '             [-q queue_name] [-u user_name | -u all] [-J name_spec] [jobId | "jobId[idxList]" ...]\n';

/** LSF 10.1's pending reasons (LSF 10.1 "Pending reasons" reference): job-level ones carry no host count. */
const LSF10_PENDING: Readonly<Record<string, string>> = {
  none: "New job is waiting for scheduling",
  dependency: "Job dependency condition not satisfied",
  "dependency-never-satisfied": "Dependency condition invalid or never satisfied",
  "held-user": "The job was suspended by the user while pending",
  "held-admin": "The job was suspended by LSF admin or root while pending",
};

/**
 * OpenLava's pending reasons as recorded (026–028, 038, 046, 064), every one with its host
 * count: a job mbatchd has not placed yet, and one whose dependency is still open (mbatchd does
 * not try to place it), is `New job is waiting for scheduling`; one that found no free slot,
 * `Job slot limit reached`.
 */
const OPENLAVA_PENDING: Readonly<Record<string, string>> = {
  none: "New job is waiting for scheduling",
  dependency: "New job is waiting for scheduling",
  "dependency-never-satisfied": "Dependency condition invalid or never satisfied",
  "held-user": "The job was suspended by the user while pending",
  "held-admin": "The job was suspended by LSF admin or root while pending",
  resources: "Job slot limit reached",
  priority: "Job slot limit reached",
};

function hostCount(hosts: number): string {
  return `${hosts} host${hosts === 1 ? "" : "s"}`;
}

/** IBM Spectrum LSF 10.1. */
export const LSF10: LsfDialect = {
  name: "lsf10",
  customFormats: true,
  bjobsUsage: LSF10_BJOBS_USAGE,
  bjobsBadOption: (name) => `bjobs: illegal option -- ${name}\n`,
  // `%b %d %H:%M` (LSF 10.1 bjobs SUBMIT_TIME).
  tableTime: (ms) => monthDayTime(ms),
  noExecHost: () => "",
  finishedByEndTime: false,
  recordId: (label) => `Job <${label}>`,
  wrap: wrapLsf10,
  heldWords: " with hold",
  toQueueSeparator: ",",
  dispatchEvent: (slots, hosts) =>
    `Dispatched ${slots} Task(s) on Host(s) ${hosts}, Allocated ${slots} Slot(s) on ` +
    `Host(s) ${hosts}, Effective RES_REQ <select[type == local] order[r15s:pg] >;`,
  runLimitBlock: (minutes) => ["", " RUNLIMIT", ` ${minutes.toFixed(1)} min`],
  terminationReasons: true,
  postJobAfterExit: true,
  pendingReason: (reason, hosts) =>
    reason in LSF10_PENDING
      ? `${LSF10_PENDING[reason]};`
      : `Not enough job slot(s): ${hostCount(hosts)};`,
  bsubBadOption: (name, usage) => `bsub: illegal option -- ${name}\n${usage}`,
  badArrayName: (jobName) => `${jobName}: Job array index error`,
  unknownDependency: (expression) => `${expression}: No matching job found`,
  refusalsUseIds: false,
};

/** OpenLava 4.0 (zjma/openlava `69891d8`), as recorded. */
export const OPENLAVA: LsfDialect = {
  name: "openlava",
  customFormats: false,
  // 032, 033: glibc getopt's words, then the usage on stderr.
  bjobsUsage: "Usage: bjobs [-h] [-V] [-w |-l] [-W] [-a] [-d] [-p] [-s] [-r] [-g job_group]\n" +
    "             [-A] [-m host_name] [-q queue_name] [-u user_name | -u all]\n" +
    "             [-P project_name] [-N host_spec] [-J name_spec] [-UF] [-WL|-WP|-WF] [-noheader]\n" +
    '             [jobId | "jobId[idxList]" ...]\n',
  bjobsBadOption: (name) => `bjobs: invalid option -- '${name}'\n`,
  // bjobs.c: CTIME_FORMAT_b_d_H_M (`Dec  1 23:10`) in `%-14.14s`, unpadded with -w (023, 034).
  tableTime: (ms, wide) => {
    const time = ctime(ms).slice(4, 16);
    return wide ? time : time.padEnd(14);
  },
  // bjobs.c: `""` for a pending job in the table, `   -   ` for one that never ran; `-w`
  // prints `   -    ` for both (034, 067).
  noExecHost: (wide, pending) => (wide ? "   -    " : pending ? "" : "   -   "),
  // 039, 067: unfinished jobs first, then the finished ones as they ended.
  finishedByEndTime: true,
  // cmd.prt.c prtHeader: `\nJob%s <%s>,` with " Id" unless -UF (026, 047).
  recordId: (label) => `Job Id <${label}>`,
  wrap: wrapOpenLava,
  // cmd.prt.c prtJobSubmit: ` on hold` (027, 063).
  heldWords: " on hold",
  toQueueSeparator: "",
  // cmd.prt.c prtJobStart: `Dispatched to <host>` (047).
  dispatchEvent: (_slots, hosts) => `Dispatched to ${hosts};`,
  // cmd.prt.c prtResourceLimit: the limit and the host it is normalised to, in 25 columns (069).
  runLimitBlock: (minutes, host) => [
    "",
    " RUNLIMIT".padEnd(25),
    ` ${minutes.toFixed(1)} min of ${host}`.padEnd(25),
  ],
  // 062, 070: a kill and a run-limit kill show only `Exited with exit code 130/140`.
  terminationReasons: false,
  // 048, 062, 070: `Post job process done successfully` follows DONE only.
  postJobAfterExit: false,
  pendingReason: (reason, hosts) =>
    `${OPENLAVA_PENDING[reason] ?? "Job slot limit reached"}: ${hostCount(hosts)};`,
  // 020: getopt's complaint, then lsb_perror's `. Job not submitted.` and no usage.
  bsubBadOption: (name) => `bsub: illegal option -- ${name}\n. Job not submitted.\n`,
  // 022: LSBE_BAD_JOB_NAME's text (lsb.err.c) for `b[4-1]`.
  badArrayName: () => "Bad job name",
  // 018: the job the condition names, not the whole condition.
  unknownDependency: (_expression, job) => `${job}: No matching job found`,
  // 018, 019, 022 used up ids 114–116: the sleeper submitted next is 117 (055).
  refusalsUseIds: true,
  // 066: rc 255 although every element was killed.
  arrayKillInProgress: "Operation is in progress",
};

/** The dialects by name. */
export const LSF_DIALECTS: Readonly<Record<LsfDialectName, LsfDialect>> = {
  lsf10: LSF10,
  openlava: OPENLAVA,
};
