/**
 * Submission: write a job's scripts on the scheduler host, run its prologue here, submit it, and
 * return its run, with the original clusterjob's disk cache semantics (a cached run is returned
 * without contacting the scheduler; a cached CANCELLED/FAILED run is resubmitted when `retry`;
 * `force` always resubmits).
 *
 * A workflow killed at any point and started again never submits a job twice: a marker is saved
 * in the cache file just before the submit command runs and replaced by the run, job id included,
 * as soon as the id is parsed. Every submission carries a unique token that the scheduler stores
 * with the job (`Backend.submitToken`: a SLURM comment, a PBS variable, an LSF description, an
 * SGE context), kept in the marker too. When the answer is lost (a timeout or a dropped
 * connection during the submit command, or a transient error of the `unknown` class of the
 * backend's table, `SUBMIT_ERRORS`), the library waits for the controller to settle, looks for
 * the token in one query shared by all lookups of that moment, and adopts the job it finds (the
 * cache record is written as if the submit had answered), or submits again when the listing
 * proves no such job exists. Where it cannot decide, it throws `InterruptedSubmissionError`
 * with the token and keeps the marker; a process that died during the submit leaves the marker,
 * and the next submission with that cache id looks for its token the same way. A submission the
 * scheduler refuses (non-zero exit of the `not-created` class) removes the marker: nothing is
 * cached for a job that does not exist.
 *
 * @module
 */

import { newArrayRecord } from "./array_tasks.ts";
import { AsyncResult } from "./async_result.ts";
import type { PollingOptions } from "./run_options.ts";
import type { DependencyKind } from "../core/dependency.ts";
import { readCacheFile, removeCacheFile } from "./cache.ts";
import { InterruptedSubmissionError } from "./cache_record.ts";
import { checkCacheOrigin } from "./cache_mismatch.ts";
import { prepareCacheWrite, type PreparedCacheWrite } from "./_cache_write.ts";
import { findSubmitToken } from "./_token_lookup.ts";
import { newSubmitToken } from "../core/_submit_token.ts";
import { checkRecordJobId } from "./_run_record.ts";
import { checkSubmitOptions } from "./_run_checks.ts";
import { defaultTransport } from "./_defaults.ts";
import { type Backend, checkJobId, type SubmitOutcome } from "../core/backend.ts";
import type { Clock } from "../core/clock.ts";
import { SubmitError } from "../core/errors.ts";
import { isEmptyScript, runLocalScript } from "./_local_script.ts";
import { maxSleepSeconds } from "./_poller.ts";
import { Status } from "../core/status.ts";
import type { CommandOutput, Transport } from "../core/transport.ts";
import {
  CommandNotFoundError,
  FilesNotWrittenError,
  MissingPermissionError,
} from "../core/transport_errors.ts";
import type { SubmissionPlan } from "./submission_plan.ts";

/**
 * One entry of `after`: a run (or the id of a job submitted by other means) the job waits for,
 * alone (`when: "ok"`) or with the kind of wait.
 *
 * @example Usage
 * ```ts
 * import { type AfterItem, JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const after: AfterItem[] = ["12", { run: "13", when: "any" }];
 * const job = new JobScript({ name: "collect", body: "true", after });
 * assert.ok(job.render().includes("#SBATCH --dependency=afterok:12,afterany:13\n"));
 * ```
 */
export type AfterItem =
  | AsyncResult
  | string
  | { readonly run: AsyncResult | string; readonly when?: DependencyKind };

/**
 * Options of `submitJob` / `JobScript.submit`.
 *
 * @example Usage
 * ```ts
 * import { JobScript, type SubmitOptions } from "@clusterjob/clusterjob";
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * const transport = new SimCluster({ scheduler: "slurm", clock: "virtual" }).transport();
 * const job = new JobScript({ name: "step", body: "true", cacheFolder: folder });
 * const options: SubmitOptions = { transport, cacheId: "step-1", retry: false };
 * const first = await job.submit(options);
 * const again = await job.submit(options); // found in the cache: not submitted twice
 * assert.equal(again.jobId, first.jobId);
 * assert.equal(again.cacheFile, `${folder}/clusterjob.step-1.json`);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export interface SubmitOptions {
  /**
   * Where to run scheduler commands. Default: a new `SshTransport` to the job's `remote` when it is
   * set, else a new `LocalTransport`. Runs are polled together only when they share a transport
   * object, so pass one transport when submitting many jobs.
   */
  transport?: Transport;
  /**
   * Cache id (file `<cacheFolder>/<cachePrefix>.<cacheId>.json`). Default: the job's name and a
   * hash of its rendered script, aux scripts, location and backend, so a re-run of the same
   * workflow finds the same runs whatever the submission order; give distinct ids to submit the
   * very same job twice.
   */
  cacheId?: string;
  /**
   * Submit anew even when the cache holds a run (or an interrupted submission's marker, or a run
   * made through another transport or backend: see `CacheMismatchError`).
   */
  force?: boolean;
  /** Resubmit a cached run that ended CANCELLED or FAILED (default true). */
  retry?: boolean;
  /** Aborts the submission (before or during the submit command). */
  signal?: AbortSignal;
  /** Overrides the job's `cacheFolder`; `""` disables the cache. */
  cacheFolder?: string;
  /** Overrides the job's `cachePrefix`. */
  cachePrefix?: string;
  /** How the run is polled. */
  polling?: PollingOptions;
  /** Jobs this one waits for, added to the job's own `after` (see `JobScriptOptions.after`). */
  after?: readonly AfterItem[];
}

