/**
 * `qrls` (Torque and PBS Professional): releases held jobs.
 *
 * Source: PBS Professional Reference Guide "qrls"; Torque Administrator Guide "qrls".
 *
 * @module
 */

import type { SimCommandContext } from "../types.ts";
import type { PbsDialect } from "./dialect.ts";
import { type JobAction, runJobAction } from "./_job_action.ts";
import type { CommandResult } from "../_common/command_result.ts";

const QRLS: JobAction = {
  command: "qrls",
  act(engine, entry) {
    engine.release(entry.seq);
    return undefined;
  },
};

/** Runs `qrls`. */
export function qrls(ctx: SimCommandContext, dialect: PbsDialect): CommandResult {
  return runJobAction(ctx, dialect, QRLS);
}
