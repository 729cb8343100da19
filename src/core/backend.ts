/**
 * The Backend interface: everything clusterjob knows about one scheduler, as pure data and pure
 * functions (build argv, render headers, parse text). Backends never do I/O.
 *
 * @module
 */

import type { KnownOptions } from "./known_options.ts";
import type { Resources } from "./resources.ts";
import type { CommandOutput } from "./transport.ts";
import type { JobIdGrammar } from "./job_id.ts";

import type { JobInfo } from "./job_info.ts";
import type { Cause } from "./cause.ts";

export * from "./job_id.ts";
export * from "./job_info.ts";

/**
 * The core environment variables a job script may use; each backend translates them.
 *
 * @example Usage
 * ```ts
 * import { type CoreVariable, pbs, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const id: CoreVariable = "CLUSTERJOB_ID";
 * assert.equal(slurm.envVars[id], "SLURM_JOB_ID");
 * assert.equal(pbs.envVars[id], "PBS_JOBID");
 * ```
 */
export type CoreVariable =
  | "CLUSTERJOB_ID"
  | "CLUSTERJOB_WORKDIR"
  | "CLUSTERJOB_SUBMIT_HOST"
  | "CLUSTERJOB_NAME"
  | "CLUSTERJOB_NODELIST"
  | "CLUSTERJOB_ARRAY_INDEX";

/**
 * How to submit a script: the argv, run in the script's directory, and whether the script's
 * text goes to standard input (LSF's `bsub < script`).
 *
 * @example Usage
 * ```ts
 * import { lsf, slurm, type SubmitCommand } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const command: SubmitCommand = lsf.submitCommand("job.lsf");
 * assert.deepEqual(command, { argv: ["bsub"], stdinScript: true });
 * assert.deepEqual(slurm.submitCommand("-x.slr"), { argv: ["sbatch", "--parsable", "./-x.slr"] });
 * ```
 */
export interface SubmitCommand {
  /** The command to run in the directory that holds the script. */
  argv: string[];
  /** When true, the script's text is fed to the command's standard input. */
  stdinScript?: boolean;
}

/**
 * A query command and the job ids it asks about.
 *
 * @example Usage
 * ```ts
 * import { type QueryCommand, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const [query]: QueryCommand[] = slurm.statusCommands(["7", "8"]);
 * assert.deepEqual(query?.ids, ["7", "8"]);
 * assert.equal(query?.argv[0], "squeue");
 * ```
 */
export interface QueryCommand {
  /** The command. */
  argv: string[];
  /** The ids it asks about. */
  ids: string[];
}

/**
 * Everything clusterjob knows about one scheduler. All members are pure.
 *
 * Status queries are batched: one command for many ids. `parseStatus` returns an entry for every
 * id the queue knows; an id missing from the result has left the queue and is looked up with the
 * accounting command. Empty or garbled output (where the command should have printed something)
 * throws {@linkcode QueryError}: it is an error of the query, never a state. When only some
 * entries of the answer are unreadable, the error names their ids (`failedIds`) and carries
 * what the others said (`parsed`), so that one garbled job never hides the rest of the batch.
 *
 * @example Usage
 * ```ts
 * import { type Backend, JobScript, slurm, validateBackend } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const mine: Backend = { ...slurm, name: "myslurm", extension: "sh" };
 * assert.equal(validateBackend(mine), mine);
 * assert.equal(new JobScript({ name: "a", body: "true", backend: mine }).filename, "a.sh");
 * ```
 */
export interface Backend {
  /** Registry name, e.g. `"slurm"`. */
  readonly name: string;
  /** Job script file extension without the dot, e.g. `"slr"`. */
  readonly extension: string;
  /** Header line prefix, e.g. `"#SBATCH"`. */
  readonly prefix: string;
  /**
   * Translation of each core variable: a variable name (`"SLURM_JOB_ID"`, used as `$X` or `${X}`)
   * or a shell expression (`` "`cat $PBS_NODEFILE`" ``), used as is for both forms.
   */
  readonly envVars: Readonly<Record<CoreVariable, string>>;
  /**
   * Header lines (each starting with {@linkcode Backend.prefix}) for the resources. Throws
   * `InvalidValueError` for resources it cannot express. The job must start in the directory
   * the submit command runs in (clusterjob's `rootdir/workdir`): where that is not the
   * scheduler's default, the headers say so (Torque `-d .`); a scheduler without such an option
   * may end the headers with a shell line that changes there (PBS Pro `cd "$PBS_O_WORKDIR"`).
   */
  renderHeaders(resources: Resources): string[];

