/**
 * slurm emulator (being written).
 *
 * @module
 */
import type { SimEmulator } from "./types.ts";

/** The slurm tools (work in progress). */
export const slurmEmulator: SimEmulator = {
  kind: "slurm",
  commands: {},
  unreachable: () => ({ code: 1, stdout: "", stderr: "unreachable\n" }),
  transientSubmitFailure: () => ({ code: 1, stdout: "", stderr: "transient\n" }),
};
