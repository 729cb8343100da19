/**
 * The two ways every emulator builds a command's answer (a `CommandOutput`), and the
 * uid the emulators print. Internal to the simulator; not exported from `sim/mod.ts`.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";

/** A successful answer with `stdout` (and, rarely, warnings on `stderr`). */
export function ok(stdout: string, stderr = ""): CommandOutput {
  return { code: 0, stdout, stderr };
}

/** A failed answer with `stderr` (and optional partial `stdout`). */
export function fail(code: number, stderr: string, stdout = ""): CommandOutput {
  return { code, stdout, stderr };
}

/** The uid a scheduler shows for a user: 0 for root, 1000 for the recorded clusters' one user. */
export function uidOf(user: string): number {
  return user === "root" ? 0 : 1000;
}
