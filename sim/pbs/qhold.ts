/**
 * `qhold` (Torque and PBS Professional): puts a user hold on queued jobs; a running job is
 * refused (`Request invalid for state of job`, PBSE_BADSTATE: Torque exit 170, PBS Pro 168).
 *
 * Source: PBS Professional Reference Guide "qhold"; Torque Administrator Guide "qhold".
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { type JobAction, runJobAction } from "./_job_action.ts";

const QHOLD: JobAction = {
  command: "qhold",
  act(engine, entry, dialect) {
    if (entry.jobs.every((job) => job.state === "RUNNING")) {
      return { message: "Request invalid for state of job", errno: dialect.errors.badState };
    }
    engine.hold(entry.seq, "user");
    return undefined;
  },
};

/** Runs `qhold`. */
export function qhold(ctx: SimCommandContext, dialect: PbsDialect): CommandOutput {
  return runJobAction(ctx, dialect, QHOLD);
}
