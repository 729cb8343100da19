/**
 * `qrls` (Torque and PBS Professional): releases held jobs.
 *
 * Source: PBS Professional Reference Guide "qrls"; Torque Administrator Guide "qrls".
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext } from "../emulator.ts";
import type { PbsDialect } from "./dialect.ts";
import { type JobAction, runJobAction } from "./_job_action.ts";

const QRLS: JobAction = {
  command: "qrls",
  act(engine, entry) {
    engine.release(entry.seq);
    return undefined;
  },
};

/** Runs `qrls`. */
export function qrls(ctx: SimCommandContext, dialect: PbsDialect): CommandOutput {
  return runJobAction(ctx, dialect, QRLS);
}
