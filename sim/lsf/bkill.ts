/**
 * `bkill` of IBM Spectrum LSF: kills jobs and array elements (`Job <N> is being terminated`);
 * a killed job ends EXIT with TERM_OWNER.
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bkill"; OpenLava `lsbatch/cmd/bkill.c`.
 *
 * @module
 */

import type { SimCommandContext } from "../types.ts";
import { type SignalCommand, signalJobs } from "./_signal.ts";
import type { CommandResult } from "../_common/command_result.ts";

const BKILL: SignalCommand = {
  command: "bkill",
  verb: "terminated",
  act(engine, target) {
    engine.cancel(target.id, target.index === undefined ? {} : { taskId: target.index });
    return undefined;
  },
};

/** Runs `bkill`. */
export function bkill(ctx: SimCommandContext): CommandResult {
  return signalJobs(ctx, BKILL);
}
