/**
 * The errors of the `clusterjob` command. Each carries the exit code it ends the command with
 * (see `ExitCode`); errors of the library (`SettingsError`, `SubmitError`, …) are mapped to
 * exit codes by `exitCodeOf`.
 *
 * @module
 */

import {
  ClusterjobError,
  InvalidValueError,
  LocalScriptError,
  QueryError,
  SubmitError,
} from "../src/core/errors.ts";
import { TemplateError } from "../src/core/template.ts";
import { TransportError } from "../src/core/transport.ts";
import { SettingsError } from "../src/job/settings.ts";
import { CacheFormatError, InterruptedSubmissionError } from "../src/run/cache_record.ts";
import { CacheMismatchError } from "../src/run/cache_mismatch.ts";
import { JobFailedError } from "../src/run/run_errors.ts";
import { BackendError } from "../backends/registry.ts";
import { ExitCode, type ExitCodeValue } from "./exit_codes.ts";

/**
 * Base class of the command's own errors: a message for the user and the exit code.
 *
 * @example Usage
 * ```ts
 * import { CliError, ExitCode, UsageError } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const error = new UsageError("render", 'missing argument JOB.yaml');
 * assert.ok(error instanceof CliError && error.exitCode === ExitCode.USAGE);
 * ```
 */
export class CliError extends ClusterjobError {
  /** The exit code the command ends with. */
  readonly exitCode: ExitCodeValue;

  /**
   * Creates the error.
   *
   * @param message What went wrong, sentence case, no trailing period.
   * @param exitCode The exit code.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, exitCode: ExitCodeValue, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/**
 * The command line is wrong: an unknown command or flag, a flag without its value, a value not
 * accepted, a missing or extra argument. Exit code 2.
 *
 * @example Usage
 * ```ts
 * import { UsageError } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const error = new UsageError("render", 'invalid value "pbz" for --backend', { flag: "--backend", value: "pbz" });
 * assert.equal(error.message, 'clusterjob render: invalid value "pbz" for --backend');
 * assert.equal(error.flag, "--backend");
 * ```
 */
export class UsageError extends CliError {
  /** The subcommand (`"render"`), or `""` for the command itself. */
  readonly command: string;
  /** The flag at fault (`"--backend"`), when there is one. */
  readonly flag: string | undefined;
  /** The value at fault, when there is one. */
  readonly value: string | undefined;

  /**
   * Creates the error.
   *
   * @param command The subcommand, or `""`.
   * @param problem What is wrong, starting lower case.
   * @param details The flag and value at fault.
   */
  constructor(
    command: string,
    problem: string,
    details: { flag?: string; value?: string } = {},
  ) {
    super(`clusterjob${command === "" ? "" : ` ${command}`}: ${problem}`, ExitCode.USAGE);
    this.command = command;
    this.flag = details.flag;
    this.value = details.value;
  }
}

/**
 * A YAML input file of the command (a job file, the config file) is malformed: YAML syntax, an
 * unknown key, a value of the wrong type or form. Names the file, the key and, where known, the
 * line. Exit code 3.
 *
 * @example Usage
 * ```ts
 * import { InputFileError } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const error = new InputFileError("job file", "job.yaml", 'unknown key "nmae"; did you mean "name"?', "nmae", 2);
 * assert.equal(error.message, 'Invalid job file job.yaml, line 2: unknown key "nmae"; did you mean "name"?');
 * assert.deepEqual([error.file, error.key, error.line], ["job.yaml", "nmae", 2]);
 * ```
 */
export class InputFileError extends CliError {
  /** What the file is (`"job file"`, `"config file"`). */
  readonly kind: string;
  /** The file, as the user named it. */
  readonly file: string;
  /** The offending key (`"resources.time"`), when there is one. */
  readonly key: string | undefined;
  /** The 1-based line, when known. */
  readonly line: number | undefined;

  /**
   * Creates the error.
   *
   * @param kind What the file is.
   * @param file The file.
   * @param problem What is wrong, starting lower case.
   * @param key The offending key.
   * @param line The 1-based line.
   * @param options Standard error options (`cause`).
   */
  constructor(
    kind: string,
    file: string,
    problem: string,
    key?: string,
    line?: number,
    options?: ErrorOptions,
  ) {
    super(
      `Invalid ${kind} ${file}${line ? `, line ${line}` : ""}: ${problem}`,
      ExitCode.INVALID_INPUT,
      options,
    );
    this.kind = kind;
    this.file = file;
    this.key = key;
    this.line = line;
  }
}

/**
 * No cached run has the id given, or no configured cluster the name. Exit code 5.
 *
 * @example Usage
 * ```ts
 * import { ExitCode, NotFoundError } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const error = new NotFoundError("run", "17", "no cached run has the id \"17\"");
 * assert.ok(error.exitCode === ExitCode.NOT_FOUND && error.what === "run" && error.id === "17");
 * ```
 */
export class NotFoundError extends CliError {
  /** What was looked for: `"run"` or `"cluster"`. */
  readonly what: "run" | "cluster";
  /** The id or name given. */
  readonly id: string;

  /**
   * Creates the error.
   *
   * @param what What was looked for.
   * @param id The id or name given.
   * @param message The message.
   */
  constructor(what: "run" | "cluster", id: string, message: string) {
    super(message, ExitCode.NOT_FOUND);
    this.what = what;
    this.id = id;
  }
}

/**
 * The exit code an error ends the command with: a {@linkcode CliError}'s own; 3 for malformed
 * input (settings, values, placeholders, cache files, backends), 4 for a cluster that failed
 * (submission, query, transport, prologue, an interrupted submission, a cache of another
 * cluster), 1 for a job that failed, 70 for anything else (a bug).
 *
 * @example Usage
 * ```ts
 * import { exitCodeOf } from "@clusterjob/clusterjob/cli";
 * import { parseTime } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * let code = 0;
 * try {
 *   parseTime("1.5");
 * } catch (error) {
 *   code = exitCodeOf(error);
 * }
 * assert.equal(code, 3);
 * assert.equal(exitCodeOf(new Error("surprise")), 70);
 * ```
 *
 * @param error What was thrown.
 * @returns The exit code.
 */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof JobFailedError) return ExitCode.NOT_SUCCESSFUL;
  if (
    error instanceof SettingsError || error instanceof InvalidValueError ||
    error instanceof TemplateError || error instanceof CacheFormatError ||
    error instanceof BackendError
  ) {
    return ExitCode.INVALID_INPUT;
  }
  if (
    error instanceof SubmitError || error instanceof QueryError ||
    error instanceof TransportError || error instanceof LocalScriptError ||
    error instanceof InterruptedSubmissionError || error instanceof CacheMismatchError
  ) {
    return ExitCode.CLUSTER_ERROR;
  }
  if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
    return ExitCode.INVALID_INPUT;
  }
  return ExitCode.INTERNAL;
}
