/**
 * `bstop` of IBM Spectrum LSF: suspends jobs. The engine holds pending jobs (PSUSP) but does
 * not suspend running ones, so a running job is refused.
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bstop".
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { type SignalCommand, signalJobs } from "./_signal.ts";

const BSTOP: SignalCommand = {
  command: "bstop",
  verb: "stopped",
  act(engine, target, jobs) {
    if (jobs.every((job) => job.state === "RUNNING")) {
      return "Operation not supported for a running job in this simulator";
    }
    engine.hold(target.id, "user");
    return undefined;
  },
};

/** Runs `bstop`. */
export function bstop(ctx: SimCommandContext): CommandOutput {
  return signalJobs(ctx, BSTOP);
}
