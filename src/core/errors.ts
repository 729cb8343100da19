/**
 * Error classes thrown by clusterjob. Every error extends {@linkcode ClusterjobError}, so a
 * caller can catch everything of ours with one `instanceof` check.
 *
 * @module
 */

import type { CommandOutput } from "./command_output.ts";
import type { JobInfo } from "./job_info.ts";
import { describe } from "./_describe.ts";

/**
 * Base class of every error thrown by clusterjob.
 *
 * @example Usage
 * ```ts
 * import { ClusterjobError, InvalidValueError, parseTime } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ClusterjobError("Cannot do it").name, "ClusterjobError");
 * // Every error of clusterjob is one, and carries its own class name.
 * assert.throws(() => parseTime("1.5"), (error) => error instanceof ClusterjobError && error.name === "InvalidValueError");
 * ```
 */
export class ClusterjobError extends Error {
  /**
   * Creates the error.
   *
   * @param message What went wrong, sentence case, no trailing period.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A value given by the user is not acceptable. Names the field, the value and the accepted forms.
 *
 * @example Usage
 * ```ts
 * import { InvalidValueError, parseTime } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new InvalidValueError("time", "1.5", "a walltime");
 * assert.equal(error.message, 'Invalid value for "time": "1.5"; expected a walltime');
 * assert.throws(() => parseTime("1.5"), (e) => e instanceof InvalidValueError && e.field === "time" && e.value === "1.5");
 * ```
 */
export class InvalidValueError extends ClusterjobError {
  /** The name of the field (resource key, option, attribute) that holds the bad value. */
  readonly field: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** A human readable description of what would have been accepted. */
  readonly accepted: string;