/**
 * Carries out a submission plan and returns the run. Steps: consult the cache; create the working
 * directory and the plan's folders and write its files there on the scheduler host; run the
 * prologue on this machine (a failure throws `LocalScriptError` and nothing is submitted); run
 * the submit command in the working directory; parse the job id; save the run in the cache at
 * once. Without a prologue, on a transport with `writeFilesThenRun` (SSH), the folders, files and
 * submit command are one remote command. The only step of a submission that does I/O;
 * `submitJob` plans, then calls it.
 *
 * @param plan The plan (see `planSubmission`).
 * @param options Transport, `force`, `retry`, abort signal, polling; the cache options were
 * used by the plan.
 * @returns The run (PENDING, or the cached run).
 * @throws {InvalidValueError} For an unknown option or a value of the wrong type (checked before
 * anything is written or run).
 * @throws {SubmitError} When the scheduler refuses the job; carries the scheduler's own message.
 * @throws {CommandNotFoundError} When the submit command is not installed where the transport
 * runs commands (nothing is cached).
 * @throws {MissingPermissionError} When Deno may not run it (nothing is cached).
 * @throws {LocalScriptError} When the prologue fails.
 * @throws {InterruptedSubmissionError} When the answer was lost (or an earlier submission with
 * this cache id was interrupted) and the token lookup could not decide whether the job exists;
 * carries the `token`.
 * @throws {CacheFormatError} When the cache file is damaged (never ignored: that could submit
 * twice), its job id included.
 * @throws {CacheMismatchError} When the cached run was made through another transport or backend
 * (`force: true` submits afresh).
 *
 * The scheduler's answer must hold a job id of the backend's `jobIdGrammar`; an answer whose id is
 * not (an `InvalidJobIdError`, kept as the `cause` of the `SubmitError` with `jobMayExist`) is a
 * lost answer: its token is looked for (without a token, that `SubmitError` is thrown and the
 * cache marker stays). Local work (cache files, the prologue) holds the transport's clock, so
 * it takes no simulated time.
 */
