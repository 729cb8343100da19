/**
 * `qdel` (Torque and PBS Professional): deletes jobs, array subjobs and whole arrays; a running
 * job is killed (its exit status becomes 256 + SIGTERM = 271). PBS Pro answers a finished job
 * with `qdel: Job has finished <id>` (PBSE_HISTJOBID, exit 35).
 *
 * Source: OpenPBS `src/cmds/qdel.c`; PBS Professional Reference Guide "qdel".
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { type PbsDialect, PBSE } from "./dialect.ts";
import { type JobAction, runJobAction, taskOf } from "./_job_action.ts";

const QDEL: JobAction = {
  command: "qdel",
  act(engine, entry, dialect) {
    // The subjobs of a deleted array end at once on both (raw/openpbs/082).
    const grace = entry.kind === "job" ? dialect.deleteRunningMs : 0;
    engine.cancel(entry.seq, grace > 0 ? { ...taskOf(entry), graceMs: grace } : taskOf(entry));
    return undefined;
  },
  finished: (dialect) =>
    dialect.kind === "pbspro" ? { message: "Job has finished", errno: PBSE.HISTJOBID } : undefined,
};

/** Runs `qdel`. */
export function qdel(ctx: SimCommandContext, dialect: PbsDialect): CommandOutput {
  return runJobAction(ctx, dialect, QDEL);
}
