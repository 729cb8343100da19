/**
 * The one table of what each scheduler's submit command prints when it fails transiently, and
 * what that says of the job: `created` (the answer carries the job id), `not-created` (the
 * controller was never reached, or refused the request) or `unknown` (the request may have
 * reached the controller and its answer was lost). Submission keeps the cache marker for
 * `unknown` and looks for the job's token; `not-created` removes it. A failed answer that no row
 * matches is a refusal (`not-created`): the controller answered, and said no.
 *
 * Every row cites where its text comes from. Versions followed: SLURM 22.05, SGE 8.1.9,
 * Torque 6.1, OpenPBS 23.06, OpenLava 4.0 (LSF 10.1 prints the same `lsb_errmsg` texts).
 * Internal module: the backends' `submitOutcome` reads it, the simulator prints the same texts.
 *
 * @module
 */

import type { SubmitOutcome } from "../src/core/backend.ts";
import type { CommandOutput } from "../src/core/transport.ts";

/** One row: a text a failed submit prints, what it means for the job, and its source. */
export interface SubmitErrorRow {
  /** Matched against the submit command's stderr and stdout. */
  readonly text: RegExp;
  /** What the text says of the job. */
  readonly outcome: SubmitOutcome;
  /** Where the text comes from. */
  readonly source: string;
}

/** The schedulers of the table. */
export type SubmitErrorScheduler = "slurm" | "sge" | "lsf" | "pbs" | "pbspro";

/** The table, per scheduler; the first matching row wins. */
export const SUBMIT_ERRORS: Readonly<Record<SubmitErrorScheduler, readonly SubmitErrorRow[]>> = {
  slurm: [
    {
      text: /^Submitted batch job \d+|^\d+(?:;\S+)?$/m,
      outcome: "created",
      source: "sbatch prints the id once slurmctld accepted the job (src/sbatch/sbatch.c)",
    },
    {
      text: /Socket timed out on send\/recv operation/,
      outcome: "unknown",
      source: "SLURM_PROTOCOL_SOCKET_IMPL_TIMEOUT, src/common/slurm_errno.c: the reply was lost",
    },
    {
      text: /Zero Bytes were transmitted or received/,
      outcome: "unknown",
      source: "SLURM_PROTOCOL_SOCKET_ZERO_BYTES_SENT, src/common/slurm_errno.c",
    },
    {
      text: /Unable to contact slurm controller \((?:receive|shutdown) failure\)/,
      outcome: "unknown",
      source: "SLURMCTLD_COMMUNICATIONS_RECEIVE_ERROR / _SHUTDOWN_ERROR, src/common/slurm_errno.c",
    },
    {
      text: /Unable to contact slurm controller \(connect failure\)/,
      outcome: "not-created",
      source: "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR, src/common/slurm_errno.c; recordings " +
        "154-159 (slurmctld down)",
    },
    {
      text: /Unable to contact slurm controller \(send failure\)/,
      outcome: "not-created",
      source:
        "SLURMCTLD_COMMUNICATIONS_SEND_ERROR: the request never left (src/common/slurm_errno.c)",
    },
  ],
  sge: [
    {
      text: /^Your job(?:-array)? \d+/m,
      outcome: "created",
      source: "qsub prints the id once qmaster accepted the job (recordings 001-010)",
    },
    {
      text: /failed receiving gdi request response/,
      outcome: "unknown",
      source: "MSG_GDI_RECEIVEGDIREQUESTFAILED_US, source/libs/gdi/msg_gdilib.h: request sent, " +
        "reply lost",
    },
    {
      text: /unable to (?:send message to|contact) qmaster|got select error \(Connection refused\)/,
      outcome: "not-created",
      source: "commlib connect errors, recordings 111-114 (qmaster down)",
    },
  ],
  lsf: [
    {
      text: /^Job <\d+(?:\[\d+\])?> is submitted/m,
      outcome: "created",
      source: "bsub prints the id once mbatchd accepted the job (OpenLava lsbatch/cmd/cmd.sub.c)",
    },
    {
      text: /Contacting batch daemon: Communication timeout/,
      outcome: "unknown",
      source: "lsb_errmsg[60], OpenLava lsbatch/lib/lsb.err.c: connected, reply not received",
    },
    {
      text: /Failed in an LSF library call|Communication time out|Batch protocol error|End of file/,
      outcome: "unknown",
      source:
        "lsb_errmsg[50], [57], [46] and ls_errmsg[12], lsbatch/lib/lsb.err.c, lsf/lib/lib.err.c",
    },
    {
      text: /Master batch daemon internal error|mbatchd/,
      outcome: "unknown",
      source: "lsb_errmsg[47] and mbatchd restart messages (sbd.comm.c): the request may be logged",
    },
    {
      text:
        /Timeout on connect call to server|Connection refused by server|LSF is down|LIM is down/,
      outcome: "not-created",
      source: "lsb_errmsg[61], [62], ls_errmsg[5]: no connection was made (lsb.err.c, lib.err.c)",
    },
  ],
  pbs: [
    {
      text: /^\d+(?:\[\d*\])?\.\S+$/m,
      outcome: "created",
      source: "qsub prints the id once pbs_server queued the job (Torque 6.1 qsub_functions.c)",
    },
    {
      text: /too busy to service this request/,
      outcome: "not-created",
      source: "PBSE_SERVER_BUSY, Torque 6.1 src/include/pbs_error_db.h: rejected before queueing " +
        "(process_request.c req_reject)",
    },
    {
      text: /cannot connect to server|Communication failure|could not connect to trqauthd/,
      outcome: "not-created",
      source: "qsub_functions.c and Libcmds/cnt2server.c: no connection to pbs_server",
    },
    {
      text: /Time out|Error reading data from socket|Premature End of File|Socket close detected/,
      outcome: "unknown",
      source: "PBSE_TIMEOUT, PBSE_SOCKET_READ, PBSE_PREMATURE_EOF, PBSE_SOCKET_CLOSE, " +
        "src/include/pbs_error_db.h: request sent, reply lost",
    },
  ],
  pbspro: [
    {
      text: /^\d+(?:\[\d*\])?\.\S+$/m,
      outcome: "created",
      source: "qsub prints the id once the server queued the job (OpenPBS src/cmds/qsub.c)",
    },
    {
      text: /cannot connect to server/,
      outcome: "not-created",
      source: 'OpenPBS src/cmds/qsub.c "qsub: cannot connect to server %s (errno=%d)"',
    },
    {
      text: /Communication failure/,
      outcome: "not-created",
      source: "OpenPBS src/lib/Libcmds/cnt2server.c: no connection to the server",
    },
    {
      text: /Batch protocol error|End of File|Timed out|Time out/i,
      outcome: "unknown",
      source: "PBSE_PROTOCOL (15031), src/include/pbs_error.h: the connection broke mid-request",
    },
  ],
};

/**
 * What a failed submit answer says of the job, by `scheduler`'s rows: the first row whose text
 * is in the answer, else `not-created` (a refusal).
 */
export function submitOutcomeOf(
  scheduler: SubmitErrorScheduler,
  output: CommandOutput,
): SubmitOutcome {
  const said = `${output.stderr}\n${output.stdout}`;
  return SUBMIT_ERRORS[scheduler].find((row) => row.text.test(said))?.outcome ?? "not-created";
}
