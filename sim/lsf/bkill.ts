/**
 * `bkill` of IBM Spectrum LSF: kills jobs and array elements (`Job <N> is being terminated`);
 * a killed job ends EXIT with TERM_OWNER.
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bkill"; OpenLava `lsbatch/cmd/bkill.c`.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { type SignalCommand, signalJobs } from "./_signal.ts";

const BKILL: SignalCommand = {
  command: "bkill",
  verb: "terminated",
  act(engine, target) {
    engine.cancel(target.id, target.index === undefined ? {} : { taskId: target.index });
    return undefined;
  },
};

/** Runs `bkill`. */
export function bkill(ctx: SimCommandContext): CommandOutput {
  return signalJobs(ctx, BKILL);
}
