/**
 * A run's facts and its cache record: the facts that change as the scheduler reports, the record
 * a run is saved as, reading a saved run, and the run a record describes. Internal module;
 * `AsyncResult` (`toRecord`, `load`, `fromRecord`) is its public face.
 *
 * @module
 */

import {
  type Backend,
  DEFAULT_JOB_ID_GRAMMAR,
  InvalidJobIdError,
  isValidJobId,
} from "../core/backend.ts";
import { Status, type StatusCode, statusName } from "../core/status.ts";
import type { Transport } from "../core/transport.ts";
import type { Cause } from "../core/cause.ts";
import { readCacheFile } from "./cache.ts";
import {
  CACHE_FORMAT_VERSION,
  CacheFormatError,
  InterruptedSubmissionError,
  type RunRecord,
} from "./cache_record.ts";
import { builtinBackend, defaultTransport } from "./_defaults.ts";
import type { AsyncResultInit, LoadOptions } from "./run_options.ts";

/** What is known about a run and changes as the scheduler reports (an `AsyncResult`'s state). */
export interface RunFacts {
  /** The last known status. */
  status: StatusCode;
  /** The scheduler's last word on the state. */
  state: string;
  /** The exit code, when reported. */
  exitCode: number | undefined;
  /** The scheduler's reason or clusterjob's explanation. */
  reason: string | undefined;
  /** Why the run ended, once it has. */
  cause: Cause | undefined;
  /** Whether the epilogue has been started. */
  epilogueDone: boolean;
  /** The epilogue's failure. */
  epilogueError: string | undefined;
}

/** The facts of a new run, from what its creator knew (PENDING, by default). */
export function initialFacts(init: AsyncResultInit): RunFacts {
  const status = init.status ?? Status.PENDING;
  return {
    status,
    state: init.state ?? statusName(status),
    exitCode: init.exitCode,
    reason: init.reason,
    cause: init.cause,
    epilogueDone: init.epilogueDone ?? false,
    epilogueError: init.epilogueError,
  };
}

/**
 * What a record says of a run besides its facts (an `AsyncResult`'s fields): the record's own
 * fields, with the backend and transport objects and the optional ones possibly `undefined`.
 */
export type RunIdentity =
  & Readonly<Pick<RunRecord, "jobId" | "jobName" | "maxSleepInterval">>
  & Readonly<{ [K in "remote" | "epilogue" | "markers" | "walltime"]: RunRecord[K] | undefined }>
  & { readonly backend: Backend; readonly transport: Transport };

/** The cache record of a run, stamped with its transport clock's time. */
export function recordOf(run: RunIdentity, facts: Readonly<RunFacts>): RunRecord {
  const record: RunRecord = {
    format: "clusterjob-run",
    version: CACHE_FORMAT_VERSION,
    phase: "submitted",
    jobId: run.jobId,
    jobName: run.jobName,
    backend: run.backend.name,
    transport: run.transport.name,
    maxSleepInterval: run.maxSleepInterval,
    status: facts.status,
    state: facts.state,
    epilogueDone: facts.epilogueDone,
    updatedAt: new Date(run.transport.clock.now()).toISOString(),
  };
  if (run.remote !== undefined) record.remote = run.remote;
  if (facts.exitCode !== undefined) record.exitCode = facts.exitCode;
  if (facts.reason !== undefined) record.reason = facts.reason;
  if (facts.cause !== undefined) record.cause = facts.cause;
  if (run.epilogue !== undefined) record.epilogue = run.epilogue;
  if (run.markers !== undefined) record.markers = run.markers;
  if (run.walltime !== undefined) record.walltime = run.walltime;
  if (facts.epilogueError !== undefined) record.epilogueError = facts.epilogueError;
  return record;
}

/** What a record does not hold: the backend and transport objects, the file, polling. */
export type RecordContext = Pick<
  AsyncResultInit,
  "backend" | "transport" | "cacheFile" | "polling"
>;

/**
 * The run saved in `path` (see `AsyncResult.load`): the default backend is the built-in one of
 * the saved name, the default transport SSH to the saved `remote`, else this machine.
 *
 * @throws {CacheFormatError} When the file is missing or not a run record, or its job id is not
 * one of the backend's.
 * @throws {InterruptedSubmissionError} When it holds an interrupted submission's marker.
 */
export async function loadInit(path: string, options: LoadOptions): Promise<AsyncResultInit> {
  const record = await readCacheFile(path);
  if (record === undefined) throw new CacheFormatError(path, "no such file");
  if (record.phase === "submitting") {
    throw new InterruptedSubmissionError(path, record.jobName, record.updatedAt, {
      token: record.token,
    });
  }
  const backend = options.backend ?? builtinBackend(record.backend, path);
  checkRecordJobId(record, backend, path);
  return initFromRecord(record, {
    backend,
    transport: options.transport ?? await defaultTransport(record.remote),
    cacheFile: path,
    ...(options.polling ? { polling: options.polling } : {}),
  });
}

/**
 * Checks the job id of a record read from `path` against `backend`'s grammar, so that a
 * hand-edited or damaged cache file never puts an id such as `-u` or `0` into a command.
 *
 * @throws {CacheFormatError} Field `jobId`, with the {@linkcode InvalidJobIdError} as its cause.
 */
export function checkRecordJobId(record: RunRecord, backend: Backend, path: string): void {
  if (isValidJobId(backend, record.jobId)) return;
  const grammar = backend.jobIdGrammar ?? DEFAULT_JOB_ID_GRAMMAR;
  const cause = new InvalidJobIdError(backend.name, record.jobId, grammar, `cache file "${path}"`);
  throw new CacheFormatError(
    path,
    `field "jobId" is ${JSON.stringify(record.jobId)}, not a job id of scheduler ` +
      `"${backend.name}": expected ${grammar.description}`,
    { cause, field: "jobId" },
  );
}

/** The run `record` describes, in `context`. */
export function initFromRecord(record: RunRecord, context: RecordContext): AsyncResultInit {
  return {
    jobId: record.jobId,
    jobName: record.jobName,
    backend: context.backend,
    transport: context.transport,
    status: record.status,
    state: record.state,
    maxSleepInterval: record.maxSleepInterval,
    epilogueDone: record.epilogueDone,
    ...definedOnly({
      exitCode: record.exitCode,
      reason: record.reason,
      cause: record.cause,
      remote: record.remote,
      epilogue: record.epilogue,
      epilogueError: record.epilogueError,
      markers: record.markers,
      walltime: record.walltime,
      cacheFile: context.cacheFile,
      polling: context.polling,
    }),
  };
}

function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
