/**
 * `bresume` of IBM Spectrum LSF: resumes suspended jobs (for the engine: releases held ones).
 *
 * Source: IBM Spectrum LSF 10.1 Command Reference "bresume".
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import { type SignalCommand, signalJobs } from "./_signal.ts";

const BRESUME: SignalCommand = {
  command: "bresume",
  verb: "resumed",
  act(engine, target) {
    engine.release(target.id);
    return undefined;
  },
};

/** Runs `bresume`. */
export function bresume(ctx: SimCommandContext): CommandOutput {
  return signalJobs(ctx, BRESUME);
}
