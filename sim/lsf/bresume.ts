/**
 * `bresume` of IBM Spectrum LSF: resumes suspended jobs (for the engine: releases held ones).
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bresume".
 *
 * @module
 */

import type { SimCommandContext } from "../types.ts";
import { type SignalCommand, signalJobs } from "./_signal.ts";
import type { CommandResult } from "../_common/command_result.ts";

const BRESUME: SignalCommand = {
  command: "bresume",
  verb: "resumed",
  act(engine, target) {
    engine.release(target.id);
    return undefined;
  },
};

/** Runs `bresume`. */
export function bresume(ctx: SimCommandContext): CommandResult {
  return signalJobs(ctx, BRESUME);
}
