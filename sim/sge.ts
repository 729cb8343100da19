/**
 * sge emulator (being written).
 *
 * @module
 */
import type { SimEmulator } from "./types.ts";

/** The sge tools (work in progress). */
export const sgeEmulator: SimEmulator = {
  kind: "sge",
  commands: {},
  unreachable: () => ({ code: 1, stdout: "", stderr: "unreachable\n" }),
  transientSubmitFailure: () => ({ code: 1, stdout: "", stderr: "transient\n" }),
};
