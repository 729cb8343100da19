/**
 * The differences between Torque and PBS Professional, as data: the PBS emulator's code is
 * shared, and everything that differs between the two products is looked up here.
 *
 * Sources (cited per field below):
 * - Torque 6.1 `src/cmds/qstat.c` (adaptivecomputing/torque): default table, `-f`, `-x` XML,
 *   `Unknown Job Id Error`; Torque Administrator Guide "Job exit status" (`exit_status`).
 * - OpenPBS / PBS Professional `src/cmds/qstat.c`, `src/cmds/qdel.c` (openpbs/openpbs) and the
 *   PBS Professional Reference Guide (qstat, qsub, job attributes `Exit_status`, states F/X/B).
 * - `pbs_error.h` (both products): a command exits with `pbs_errno & 0xff`, e.g.
 *   PBSE_UNKJOBID 15001 -> 153, PBSE_HISTJOBID 15139 -> 35.
 *
 * @module
 */

import type { SimEmulatorDefaults } from "../emulator.ts";
import { hhmmss } from "../_common/words.ts";
import { usDateTime } from "../_common/format.ts";

/**
 * `pbs_errno` values both products share (pbs_error.h); exit status is `errno & 0xff`. The
 * numbers that differ between the two are in each dialect's {@linkcode PbsErrors}.
 */
export const PBSE = {
  UNKJOBID: 15001,
  PERM: 15007,
  HISTJOBID: 15139,
} as const;

/**
 * The `pbs_errno` of the server's refusals, which the two products number differently: Torque
 * 6.1 numbers its errors in order in `src/include/pbs_error_db.h` (PBSE_BADSTATE 15018,
 * PBSE_UNKQUE 15020, PBSE_EXCQRESC 15038, PBSE_BADDEPEND 15056, PBSE_BAD_ARRAY_REQ 15083), OpenPBS
 * in `src/include/pbs_error.h` (PBSE_BADSTATE 15016, PBSE_UNKQUE 15018, PBSE_EXCQRESC 15036,
 * PBSE_BADDEPEND 15054). The recordings exit with them: Torque `qsub -q nosuchq` 172 and
 * `qdel` of a completed job 170 (raw/torque/015, 059), OpenPBS `qsub -q nosuchq` 170
 * (raw/openpbs/019).
 */
export interface PbsErrors {
  /** PBSE_BADSTATE: request invalid for the job's state. */
  readonly badState: number;
  /** PBSE_UNKQUE: unknown queue (also a malformed `qstat` operand, read as a destination). */
  readonly unknownQueue: number;
  /** PBSE_EXCQRESC: the job exceeds the queue's resource limits. */
  readonly queueLimits: number;
  /** PBSE_BADDEPEND: invalid job dependency. */
  readonly badDependency: number;
  /** PBSE_BAD_ARRAY_REQ (Torque): a job array request the server cannot read. */
  readonly badArray: number;
}

/** The exit status a PBS command returns for `pbs_errno` (so 15001 exits 153). */
export function exitFor(errno: number): number {
  return errno & 0xff;
}

