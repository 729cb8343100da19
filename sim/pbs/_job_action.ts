/**
 * What `qdel`, `qhold` and `qrls` share: their usage, the walk over job identifier operands,
 * and the server's answers for unknown and finished jobs. Each command supplies what it does
 * to a live job.
 *
 * Source: OpenPBS `src/cmds/qdel.c` (per operand `fprintf(stderr, "%s: %s %s\n", "qdel",
 * errtxt, name)`, exit `pbs_errno & 0xff` of the last failure; silent on success); Torque 6.1
 * `src/cmds/qdel.c`, `qhold.c`, `qrls.c` (the same loop, `MSG=` details from the server).
 *
 * @module
 */

import { logUnknownJob } from "./_server_log.ts";
import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext, SimEngineApi } from "../emulator.ts";
import { exitFor, type PbsDialect, PBSE } from "./dialect.ts";
import {
  deleteBrokenDependents,
  entriesFor,
  isFinished,
  isKept,
  parseJobRef,
  type PbsEntry,
  qualifiedId,
} from "./_jobs.ts";
import { fail } from "../_common/command_result.ts";
import { getopt } from "./_options.ts";

/** A server's refusal of one operand: the message before the job id, and its `pbs_errno`. */
export interface Refusal {
  /** `Request invalid for state of job`, ... */
  message: string;
  /** The `pbs_errno` the command exits with (`& 0xff`). */
  errno: number;
}

/** One of the job-changing commands. */
export interface JobAction {
  /** The command's name. */
  readonly command: "qdel" | "qhold" | "qrls";
  /** Changes a live (unfinished) row; returns the server's refusal, if any. */
  act(engine: SimEngineApi, entry: PbsEntry, dialect: PbsDialect): Refusal | undefined;
  /** The server's answer for a finished job (default: a bad state). */
  finished?(dialect: PbsDialect): Refusal | undefined;
}

/** The server's answer to any request on a finished job (Torque adds the state it is in). */
function badState(dialect: PbsDialect): Refusal {
  const state = dialect.kind === "pbs" ? " MSG=invalid state for job - COMPLETE" : "";
  return { message: `Request invalid for state of job${state}`, errno: dialect.errors.badState };
}

/** The task option of a subjob row, for the engine's cancel. */
export function taskOf(entry: PbsEntry): { taskId?: number } {
  return entry.kind === "subjob" && entry.index !== undefined ? { taskId: entry.index } : {};
}

/**
 * Runs a job action over its operands. `-x`, `-W <value>` (qdel's `-W force`, raw/openpbs/089)
 * and `-h <hold types>` are accepted and ignored.
 */
export function runJobAction(
  ctx: SimCommandContext,
  dialect: PbsDialect,
  action: JobAction,
): CommandOutput {
  const command = action.command;
  const parsed = getopt(ctx.args, "W:xh:");
  if ("error" in parsed) return fail(2, `usage:\n\t${command} [-W force] job_identifier...\n`);
  const operands = parsed.operands;
  if (operands.length === 0) return fail(2, `usage:\n\t${command} job_identifier...\n`);
  const engine = ctx.engine;
  deleteBrokenDependents(engine, dialect);
  const now = engine.now();
  let stderr = "";
  let code = 0;
  for (const operand of operands) {
    const ref = parseJobRef(operand);
    if (!ref) {
      stderr += `${command}: illegally formed job identifier: ${operand}\n`;
      code = 1;
      continue;
    }
    const entry = entriesFor(engine, ref, false).find((row) => isKept(row, dialect, now));
    const unknown = command === "qdel" ? dialect.qdelUnknownText : dialect.unknownJobText;
    const refusal = entry === undefined
      ? { message: unknown, errno: PBSE.UNKJOBID }
      : isFinished(entry)
      ? action.finished?.(dialect) ?? badState(dialect)
      : action.act(engine, entry, dialect);
    if (refusal === undefined) continue;
    if (entry === undefined && command === "qdel" && dialect.kind === "pbs") {
      logUnknownJob(engine, ref.seq);
    }
    stderr += `${command}: ${refusal.message} ${qualifiedId(operand, engine.loginHost)}\n`;
    code = exitFor(refusal.errno);
  }
  return { code, stdout: "", stderr };
}
