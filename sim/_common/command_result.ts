/**
 * What an emulated command answers, the two ways every emulator builds that answer, and the
 * uid the emulators print. Internal to the simulator; not exported from `sim/mod.ts`.
 *
 * @module
 */

/** What one emulated command answers. */
export interface CommandResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** A successful answer with `stdout` (and, rarely, warnings on `stderr`). */
export function ok(stdout: string, stderr = ""): CommandResult {
  return { code: 0, stdout, stderr };
}

/** A failed answer with `stderr` (and optional partial `stdout`). */
export function fail(code: number, stderr: string, stdout = ""): CommandResult {
  return { code, stdout, stderr };
}

/** The uid a scheduler shows for a user: 0 for root, 1000 for the recorded clusters' one user. */
export function uidOf(user: string): number {
  return user === "root" ? 0 : 1000;
}
