/**
 * `qhold` (Torque and PBS Professional): puts a user hold on queued jobs; a running job is
 * refused (`Request invalid for state of job`, PBSE_BADSTATE, exit 170).
 *
 * Source: PBS Professional Reference Guide "qhold"; Torque Administrator Guide "qhold".
 *
 * @module
 */

import type { SimCommandContext } from "../types.ts";
import { type PbsDialect, PBSE } from "./dialect.ts";
import { type JobAction, runJobAction } from "./_job_action.ts";
import type { CommandResult } from "../_common/command_result.ts";

const QHOLD: JobAction = {
  command: "qhold",
  act(engine, entry) {
    if (entry.jobs.every((job) => job.state === "RUNNING")) {
      return { message: "Request invalid for state of job", errno: PBSE.BADSTATE };
    }
    engine.hold(entry.seq, "user");
    return undefined;
  },
};

/** Runs `qhold`. */
export function qhold(ctx: SimCommandContext, dialect: PbsDialect): CommandResult {
  return runJobAction(ctx, dialect, QHOLD);
}
