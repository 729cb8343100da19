/**
 * What the SGE commands print when the cell misbehaves: qmaster unreachable
 * (111-qsub-while-qmaster-is-down, 112-qstat-while-qmaster-is-down,
 * 113-qstat-j-while-qmaster-is-down, 114-qdel-while-qmaster-is-down), a GDI request that times
 * out, and accounting missing (TRANSCRIPTS.md: qacct before the first accounting flush).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { fail } from "../_common/command_result.ts";
import type { SimEngineApi } from "../emulator.ts";
import { SGE_ROOT } from "./_cell.ts";
import { unableToRunJob } from "./_errors.ts";

const COMMLIB = "error: commlib error: got select error (Connection refused)\n";

const GDI_TIMEOUT =
  "failed receiving gdi request response for mid=1 (got syncron message receive timeout error).";

const ACCOUNTING = `${SGE_ROOT}/default/common/accounting`;

/**
 * A command's answer while qmaster cannot be reached.
 *
 * @param command The command's name.
 * @param args Its arguments (`qstat -j` reports twice).
 * @param engine The cluster, whose login host runs qmaster.
 * @returns The answer.
 */
export function unreachable(
  command: string,
  args: readonly string[] = [],
  engine?: SimEngineApi,
): CommandOutput {
  const host = engine?.loginHost ?? "qmaster";
  const send =
    `unable to send message to qmaster using port 6444 on host "${host}": got send error\n`;
  switch (command) {
    case "qsub":
      return unableToRunJob(send.slice(0, -1), COMMLIB);
    case "qstat":
      return args.includes("-j")
        ? fail(1, `${COMMLIB}${send}${send}`)
        : fail(1, `${COMMLIB}error: ${send}`);
    default:
      return fail(1, COMMLIB, send);
  }
}

/** qsub's answer when qmaster does not answer in time (the job is not created). */
export function submitTimeout(): CommandOutput {
  return unableToRunJob(GDI_TIMEOUT);
}

/** A query's answer when qmaster does not answer in time. */
export function queryTimeout(): CommandOutput {
  return fail(1, `error: ${GDI_TIMEOUT}\n`);
}

/** qacct's answer while the accounting file is missing, or accounting is switched off. */
export function accountingFailure(_command: string, state: "down" | "disabled"): CommandOutput {
  return state === "disabled"
    ? fail(1, `error: reporting file ${ACCOUNTING} does not exist\n`)
    : fail(1, `${ACCOUNTING}: No such file or directory\n`);
}
