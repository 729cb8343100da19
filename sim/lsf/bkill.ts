/**
 * `bkill` of IBM Spectrum LSF and OpenLava: kills jobs and array elements (`Job <N> is being
 * terminated`); a killed job ends EXIT with TERM_OWNER. OpenLava answers the kill of a whole
 * array with running elements `Job <N>: Operation is in progress`, exit 255, although every
 * element is killed (raw/openlava/066, 067).
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bkill"; OpenLava `lsbatch/cmd/bkill.c`.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { type SignalCommand, signalJobs } from "./_signal.ts";
import { LSF10, type LsfDialect } from "./dialect.ts";

function killCommand(dialect: LsfDialect): SignalCommand {
  return {
    command: "bkill",
    verb: "terminated",
    act(engine, target, jobs) {
      const runningArray = target.index === undefined &&
        jobs.some((job) => job.arrayTaskId !== undefined && job.state === "RUNNING");
      engine.cancel(target.id, target.index === undefined ? {} : { taskId: target.index });
      return runningArray ? dialect.arrayKillInProgress : undefined;
    },
  };
}

const BKILL = killCommand(LSF10);

/** Runs `bkill` (LSF 10 unless another dialect is given). */
export function bkill(ctx: SimCommandContext, dialect: LsfDialect = LSF10): CommandOutput {
  return signalJobs(ctx, dialect === LSF10 ? BKILL : killCommand(dialect));
}
