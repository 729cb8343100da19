/**
 * Job ids: the grammar a backend declares for its scheduler's ids, the one check every id passes
 * where it enters clusterjob (the submit command's answer, a cache file, `new AsyncResult`, a
 * cancel or query command), and {@linkcode InvalidJobIdError}.
 *
 * A job id becomes an argument of `scancel`, `qdel`, `bkill`, `squeue -j`, …; an argument such as
 * `-u`, `all`, `*` or LSF's `0` would act on every job of the user. So besides the backend's own
 * grammar, every id must pass {@linkcode SAFE_JOB_ID}: it starts with a letter or digit (never
 * `-` or `+`), holds only letters, digits and `. _ : @ [ ] / % + = -`, is not `0` (or `00`) and
 * not `all`, and is at most 256 characters long. No shell or wildcard character, no whitespace,
 * no comma (ids are joined with commas for `squeue -j`) can pass.
 *
 * @module
 */

import { InvalidValueError } from "./errors.ts";

/**
 * The form of a scheduler's job ids, as a backend declares it.
 *
 * @example Usage
 * ```ts
 * import { type JobIdGrammar, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const grammar: JobIdGrammar | undefined = slurm.jobIdGrammar;
 * assert.ok(grammar?.pattern.test("1234") && !grammar.pattern.test("-u"));
 * ```
 */
export interface JobIdGrammar {
  /** The whole id must match (anchored with `^…$`, without the `g` or `y` flag). */
  readonly pattern: RegExp;
  /** The accepted form in words, for error messages (`"a positive integer such as 1234"`). */
  readonly description: string;
}

/**
 * What every job id must also be, whatever its backend's grammar: it starts with a letter or a
 * digit, holds only letters, digits and `. _ : @ [ ] / % + = -`, is not `0` (any number of zeros)
 * and not `all` (any case), and is at most 256 characters long.
 *
 * @example Usage
 * ```ts
 * import { SAFE_JOB_ID } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(SAFE_JOB_ID.test("123.server") && SAFE_JOB_ID.test("7[]"));
 * for (const bad of ["0", "all", "-u", "*", "1;touch x", "1 2", ""]) assert.ok(!SAFE_JOB_ID.test(bad));
 * ```
 */
export const SAFE_JOB_ID: RegExp =
  /^(?!0+$)(?![Aa][Ll][Ll]$)[A-Za-z0-9][A-Za-z0-9._:@[\]/%+=-]{0,255}$/;

/**
 * The grammar of a backend that declares none: {@linkcode SAFE_JOB_ID} alone.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_JOB_ID_GRAMMAR } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(DEFAULT_JOB_ID_GRAMMAR.pattern.test("job-42") && !DEFAULT_JOB_ID_GRAMMAR.pattern.test("all"));
 * ```
 */
export const DEFAULT_JOB_ID_GRAMMAR: JobIdGrammar = Object.freeze({
  pattern: SAFE_JOB_ID,
  description: "letters, digits and . _ : @ [ ] / % + = -, starting with a letter or digit, " +
    'not "0" or "all"',
});

/**
 * A job id that its scheduler's grammar does not accept: refused before any command runs with
 * it. An `InvalidValueError` of field `"jobId"`; the message names the scheduler, the id as given
 * (JSON-quoted) and the accepted form.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, InvalidJobIdError, LocalTransport, lsf } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => new AsyncResult({ jobId: "0", backend: lsf, transport: new LocalTransport() }),
 *   (error) =>
 *     error instanceof InvalidJobIdError && error.scheduler === "lsf" && error.value === "0" &&
 *     error.message.startsWith('Invalid value for "jobId": "0"; expected a job id of scheduler "lsf": '),
 * );
 * ```
 */
export class InvalidJobIdError extends InvalidValueError {
  /** The backend's name (`"slurm"`, `"lsf"`, …). */
  readonly scheduler: string;
  /** The grammar's pattern. */
  readonly pattern: RegExp;
  /** Where the id came from (`"the output of sbatch --parsable a.slr"`), when known. */
  readonly source: string | undefined;

  /**
   * Creates the error.
   *
   * @param scheduler The backend's name.
   * @param jobId The id as given.
   * @param grammar The grammar it failed.
   * @param source Where the id came from, for the message.
   */
  constructor(scheduler: string, jobId: unknown, grammar: JobIdGrammar, source?: string) {
    super(
      "jobId",
      jobId,
      `a job id of scheduler "${scheduler}": ${grammar.description}${
        source ? ` (given in ${source})` : ""
      }`,
    );
    this.scheduler = scheduler;
    this.pattern = grammar.pattern;
    this.source = source;
  }
}

/** Anything with a backend's name and, optionally, its job id grammar. */
export interface HasJobIdGrammar {
  /** The backend's name. */
  readonly name: string;
  /** Its grammar; {@linkcode DEFAULT_JOB_ID_GRAMMAR} when absent. */
  readonly jobIdGrammar?: JobIdGrammar | undefined;
}

/**
 * Whether `jobId` is an id of `backend`: it passes the backend's grammar (or the default one)
 * and {@linkcode SAFE_JOB_ID}.
 *
 * @example Usage
 * ```ts
 * import { isValidJobId, pbs, sge } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isValidJobId(pbs, "12[].server") && !isValidJobId(sge, "12[].server"));
 * ```
 *
 * @param backend The backend (its name and grammar).
 * @param jobId Anything.
 * @returns `true` when the id may be passed to the backend's commands.
 */
export function isValidJobId(backend: HasJobIdGrammar, jobId: unknown): jobId is string {
  if (typeof jobId !== "string" || !SAFE_JOB_ID.test(jobId)) return false;
  const pattern = (backend.jobIdGrammar ?? DEFAULT_JOB_ID_GRAMMAR).pattern;
  pattern.lastIndex = 0; // harmless for a pattern without g/y; keeps one with them from drifting
  return pattern.test(jobId);
}

/**
 * Checks a job id against its backend's grammar and {@linkcode SAFE_JOB_ID}.
 *
 * @example Usage
 * ```ts
 * import { checkJobId, InvalidJobIdError, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkJobId(slurm, "1234"), "1234");
 * assert.throws(() => checkJobId(slurm, "--user=user"), InvalidJobIdError);
 * ```
 *
 * @param backend The backend (its name and grammar).
 * @param jobId Anything.
 * @param source Where the id came from, named in the error.
 * @returns `jobId`, typed as a string.
 * @throws {InvalidJobIdError} When the id is not one of the backend's.
 */
export function checkJobId(backend: HasJobIdGrammar, jobId: unknown, source?: string): string {
  if (!isValidJobId(backend, jobId)) {
    throw new InvalidJobIdError(
      backend.name,
      jobId,
      backend.jobIdGrammar ?? DEFAULT_JOB_ID_GRAMMAR,
      source,
    );
  }
  return jobId;
}

/**
 * Checks every id of a list (see {@linkcode checkJobId}).
 *
 * @example Usage
 * ```ts
 * import { checkJobIds, InvalidJobIdError, sge } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkJobIds(sge, ["1", "2"]), ["1", "2"]);
 * assert.throws(() => checkJobIds(sge, ["1", "*"]), InvalidJobIdError);
 * ```
 *
 * @param backend The backend (its name and grammar).
 * @param jobIds The ids.
 * @returns `jobIds`.
 * @throws {InvalidJobIdError} For the first id that is not one of the backend's.
 */
export function checkJobIds<T extends readonly string[]>(backend: HasJobIdGrammar, jobIds: T): T {
  for (const jobId of jobIds) checkJobId(backend, jobId);
  return jobIds;
}
