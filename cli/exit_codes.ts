/**
 * The exit codes of the `clusterjob` command, one meaning each.
 *
 * | code | name             | meaning                                                                          |
 * | ---- | ---------------- | -------------------------------------------------------------------------------- |
 * | 0    | `OK`             | done; for `wait` (and `submit --wait`): every run ended COMPLETED                 |
 * | 1    | `NOT_SUCCESSFUL` | a run ended FAILED or CANCELLED (`wait`, `submit --wait`)                         |
 * | 2    | `USAGE`          | the command line is wrong: unknown command or flag, a bad or missing value        |
 * | 3    | `INVALID_INPUT`  | a job file, settings file, config file or cache file is malformed (names it)      |
 * | 4    | `CLUSTER_ERROR`  | the cluster failed us: a refused submission, a failed query, ssh, a missing tool |
 * | 5    | `NOT_FOUND`      | no cached run has the given id, or no cluster the given name                      |
 * | 70   | `INTERNAL`       | a bug in clusterjob (the message says what happened; please report it)           |
 * | 124  | `TIMEOUT`        | `wait --timeout` ran out before every run finished (as `timeout(1)`)             |
 * | 130  | `INTERRUPTED`    | interrupted (Ctrl-C, SIGINT)                                                      |
 *
 * @module
 */

/**
 * The exit codes of the `clusterjob` command (see the module doc).
 *
 * @example Usage
 * ```ts
 * import { ExitCode } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ExitCode.USAGE, 2);
 * ```
 */
export const ExitCode = {
  OK: 0,
  NOT_SUCCESSFUL: 1,
  USAGE: 2,
  INVALID_INPUT: 3,
  CLUSTER_ERROR: 4,
  NOT_FOUND: 5,
  INTERNAL: 70,
  TIMEOUT: 124,
  INTERRUPTED: 130,
} as const;

/** One of the {@linkcode ExitCode} values. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];
