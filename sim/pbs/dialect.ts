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

/** `pbs_errno` values (pbs_error.h) the emulator reports; exit status is `errno & 0xff`. */
export const PBSE = {
  UNKJOBID: 15001,
  PERM: 15007,
  BADHOST: 15010,
  BADSTATE: 15018,
  UNKQUE: 15020,
  EXCQRESC: 15038,
  HISTJOBID: 15139,
} as const;

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
  /** Spelling of the exit status attribute in `qstat -f`. */
  readonly exitStatusAttribute: "exit_status" | "Exit_status";
  /** Server error text for an unknown job (pbs_geterrmsg / pbse_to_txt). */
  readonly unknownJobText: string;
  /** `exit_status` of a job killed for exceeding its walltime (Torque JOB_EXEC_OVERLIMIT_WT -11, Pro JOB_EXEC_KILL_WALLTIME -29). */
  readonly walltimeExitStatus: number;
  /** Spool directory of node files (`$PBS_HOME/aux`). */
  readonly auxDirectory: string;
  /** Column layout of the default `qstat` table. */
  readonly table: QstatTableLayout;
  /** qsub's word for a rejected submission, given the server's message. */
  submitError(message: string, detail: string): string;
  /** What a command prints on stderr when the server refuses connections (exit 111, ECONNREFUSED). */
  serverDown(command: string): string;
  /** A transient submit failure (the job is not created): its `pbs_errno` and stderr. */
  readonly busyServer: { readonly errno: number; text(command: string): string };
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

const SECOND = 1000;

/**
 * Torque 6.1. `display_statjob()` prints the hard-coded header below and rows with
 * `"%-26s %-16s %-15s %8s %1s %-15s"` (PBS_MAXSEQNUM 8 + PBS_MAXJOBARRAYLEN 7 + 11 = 26; the
 * header's dashes stay 25 wide). Names longer than 16 characters become `...` plus their tail
 * (`get_summary_attributes()`); owners are cut to 15, queues to 15.
 */
export const TORQUE: PbsDialect = {
  kind: "pbs",
  defaults: { queue: "batch", arrayTaskIds: "shared", killSignal: 15, limits: {} },
  arrayOption: "t",
  arrayIndexVariable: "PBS_ARRAYID",
  finishedState: "C",
  keepFinishedMs: 300 * SECOND,
  historyNeedsX: false,
  exitStatusAttribute: "exit_status",
  unknownJobText: "Unknown Job Id Error",
  walltimeExitStatus: -11,
  auxDirectory: "/var/spool/torque/aux",
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
  busyServer: {
    errno: 15033,
    text: (command) =>
      `${command}: submit error (Pbs Server is currently too busy to process this request. ` +
      "Please retry this operation.)\n",
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
  defaults: { queue: "workq", arrayTaskIds: "shared", killSignal: 15, limits: {} },
  arrayOption: "J",
  arrayIndexVariable: "PBS_ARRAY_INDEX",
  finishedState: "F",
  keepFinishedMs: 14 * 24 * 3600 * SECOND,
  historyNeedsX: true,
  exitStatusAttribute: "Exit_status",
  unknownJobText: "Unknown Job Id",
  walltimeExitStatus: -29,
  auxDirectory: "/var/spool/pbs/aux",
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
  // A connection blip seen in production: the client cannot reach the server for a moment.
  busyServer: {
    errno: PBSE.BADHOST,
    text: (command) => `${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=15010)\n`,
  },
};

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