/** One PBS product's words and rules. */
export interface PbsDialect {
  /** Scheduler kind in the simulator. */
  readonly kind: "pbs" | "pbspro";
  /**
   * How the engine behaves: the stock queue (Torque's `batch`, PBS Pro's `workq`); qsub refuses
   * jobs beyond the queue's limits ("Job exceeds queue resource limits").
   */
  readonly defaults: SimEmulatorDefaults;
  /** qsub's array option: Torque `-t 1-10%2`, PBS Pro `-J 1-10:2%3`. */
  readonly arrayOption: "t" | "J";
  /** Environment variable holding a subjob's index. */
  readonly arrayIndexVariable: "PBS_ARRAYID" | "PBS_ARRAY_INDEX";
  /** State letter of a finished job: Torque `C` (Completed), PBS Pro `F` (Finished). */
  readonly finishedState: "C" | "F";
  /** How long a finished job stays visible, ms: Torque `keep_completed` (300 s), Pro `job_history_duration` (2 weeks). */
  readonly keepFinishedMs: number;
  /** PBS Pro shows finished jobs only with `qstat -x` / `-H`; Torque shows `C` jobs to every qstat. */
  readonly historyNeedsX: boolean;
  /**
   * tracejob's answer to `-q` where it has none (OpenPBS: its usage on stdout, `tracejob:
   * invalid option -- 'q'` on stderr, exit 1, raw/openpbs/066); `undefined` where `-q` is
   * Torque's quiet flag.
   */
  readonly tracejobWithoutQuiet?: string;
  /**
   * The time stamp of a tracejob line: Torque `12/01/2026 23:08:49.580 ` (milliseconds, one
   * blank, raw/torque/070), OpenPBS `12/01/2026 21:47:58  ` (two blanks, raw/openpbs/067).
   */
  tracejobStamp(ms: number): string;
  /**
   * How long a running job (not an array's subjob) deleted with `qdel` still runs before it
   * ends, ms: Torque ends it at
   * once (raw/torque/060: `comp_time` the second of the qdel); OpenPBS's mom sends SIGTERM, then
   * SIGKILL after `kill_delay` (10 s) and reports the end at its next poll
   * (raw/openpbs/057, 061: `resources_used.walltime = 00:00:11` for a job deleted as it started).
   */
  readonly deleteRunningMs: number;
  /** Spelling of the exit status attribute in `qstat -f`. */
  readonly exitStatusAttribute: "exit_status" | "Exit_status";
  /** Server error text for an unknown job (pbs_geterrmsg / pbse_to_txt). */
  readonly unknownJobText: string;
  /** The `pbs_errno` of refusals the products number differently. */
  readonly errors: PbsErrors;
  /**
   * What `qdel` prints before an unknown id: Torque 6.1 `nonexistent job id:` (raw/torque/058),
   * OpenPBS the server's `Unknown Job Id` (raw/openpbs/059).
   */
  readonly qdelUnknownText: string;
  /**
   * A dependency on a job the server does not know: Torque refuses the submission (`Invalid Job
   * Dependency`, raw/torque/037); OpenPBS accepts it and the job ends without running
   * (raw/openpbs/021, job 52 is `F` in raw/openpbs/043).
   */
  readonly unknownDependency: "refuse" | "accept";
  /**
   * Torque 6.1 answers `qstat 6[].vm` and `qstat -f 6[].vm` (an array id without `-t`) with every
   * job in the queue, not the array (raw/torque/022, 024, 051, 053, 067): the recordings, not the
   * documentation, which describes the array's summary.
   */
  readonly arrayIdListsAll: boolean;
  /**
   * The host in `Job_Owner`: Torque names the host the request came from as the server resolves
   * its address, `localhost` when qsub runs on the server's host (`pbsuser@localhost` beside
   * `submit_host = vm`, raw/torque/020); OpenPBS takes the submit host (`pbsuser@vm-pbs`,
   * raw/openpbs/024).
   */
  ownerHost(submitHost: string, server: string): string;
  /**
   * How long a job runs before the server has its resource usage from the mom: `qstat -f` shows
   * no `resources_used` for the jobs running a few seconds in the recordings (raw/torque/040,
   * raw/openpbs/085). Torque's mom reports every `$status_update_time` (45 s, Torque
   * Administrator Guide, MOM configuration); OpenPBS's polls from `$min_check_poll` (10 s, PBS
   * Professional Administrator's Guide).
   */
  readonly usageReportMs: number;
  /**
   * `exit_status` of a job deleted because its dependency failed: Torque 271 with a comment
   * (raw/torque/043); OpenPBS none (raw/openpbs/040).
   */
  readonly dependencyDeletedExitStatus: number | undefined;
  /**
   * qsub's complaint about its arguments and its usage, all of stderr: `message` as getopt prints
   * it (`invalid option -- 'Z'`, after `qsub: `), as qsub prints it (`illegal -l value`, after
   * `qsub: `), or bare (Torque's `The -J option can only be used in conjunction with -P`).
   */
  qsubUsage(message: string, kind: "getopt" | "qsub" | "bare"): string;
  /** `exit_status` of a job killed for exceeding its walltime (Torque JOB_EXEC_OVERLIMIT_WT -11, Pro JOB_EXEC_KILL_WALLTIME -29). */
  readonly walltimeExitStatus: number;
  /** Spool directory of node files (`$PBS_HOME/aux`). */
  readonly auxDirectory: string;
  /** Column layout of the default `qstat` table. */
  readonly table: QstatTableLayout;
  /** Column layout of `qstat -a` (and of PBS Pro's `qstat -H`). */
  readonly altTable: QstatAltLayout;
  /** qsub's word for a rejected submission, given the server's message. */
  submitError(message: string, detail: string): string;
  /** What a command prints on stderr when the server refuses connections (exit 111, ECONNREFUSED). */
  serverDown(command: string): string;
  /**
   * Transient submit failures, their `pbs_errno` and stderr: `lost`, the request reached the
   * server and its answer was lost (the job may exist); `refused`, the server was not reached
   * or turned the request away (it does not).
   */
  readonly submitFailures: Readonly<
    Record<"lost" | "refused", { readonly errno: number; text(command: string): string }>
  >;
}