export async function submitPlan(
  plan: SubmissionPlan,
  options: SubmitOptions = {},
): Promise<AsyncResult> {
  checkSubmitOptions(options);
  const { signal, retry = true, force = false } = options;
  signal?.throwIfAborted();
  const { backend, cacheFile, submit } = plan;
  const transport = options.transport ?? await defaultTransport(plan.remote);
  const polling = options.polling ? { polling: options.polling } : {};

  const clock = transport.clock;
  const script = plan.files.at(-1)?.text ?? submit.stdin ?? "";
  const support = backend.submitToken?.fitsScript?.(script) === false
    ? undefined
    : backend.submitToken;
  let token: string | undefined;
  let startedAt: number | undefined;
  if (cacheFile !== undefined && !force) {
    const record = await held(clock, () => readCacheFile(cacheFile));
    if (record?.phase === "submitting") {
      const since = Date.parse(record.updatedAt);
      const interrupted = (reason?: string) =>
        new InterruptedSubmissionError(cacheFile, record.jobName, record.updatedAt, {
          token: record.token,
          reason,
        });
      if (record.token === undefined || support === undefined || Number.isNaN(since)) {
        throw interrupted();
      }
      // An earlier process died during the submit: its token tells whether the job exists.
      const verdict = await findSubmitToken(
        transport,
        backend,
        { token: record.token, name: plan.jobName },
        since,
        signal,
      );
      if (verdict.kind === "found") {
        return await adopt(verdict.jobId, prepareCacheWrite(cacheFile, clock));
      }
      if (verdict.kind === "unknown") throw interrupted(verdict.reason);
      token = record.token; // proven absent: submitted again under the same token
      startedAt = since;
    }
    if (record !== undefined && record.phase === "submitted") {
      const current = { backend: backend.name, transport: transport.name };
      checkCacheOrigin(cacheFile, record.jobId, record, current);
      checkRecordJobId(record, backend, cacheFile);
      const cached = AsyncResult.fromRecord(record, {
        backend,
        transport,
        cacheFile,
        ...polling,
        // The same jobs as the record's (the script names them), now with their runs.
        ...(plan.after.length > 0 ? { after: plan.after } : {}),
      });
      if (!(retry && cached.status >= Status.CANCELLED)) return cached;
    }
  }
  if (support !== undefined) token ??= newSubmitToken();
  startedAt ??= clock.now();

  // Creating a file costs more than filling and renaming it, so both cache writes create their
  // temporary file ahead, where it overlaps other work: the marker's while the scripts are
  // written, the run record's while the submit command runs. Each is settled on every path.
  const marker = cacheFile !== undefined ? prepareCacheWrite(cacheFile, clock) : undefined;
  // Without a prologue (which runs between the writes and the submit), the files go with the
  // submit command in one round trip where the transport can.
  const together = transport.writeFilesThenRun !== undefined && isEmptyScript(plan.prologue);
  try {
    if (!together) await writeFiles(transport, plan);
    signal?.throwIfAborted();
    if (!isEmptyScript(plan.prologue)) {
      await held(
        clock,
        () => runLocalScript("prologue", plan.prologue ?? "", signal ? { signal } : {}),
      );
    }
    signal?.throwIfAborted();
    await marker?.commit({
      format: "clusterjob-run",
      version: 1,
      phase: "submitting",
      jobName: plan.jobName,
      backend: backend.name,
      transport: transport.name,
      ...(token !== undefined ? { token } : {}),
      updatedAt: new Date(startedAt).toISOString(),
    });
  } catch (error) {
    await marker?.discard();
    throw error;
  }
  const argv = token !== undefined && support !== undefined
    ? [submit.argv[0]!, ...support.submitOptions(token), ...submit.argv.slice(1)]
    : submit.argv;
  for (let attempt = 1;; attempt++) {
    const answer = await submitOnce(argv);
    if ("jobId" in answer) return await adopt(answer.jobId, answer.record);
    // The answer was lost: the job may exist. Without a token, or when the user aborted, the
    // marker stays and the failure is thrown as it is.
    if (token === undefined || signal?.aborted) throw answer.lost;
    const verdict = await findSubmitToken(
      transport,
      backend,
      { token, name: plan.jobName },
      startedAt,
      signal,
    );
    if (verdict.kind === "found") {
      const record = cacheFile !== undefined ? prepareCacheWrite(cacheFile, clock) : undefined;
      return await adopt(verdict.jobId, record);
    }
    if (verdict.kind === "absent" && attempt < MAX_SUBMIT_ATTEMPTS) continue;
    const reason = verdict.kind === "unknown"
      ? verdict.reason
      : `no job carries the token after ${attempt} lost submits`;
    throw new InterruptedSubmissionError(
      cacheFile ?? "",
      plan.jobName,
      new Date(startedAt).toISOString(),
      { token, reason, cause: answer.lost },
    );
  }

  /** The run of a job found by its token, saved in the cache as if the submit had answered. */
  async function adopt(
    jobId: string,
    record: PreparedCacheWrite | undefined,
  ): Promise<AsyncResult> {
    const run = new AsyncResult({
      jobId,
      jobName: plan.jobName,
      backend,
      transport,
      status: Status.PENDING,
      maxSleepInterval: maxSleepSeconds(plan.timeSeconds, plan.maxSleepInterval),
      ...(plan.remote ? { remote: plan.remote } : {}),
      ...(plan.epilogue !== undefined ? { epilogue: plan.epilogue } : {}),
      ...(plan.array !== undefined
        ? { array: plan.arrayRecord ?? newArrayRecord(plan.array) }
        : {}),
      ...(plan.markerFolder !== undefined ? { markers: plan.markerFolder } : {}),
      ...(plan.timeSeconds !== undefined ? { walltime: plan.timeSeconds } : {}),
      ...(cacheFile !== undefined ? { cacheFile } : {}),
      ...(plan.after.length > 0 ? { after: plan.after } : {}),
      ...polling,
    });
    await record?.commit(run.toRecord());
    return run;
  }

  /**
   * Runs the submit command once: the job id it answered (with its run record's file, prepared
   * meanwhile), or the failure of an answer that was lost. A refusal, and a command that never
   * ran, throw (the marker removed: no job exists).
   */
  async function submitOnce(argv: readonly string[]): Promise<SubmitAnswer> {
    const runOptions = {
      cwd: plan.workingDirectory,
      timeout: SUBMIT_TIMEOUT_MS,
      ...(submit.stdin !== undefined ? { stdin: submit.stdin } : {}),
      ...(signal ? { signal } : {}),
    };
    const submitting = together
      ? transport.writeFilesThenRun!(plan.files, argv, {
        ...runOptions,
        directories: planDirectories(plan),
      })
      : transport.run(argv, runOptions);
    const record = cacheFile !== undefined ? prepareCacheWrite(cacheFile, clock) : undefined;
    let output: CommandOutput;
    try {
      // If this throws (connection lost, timeout, abort) the job may exist: the marker stays.
      output = await submitting;
    } catch (error) {
      await record?.discard();
      // The submit command never started (its files could not be written, it is not installed
      // there, or no --allow-run): no job exists.
      const neverRan = error instanceof CommandNotFoundError ||
        error instanceof MissingPermissionError || error instanceof FilesNotWrittenError;
      if (cacheFile !== undefined && neverRan) await removeCacheFile(cacheFile);
      if (neverRan) throw error;
      return { lost: error };
    }
    const outcome = output.code === 0 ? undefined : outcomeOf(backend, output);
    try {
      // Checked here too, for backends that do not check their own answers. An answer of the
      // "created" class carries the id although the command failed.
      const jobId = checkJobId(
        backend,
        backend.parseJobId(outcome === "created" ? { ...output, code: 0 } : output, argv),
        `the output of "${argv.join(" ")}"`,
      );
      return { jobId, record };
    } catch (error) {
      await record?.discard();
      // A refusal (non-zero exit) created no job, unless its text says the outcome is unknown
      // (a client-side timeout); an unreadable success may have: in both cases keep the marker.
      const jobMayExist = output.code === 0 || outcome !== "not-created";
      if (cacheFile !== undefined && !jobMayExist) {
        await held(clock, () => removeCacheFile(cacheFile));
      }
      if (error instanceof SubmitError && !jobMayExist) throw error;
      // Keep the parser's explanation when adding that the job may exist.
      const reason = error instanceof SubmitError
        ? error.reason
        : error instanceof Error
        ? error.message
        : undefined;
      const failure = new SubmitError(argv, output, reason, { jobMayExist });
      if (!(error instanceof SubmitError)) failure.cause = error;
      if (!jobMayExist) throw failure;
      return { lost: failure };
    }
  }
}