  /**
   * Creates the error; the message names the field, the value and the accepted forms.
   *
   * @param field The field that holds the bad value.
   * @param value The bad value.
   * @param accepted What would have been accepted.
   * @param options Standard error options (`cause`).
   */
  constructor(field: string, value: unknown, accepted: string, options?: ErrorOptions) {
    super(
      `Invalid value for "${field}": ${describeValue(value)}; expected ${accepted}`,
      options,
    );
    this.field = field;
    this.value = value;
    this.accepted = accepted;
  }
}

/**
 * Renders a value for an error message, as given and bounded: strings JSON-quoted (control
 * characters as escapes), `NaN`, `Infinity`, `undefined` as they are, objects like JSON, at most
 * about 200 characters.
 */
export function describeValue(value: unknown): string {
  return describe(value);
}

/**
 * The scheduler refused a submission, or its answer carried no job id. Carries the scheduler's
 * own words.
 *
 * @example Usage
 * ```ts
 * import { slurm, SubmitError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const output = { code: 1, stdout: "", stderr: "sbatch: error: invalid partition specified: nosuch\n" };
 * const error = new SubmitError(["sbatch", "job.slr"], output);
 * assert.equal(error.message, 'Cannot submit job with "sbatch job.slr" (exit 1): sbatch: error: invalid partition specified: nosuch');
 * assert.ok(!error.jobMayExist);
 * assert.throws(() => slurm.parseJobId(output, ["sbatch", "job.slr"]), (e) => e instanceof SubmitError && e.output === output);
 * ```
 */
export class SubmitError extends ClusterjobError {
  /** The submit command. */
  readonly argv: readonly string[];
  /** The scheduler's answer. */
  readonly output: CommandOutput;
  /**
   * True when the scheduler may have created the job despite the error (a timeout between its
   * client and controller): check the queue before submitting again.
   */
  readonly jobMayExist: boolean;
  /** clusterjob's explanation added before the scheduler's text, if any. */
  readonly reason: string | undefined;
  /**
   * Creates the error; the message quotes the scheduler's own text.
   *
   * @param argv The submit command.
   * @param output Its exit code and output.
   * @param reason Optional explanation added before the scheduler's text.
   * @param options `jobMayExist`: the job may have been created all the same.
   */
  constructor(
    argv: readonly string[],
    output: CommandOutput,
    reason?: string,
    options: { jobMayExist?: boolean } = {},
  ) {
    const said = output.stderr.trim() || output.stdout.trim() || "(no output)";
    const mayExist = options.jobMayExist
      ? "; the scheduler may have created the job all the same: check its queue before submitting again"
      : "";
    super(
      `Cannot submit job with "${argv.join(" ")}" (exit ${output.code})${
        reason ? `: ${reason}` : ""
      }: ${said}${mayExist}`,
    );
    this.argv = argv;
    this.output = output;
    this.jobMayExist = options.jobMayExist ?? false;
    this.reason = reason;
  }
}

/**
 * What a {@linkcode QueryError} knows beyond its message: the jobs whose entries in the answer
 * could not be read, and what the rest of the answer said.
 *
 * @example Usage
 * ```ts
 * import { type QueryErrorOptions, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: QueryErrorOptions = {
 *   failedIds: ["8"],
 *   parsed: new Map([["7", { status: Status.RUNNING, state: "R" }]]),
 * };
 * assert.deepEqual(options.failedIds, ["8"]);
 * ```
 */
export interface QueryErrorOptions extends ErrorOptions {
  /**
   * The ids whose entries could not be read. Without it the whole answer was unusable, and the
   * query failed for every id it asked about.
   */
  failedIds?: readonly string[];
  /** With `failedIds`: what the answer said about the other ids (those the scheduler knows). */
  parsed?: ReadonlyMap<string, JobInfo>;
}

/**
 * A status, accounting or cancel query failed or answered with text that cannot be parsed.
 * This is an error of the query, never a state of the job.
 *
 * When only some entries of a batched answer are unreadable, the error says which
 * ({@linkcode QueryError.failedIds}) and carries what the others said
 * ({@linkcode QueryError.parsed}): the poller keeps those, so one garbled job never hides the
 * rest of the batch.
 *
 * @example Usage
 * ```ts
 * import { QueryError, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new QueryError(["squeue", "-h"], 'Cannot parse squeue line "garbage"');
 * assert.deepEqual(error.argv, ["squeue", "-h"]);
 * assert.equal(error.failedIds, undefined); // the whole answer is unusable
 * const garbled = { code: 0, stdout: "garbage\n", stderr: "" };
 * assert.throws(() => slurm.parseStatus(garbled, ["7"]), QueryError);
 * ```
 *
 * @example One unreadable entry in a batch
 * ```ts
 * import { pbs, QueryError, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const stdout = "Job Id: 7.server\n    job_state = R\n\nJob Id: 8.server\n    job_state = ?\n";
 * try {
 *   pbs.parseStatus({ code: 0, stdout, stderr: "" }, ["7.server", "8.server"]);
 *   assert.fail("expected a QueryError");
 * } catch (error) {
 *   assert.ok(error instanceof QueryError);
 *   assert.deepEqual(error.failedIds, ["8.server"]);
 *   assert.equal(error.parsed.get("7.server")?.status, Status.RUNNING);
 * }
 * ```
 */
export class QueryError extends ClusterjobError {
  /** The command whose answer was unusable. */
  readonly argv: readonly string[];
  /**
   * The ids whose entries could not be read, when the rest of the answer could; `undefined`
   * when the whole answer was unusable (the query failed for every id it asked about).
   */
  readonly failedIds?: readonly string[];
  /**
   * What the readable rest of the answer said (empty when `failedIds` is `undefined`). Ids in
   * neither `failedIds` nor here are not known to the scheduler's queue.
   */
  readonly parsed: ReadonlyMap<string, JobInfo>;
  /**
   * Creates the error.
   *
   * @param argv The command.
   * @param message What was wrong with the answer.
   * @param options Standard error options (`cause`), and the ids that failed with what the rest
   * of the answer said.
   */
  constructor(argv: readonly string[], message: string, options?: QueryErrorOptions) {
    super(message, options);
    this.argv = argv;
    if (options?.failedIds !== undefined) this.failedIds = options.failedIds;
    this.parsed = options?.failedIds === undefined ? new Map() : options.parsed ?? new Map();
  }
}

/**
 * A prologue or epilogue script, run on this machine, exited with a non-zero code (or could not
 * be started). Carries the script's exit code and its captured output.
 *
 * @example Usage
 * ```ts
 * import { LocalScriptError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new LocalScriptError("prologue", 2, "rsync: connection refused\n");
 * assert.equal(error.message, "The prologue script exited with code 2: rsync: connection refused");
 * assert.equal(new LocalScriptError("epilogue", -1, "").message, "The epilogue script could not be started");
 * ```
 */
export class LocalScriptError extends ClusterjobError {
  /** Which script failed. */
  readonly script: "prologue" | "epilogue";
  /** Its exit code (`-1` when it could not be started). */
  readonly code: number;
  /** Its standard output followed by its standard error. */
  readonly output: string;
  /**
   * Creates the error; the message quotes the end of the script's output.
   *
   * @param script Which script failed.
   * @param code Its exit code, or -1 when it could not be started.
   * @param output What it printed.
   * @param options Standard error options (`cause`).
   */
  constructor(
    script: "prologue" | "epilogue",
    code: number,
    output: string,
    options?: ErrorOptions,
  ) {
    const tail = output.trim().split("\n").slice(-5).join("\n");
    super(
      `The ${script} script ${code === -1 ? "could not be started" : `exited with code ${code}`}${
        tail ? `: ${tail}` : ""
      }`,
      options,
    );
    this.script = script;
    this.code = code;
    this.output = output;
  }
}
