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

/**
 * A command that refuses its arguments: the exit code and the text it prints on stderr. The
 * option parsers throw it, so they return plain values; the command turns it into its answer.
 */
export class CommandFailure extends Error {
  /** Exit code of the command. */
  readonly code: number;
  /** What the command prints on stderr, newline included. */
  readonly stderr: string;

  /**
   * Creates the failure.
   *
   * @param code Exit code of the command.
   * @param stderr What the command prints on stderr, newline included.
   */
  constructor(code: number, stderr: string) {
    super(stderr.trimEnd());
    this.name = "CommandFailure";
    this.code = code;
    this.stderr = stderr;
  }
}

/** Runs a command body, answering a thrown {@linkcode CommandFailure} as the failure it is. */
export function answerFailures(run: () => CommandOutput): CommandOutput {
  try {
    return run();
  } catch (error) {
    if (error instanceof CommandFailure) return fail(error.code, error.stderr);
    throw error;
  }
}