/** One submit command's answer: a job id, or a failure after which the job may exist. */
type SubmitAnswer =
  | { jobId: string; record: PreparedCacheWrite | undefined }
  | { lost: unknown };

/**
 * How long a submit command may run before its answer counts as lost (the job may exist: its
 * token is looked for). sbatch, qsub and bsub answer in well under a second, and give up by
 * themselves within a minute when the controller does not answer (SLURM MessageTimeout 10 s,
 * Torque qsub's three tries, LSF's LSB_NTRIES). Well under SLURM's MinJobAge and Torque's
 * keep_completed (300 s), so that the lookup after a timeout can still prove a job absent.
 */
const SUBMIT_TIMEOUT_MS = 120_000;

/** How many times one submission runs the submit command while each answer is lost. */
const MAX_SUBMIT_ATTEMPTS = 3;

/** What a failed submit answer says of the job, by the backend's table (refused by default). */
function outcomeOf(backend: Backend, output: CommandOutput): SubmitOutcome {
  if (backend.submitOutcome !== undefined) return backend.submitOutcome(output);
  return backend.submitOutcomeUnknown?.(output) === true ? "unknown" : "not-created";
}

/** Runs `work` with `clock` held (when it can be): local work takes no simulated time. */
async function held<T>(clock: Clock, work: () => Promise<T>): Promise<T> {
  const release = clock.hold?.();
  try {
    return await work();
  } finally {
    release?.();
  }
}

/**
 * Creates the working directory, then the plan's other folders, then writes its files: in one
 * round trip where the transport has `writeFiles`, else each step's independent parts at once.
 * Every write is waited for before an error is thrown, so nothing is still being written once
 * submission has failed.
 */
async function writeFiles(transport: Transport, plan: SubmissionPlan): Promise<void> {
  if (transport.writeFiles) {
    return await transport.writeFiles(plan.files, { directories: planDirectories(plan) });
  }
  await transport.mkdir(plan.workingDirectory);
  await settleAll(plan.folders.map((folder) => transport.mkdir(folder)));
  await settleAll(
    plan.files.map(({ path, text, mode }) => transport.writeFile(path, text, { mode })),
  );
}

/** The folders a plan's files need, in the order they are created. */
function planDirectories(plan: SubmissionPlan): string[] {
  return [plan.workingDirectory, ...plan.folders];
}

/** Waits for every promise, then rejects with the first failure, if any. */
async function settleAll(promises: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((result) =>
    result.status === "rejected"
  );
  if (failed) throw failed.reason;
}