/** The server host the unreachable-server messages name (the emulator does not know the host). */
const SERVER_PLACEHOLDER = "pbsserver";

/** Widths and headers of the default `qstat` table (see each dialect for the source line). */
export interface QstatTableLayout {
  /** The two header lines. */
  readonly header: readonly [string, string];
  /** Width of the job id column. */
  readonly idWidth: number;
  /** Width of the name column. */
  readonly nameWidth: number;
  /** Width of the user column. */
  readonly userWidth: number;
  /** Separator between the user and the time-use column (Pro prints two spaces). */
  readonly beforeTime: string;
  /** Width of the queue column (the last, padded). */
  readonly queueWidth: number;
  /** Shortens the id, name, user and queue the way this product's qstat does. */
  readonly shorten: (column: "id" | "name" | "user" | "queue", value: string) => string;
}

/**
 * The `qstat -a` table: three header lines under the server's name, then per job its id, user,
 * queue, name, session, nodes, tasks, requested memory and time, state and elapsed time, one
 * blank between columns; a value the server does not have is `--` (raw/torque/019,
 * raw/openpbs/023, 049).
 */
export interface QstatAltLayout {
  /** The three header lines. */
  readonly header: readonly [string, string, string];
  /** Column widths: id, user, queue, name, session, nodes, tasks, memory, time, state, elapsed. */
  readonly widths: readonly [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  /** The requested walltime as the Time column shows it (`01:00:00`, PBS Pro `00:05`). */
  time(seconds: number): string;
  /**
   * The Elap Time column: Torque the time since a running job started (`--` otherwise);
   * PBS Pro the walltime the mom reported (`--` until it has).
   */
  readonly elapsed: "running" | "reported";
}

const SECOND = 1000;

/** Torque 6.1's qsub usage, `usage` and `usage2` of `print_qsub_usage_exit()` verbatim. */
const TORQUE_QSUB_USAGE = "usage: qsub [-a date_time] [-A account_string] [-b secs]\n" +
  "    [-c [ none | { enabled | periodic | shutdown |\n" +
  "    depth=<int> | dir=<path> | interval=<minutes>}... ]\n" +
  "    [-C directive_prefix] [-d path] [-D path]\n" +
  "    [-e path] [-h] [-I] [-j oe|eo|n] [-k {oe}] [-K <kill delay seconds>] \n" +
  "    [-l resource_list] [-m n|{abe}] [-M user_list] [-N jobname] [-o path] \n" +
  "    [-p priority] [-P proxy_user [-J <jobid]] [-q queue] [-r y|n] \n" +
  "    [-S path] [-t number_to_submit] [-T type]  [-u user_list] [-w] path\n" +
  "    [-W additional_attributes] [-v variable_list] [-V ] [-x] [-X] [-z] [script]\n";

/** OpenPBS's qsub usage: `usage[]` of src/cmds/qsub_sup.c and `usage2` of `print_usage()`. */
const PRO_QSUB_USAGE = "usage: qsub [-a date_time] [-A account_string] [-c interval]\n" +
  "\t[-C directive_prefix] [-e path] [-f ] [-h ] [-I [-X]] [-j oe|eo] [-J X-Y[:Z]]\n" +
  "\t[-k keep] [-l resource_list] [-m mail_options] [-M user_list]\n" +
  "\t[-N jobname] [-o path] [-p priority] [-P project] [-q queue] [-r y|n]\n" +
  "\t[-R o|e|oe] [-S path] [-u user_list] [-W otherattributes=value...]\n" +
  "\t[-v variable_list] [-V ] [-z] [script | -- command [arg1 ...]]\n" +
  "       qsub --version\n";

/**
 * Torque 6.1. `display_statjob()` prints the hard-coded header below and rows with
 * `"%-26s %-16s %-15s %8s %1s %-15s"` (PBS_MAXSEQNUM 8 + PBS_MAXJOBARRAYLEN 7 + 11 = 26; the
 * header's dashes stay 25 wide). Names longer than 16 characters become `...` plus their tail
 * (`get_summary_attributes()`); owners are cut to 15, queues to 15.
 */
export const TORQUE: PbsDialect = {
  kind: "pbs",
  // pbs_server refuses walltimes over the queue's and nodes the node file cannot give, but does
  // not check memory against the nodes: such a job waits for good (svr_jobfunc.c).
  defaults: {
    queue: "batch",
    arrayTaskIds: "shared",
    killSignal: 15,
    limits: { memory: "pend" },
  },
  arrayOption: "t",
  arrayIndexVariable: "PBS_ARRAYID",
  finishedState: "C",
  keepFinishedMs: 300 * SECOND,
  historyNeedsX: false,
  tracejobStamp: (ms) => `${usDateTime(ms)}.${String(ms % 1000).padStart(3, "0")} `,
  deleteRunningMs: 0,
  exitStatusAttribute: "exit_status",
  unknownJobText: "Unknown Job Id Error",
  errors: {
    badState: 15018,
    unknownQueue: 15020,
    queueLimits: 15038,
    badDependency: 15056,
    badArray: 15083,
  },
  qdelUnknownText: "nonexistent job id:",
  ownerHost: (submitHost, server) => submitHost === server ? "localhost" : submitHost,
  usageReportMs: 45 * SECOND,
  dependencyDeletedExitStatus: 271,
  unknownDependency: "refuse",
  arrayIdListsAll: true,
  // `print_qsub_usage_exit()` in src/cmds/qsub_functions.c: `[message]`, a blank line, the usage
  // in two parts and another blank line; getopt has already printed its complaint, and the
  // message is then `exiting` (raw/torque/014, 017).
  qsubUsage: (message, kind) =>
    (kind === "getopt"
      ? `qsub: ${message}\n[exiting]`
      : `[${kind === "qsub" ? "qsub: " : ""}${message}]`) + `\n\n${TORQUE_QSUB_USAGE}\n`,
  walltimeExitStatus: -11,
  auxDirectory: "/var/spool/torque/aux",
  altTable: {
    header: [
      " ".repeat(82) + "Req'd       Req'd       Elap",
      "Job ID                  Username    Queue    Jobname          SessID  NDS   TSK   Memory      Time    S   Time",
      "----------------------- ----------- -------- ---------------- ------ ----- ------ --------- --------- - ---------",
    ],
    widths: [23, 11, 8, 16, 6, 5, 6, 9, 9, 1, 9],
    time: (seconds) => hhmmss(seconds),
    elapsed: "running",
  },
  table: {
    header: [
      "Job ID                    Name             User            Time Use S Queue",
      "------------------------- ---------------- --------------- -------- - -----",
    ],
    idWidth: 26,
    nameWidth: 16,
    userWidth: 15,
    beforeTime: " ",
    queueWidth: 15,
    shorten(column, value) {
      if (column === "name") return torqueName(value);
      if (column === "id") return value.length > 23 ? value.slice(0, 29) : value;
      return value.slice(0, 15);
    },
  },
  submitError: (message, detail) =>
    `qsub: submit error (${message}${detail === "" ? "" : ` MSG=${detail}`})`,
  serverDown: (command) =>
    `${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=111) Connection refused\n`,
  // Torque 6.1 qsub_functions.c: qsub retries a PBSE_TIMEOUT (15085) itself (MAX_RETRIES 3), saying so without a
  // newline, then prints "qsub: submit error (%s)" with pbs_strerror() and exits with pbs_errno;
  // PBSE_SERVER_BUSY (15134) is the server's req_reject() when its thread pool is full
  // (process_request.c). Texts and numbers: src/include/pbs_error_db.h, counted from 15000.
  submitFailures: {
    lost: {
      errno: 15085,
      text: (command) =>
        "Connection to server timed out. Trying again".repeat(3) +
        `${command}: submit error (Time out)\n`,
    },
    refused: {
      errno: 15134,
      text: (command) =>
        `${command}: submit error (Pbs Server is currently too busy to service this request. ` +
        "Please retry this request.)\n",
    },
  },
};

/** Torque's long-name rule: keep the tail after `...`, starting at a `/` when there is one. */
function torqueName(value: string): string {
  if (value.length <= 16) return value;
  const from = value.length - 16 + 3;
  const slash = value.indexOf("/", from);
  return ("..." + value.slice(slash === -1 ? from : slash)).slice(0, 16);
}

/** OpenPBS `DISPLAY_TRUNC_CHAR`: a cut value ends in `*`. */
function proCut(value: string, width: number): string {
  return value.length > width ? value.slice(0, width - 1) + "*" : value;
}

/**
 * PBS Professional 2021+ / OpenPBS. `display_statjob()` prints the header below and rows with
 * `"%-17s %-16s %-16s  %8s %1s %-16s"` (PBS_MAXSEQNUM 12 + 5); the id keeps only the first
 * part of the server name; a value that does not fit is cut and ends in `*` (names of 16 or
 * more characters keep 15).
 */
export const PBSPRO: PbsDialect = {
  kind: "pbspro",
  // The server accepts a job no node can run; the scheduler leaves it queued with a comment
  // starting `Can Never Run` (src/scheduler/job_info.cpp). Only queue limits refuse at qsub.
  defaults: {
    queue: "workq",
    arrayTaskIds: "shared",
    killSignal: 15,
    limits: { cpus: "pend", memory: "pend", nodes: "pend", gpus: "pend" },
  },
  arrayOption: "J",
  arrayIndexVariable: "PBS_ARRAY_INDEX",
  finishedState: "F",
  keepFinishedMs: 14 * 24 * 3600 * SECOND,
  historyNeedsX: true,
  tracejobStamp: (ms) => `${usDateTime(ms)}  `,
  deleteRunningMs: 11 * SECOND,
  // raw/openpbs/066: OpenPBS tracejob's getopt string has no q.
  tracejobWithoutQuiet:
    "USAGE: tracejob [-a|s|l|m|v] [-w size] [-p path] [-n days] [-f filter_type] job_identifier...\n" +
    "   -p : path to PBS_HOME\n" +
    "   -w : number of columns of your terminal\n" +
    "   -n : number of days in the past to look for job(s) [default 1]\n" +
    "   -f : filter out types of log entries, multiple -f's can be specified\n" +
    "        error, system, admin, job, job_usage, security, sched, debug, \n" +
    "        debug2, resv, debug3, debug4, force or absolute numberic equiv\n" +
    "   -z : toggle filtering excessive messages\n" +
    "   -c : what message count is considered excessive\n" +
    "   -a : don't use accounting log files\n" +
    "   -s : don't use server log files\n" +
    "   -l : don't use scheduler log files\n" +
    "   -m : don't use mom log files\n" +
    "   -v : verbose mode - show more error messages\n" +
    "\n" +
    "       tracejob --version\n" +
    "   --version : display version only\n" +
    "\n" +
    "default prefix path = /var/spool/pbs\n" +
    "filter_excessive: ON\n",
  exitStatusAttribute: "Exit_status",
  unknownJobText: "Unknown Job Id",
  errors: {
    badState: 15016,
    unknownQueue: 15018,
    queueLimits: 15036,
    badDependency: 15054,
    badArray: 15014,
  },
  qdelUnknownText: "Unknown Job Id",
  ownerHost: (submitHost) => submitHost,
  usageReportMs: 10 * SECOND,
  dependencyDeletedExitStatus: undefined,
  unknownDependency: "accept",
  arrayIdListsAll: false,
  // `print_usage()` in src/cmds/qsub.c after the message (raw/openpbs/018, 020).
  qsubUsage: (message, kind) => `${kind === "bare" ? "" : "qsub: "}${message}\n${PRO_QSUB_USAGE}`,
  walltimeExitStatus: -29,
  auxDirectory: "/var/spool/pbs/aux",
  altTable: {
    header: [
      " ".repeat(60) + "Req'd  Req'd   Elap",
      "Job ID          Username Queue    Jobname    SessID NDS TSK Memory Time  S Time",
      "--------------- -------- -------- ---------- ------ --- --- ------ ----- - -----",
    ],
    widths: [15, 8, 8, 10, 6, 3, 3, 6, 5, 1, 5],
    time: (seconds) => hhmmss(seconds).slice(0, 5),
    elapsed: "reported",
  },
  table: {
    header: [
      "Job id            Name             User              Time Use S Queue",
      "----------------  ---------------- ----------------  -------- - -----",
    ],
    idWidth: 17,
    nameWidth: 16,
    userWidth: 16,
    beforeTime: "  ",
    queueWidth: 16,
    shorten(column, value) {
      if (column === "id") {
        const [seq = "", server = ""] = splitOnce(value, ".");
        const shortId = server === "" ? seq : `${seq}.${server.split(".")[0]}`;
        return proCut(shortId, 17);
      }
      if (column === "name") return value.length >= 16 ? value.slice(0, 15) + "*" : value;
      return proCut(value, 16);
    },
  },
  submitError: (message) => `qsub: ${message}`,
  serverDown: (command) =>
    `Connection refused\n${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=111)\n`,
  // OpenPBS src/cmds/qsub.c: "qsub: %s" with pbs_geterrmsg() and exit pbs_errno once connected
  // (PBSE_PROTOCOL 15031, "Batch protocol error", src/lib/Liblog/pbs_messages.c: the
  // connection broke mid-request); "cannot connect to server %s (errno=%d)" when the connection
  // fails (a blip seen in production: errno 15010).
  submitFailures: {
    lost: { errno: 15031, text: (command) => `${command}: Batch protocol error\n` },
    refused: {
      errno: 15010,
      text: (command) =>
        `${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=15010)\n`,
    },
  },
};

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
