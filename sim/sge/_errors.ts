/**
 * The two ways an SGE command refuses: by itself, before it talks to qmaster
 * ({@linkcode SgeCommandError}, with the client's exit code), or because qmaster refused the
 * submission ({@linkcode QmasterRejection}, printed as `Unable to run job: …`).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { CommandFailure, fail } from "../_common/command_result.ts";

/**
 * An error the command reports itself, as the SGE client prints it (without the final newline),
 * with its exit code: `qsub: invalid option argument "-bogus"` exits 2
 * (test/fixtures/real-outputs/sge/095-qsub-unknown-option).
 */
export class SgeCommandError extends CommandFailure {
  /**
   * Creates the error.
   *
   * @param message The text the command prints on stderr, without the final newline.
   * @param exitCode The command's exit code.
   */
  constructor(message: string, exitCode: number) {
    super(exitCode, `${message}\n`);
    this.message = message;
    this.name = "SgeCommandError";
  }

  /** The command's exit code. */
  get exitCode(): number {
    return this.code;
  }
}

/**
 * A submission qmaster refused; qsub prints `Unable to run job: <message>` and `Exiting.`
 * (test/fixtures/real-outputs/sge/090-qsub-invalid-queue). qmaster numbers every job it receives
 * before it validates it, so a refused submission uses up a job id.
 */
export class QmasterRejection extends Error {
  /**
   * Creates the rejection.
   *
   * @param message What qmaster answered.
   */
  constructor(message: string) {
    super(message);
    this.name = "QmasterRejection";
  }
}

/**
 * qsub's answer when a submission fails: `Unable to run job: <message>` and `Exiting.` on stderr,
 * exit 1 (090-qsub-invalid-queue; after `prefix`, the commlib error of 111).
 */
export function unableToRunJob(message: string, prefix = ""): CommandOutput {
  return fail(1, `${prefix}Unable to run job: ${message}\nExiting.\n`);
}