  /** The submit command for the script file `filename` (relative to the working directory). */
  submitCommand(filename: string): SubmitCommand;
  /**
   * The form of this scheduler's job ids, derived from what `parseJobId` returns. Every id is
   * checked against it (and {@linkcode SAFE_JOB_ID}) where it enters: the submit command's answer,
   * a cache file, `new AsyncResult`, `cancel()`. Optional; without it only `SAFE_JOB_ID` applies.
   */
  readonly jobIdGrammar?: JobIdGrammar;
  /**
   * The job id from the submit command's output; throws `SubmitError` when there is none, and
   * the built-in backends `InvalidJobIdError` when it is not of {@linkcode Backend.jobIdGrammar}.
   */
  parseJobId(output: CommandOutput, argv: readonly string[]): string;
  /** Commands that ask the live queue about all `ids` (usually one; several only to stay under argument limits). */
  statusCommands(ids: readonly string[]): QueryCommand[];
  /** Parses one status command's output; ids (of that command) the queue does not know are absent. */
  parseStatus(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo>;
  /**
   * Another dialect of the same scheduler to poll with, when a status command's answer that
   * `parseStatus` rejected shows that the scheduler's tools are of that dialect: OpenLava's
   * `bjobs` has no `-o` (`bjobs: invalid option -- 'o'`), so `lsf` answers with its OpenLava
   * dialect, which asks `bjobs -l`. The poller asks once per transport, on the first such
   * answer, and from then on uses the dialect's status and accounting commands and parsers
   * (still one status command per round); `undefined` keeps this backend. Optional.
   */
  dialectFor?(output: CommandOutput): Backend | undefined;
  /** Commands that ask accounting about jobs `ids` that left the queue (one per id where the tool takes only one). */
  accountingCommands(ids: readonly string[]): QueryCommand[];
  /** Parses one accounting command's output; ids accounting does not know are absent. */
  parseAccounting(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo>;
  /**
   * Why a finished job ended, as a portable {@linkcode Cause}, from what `parseStatus` or
   * `parseAccounting` returned (its state word, exit code and reason); `undefined` when it cannot
   * tell. Pure. Optional; without it a run's cause is `exit` for COMPLETED and for an exit code
   * below 128, `cancelled` for CANCELLED, else unknown.
   */
  causeOf?(info: JobInfo): Cause | undefined;
  /** The command that cancels `ids` (the built-in backends throw `InvalidJobIdError` for an id not of their grammar, as do their query commands). */
  cancelCommand(ids: readonly string[]): string[];
  /**
   * Longest sensible sleep between polls, in seconds, when the scheduler forgets finished jobs
   * quickly and its accounting can only be asked one job at a time (Torque: `qstat` shows a
   * finished job for `keep_completed`, after that only `tracejob <id>` knows it). Polling at
   * least this often finds finished jobs in the one batched status query. Optional.
   */
  readonly maxPollInterval?: number;
  /**
   * Whether a submit command that failed may nevertheless have created the job: the client timed
   * out after the request reached the controller (SLURM `Socket timed out on send/recv operation`,
   * SGE `failed receiving gdi request response`). Then the run's cache marker is kept, so a
   * re-run does not submit a second copy. Optional; without it every failure counts as refused.
   */
  submitOutcomeUnknown?(output: CommandOutput): boolean;
  /**
   * What a failed submit command's answer says of the job: `"created"` (the answer carries the
   * job id), `"not-created"` (refused, or the controller was never reached) or `"unknown"` (the
   * request may have reached the controller). Optional; wins over `submitOutcomeUnknown`. The
   * built-in backends read their table of real transient errors (`SUBMIT_ERRORS`).
   */
  submitOutcome?(output: CommandOutput): SubmitOutcome;
  /**
   * How a submission stores a unique token with the job and how the scheduler is asked, in one
   * command for many tokens, which jobs carry which token: after an ambiguous submit the library
   * adopts the job it finds, or submits again when the answer proves there is none. Optional;
   * without it an ambiguous submit ends in `InterruptedSubmissionError`.
   */
  readonly submitToken?: SubmitTokenSupport;
  /**
   * The options and resources the scheduler's submit command accepts, from its manual (see
   * `KnownOptions`): a pass-through resource key that is not in it gets a warning (an error with
   * `strict: true`). Optional; without it, pass-through keys are only checked for misspellings
   * of the portable ones.
   */
  readonly knownOptions?: KnownOptions;
}

/**
 * What a failed submit command's answer says of the job (see `Backend.submitOutcome`).
 *
 * @example Usage
 * ```ts
 * import { slurm, type SubmitOutcome } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const stderr = "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n";
 * const outcome: SubmitOutcome | undefined = slurm.submitOutcome?.({ code: 1, stdout: "", stderr });
 * assert.equal(outcome, "unknown");
 * ```
 */
export type SubmitOutcome = "created" | "not-created" | "unknown";

/**
 * A job whose token is looked for: the token and the job's name (SGE finds jobs by name).
 *
 * @example Usage
 * ```ts
 * import { sge, type TokenQuery } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const query: TokenQuery = { token: "cj-0123456789abcdef01234567", name: "step" };
 * assert.deepEqual(sge.submitToken?.lookupCommand([query]), ["qstat", "-j", "step"]);
 * ```
 */
export interface TokenQuery {
  /** The token given to the submit command. */
  readonly token: string;
  /** The job's name. */
  readonly name: string;
}

/**
 * What one token lookup found: the job id of each token the scheduler knows, and for how long
 * back the listing is complete: a job submitted less than `completeForMs` before the lookup
 * would be listed even if it had already finished, so its absence proves it was never created.
 *
 * @example Usage
 * ```ts
 * import { slurm, type TokenLookup } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const token = "cj-0123456789abcdef01234567";
 * const output = { code: 0, stdout: `7|${token}\n8|(null)\n`, stderr: "" };
 * const found: TokenLookup | undefined = slurm.submitToken?.parseLookup(output, [{ token, name: "a" }]);
 * assert.equal(found?.jobIds.get(token), "7");
 * assert.equal(found?.completeForMs, 300_000);
 * ```
 */
export interface TokenLookup {
  /** Token → job id, for the tokens found. */
  readonly jobIds: ReadonlyMap<string, string>;
  /** How far back (ms) the listing holds every job, finished ones included; 0: not at all. */
  readonly completeForMs: number;
}

/**
 * How a backend stores a submission token with the job and finds it again (see
 * `Backend.submitToken`). All members are pure.
 *
 * @example Usage
 * ```ts
 * import { slurm, type SubmitTokenSupport } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const support: SubmitTokenSupport = slurm.submitToken!;
 * assert.deepEqual(support.submitOptions("cj-0123456789abcdef01234567"), ["--comment=cj-0123456789abcdef01234567"]);
 * assert.equal(support.lookupCommand([])[0], "squeue");
 * ```
 */
export interface SubmitTokenSupport {
  /** The options, put right after the submit command's name, that store `token` with the job. */
  submitOptions(token: string): string[];
  /**
   * Whether the token may be given for this job script: false where the script's own directives
   * set the option the token's would override (a `#SBATCH --comment` of the user's); the job is
   * then submitted without a token. Optional; default true.
   */
  fitsScript?(script: string): boolean;
  /** One command whose answer lists the jobs of all `jobs`' tokens. */
  lookupCommand(jobs: readonly TokenQuery[]): string[];
  /**
   * Reads that command's answer.
   *
   * @throws {QueryError} When the command failed or its answer cannot be read: nothing is proven.
   */
  parseLookup(output: CommandOutput, jobs: readonly TokenQuery[]): TokenLookup;
}
