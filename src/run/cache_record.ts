/**
 * The cache file format: the two records a cache file holds (a submitted run, or the marker of a
 * submission in progress), its version, the errors of a file that cannot be used, and the parser
 * that checks a file field by field. Pure: reading and writing files is `cache.ts`'s.
 *
 * @module
 */

import { ClusterjobError, describeValue, InvalidValueError } from "../core/errors.ts";
import { checkSshHost } from "../core/_ssh_host.ts";
import { DEFAULT_JOB_ID_GRAMMAR, InvalidJobIdError, SAFE_JOB_ID } from "../core/job_id.ts";
import type { StatusCode } from "../core/status.ts";
import { type Cause, CAUSES, isCause } from "../core/cause.ts";
import { isMarkerFolderPath, MARKER_FOLDER_ACCEPTED } from "../core/_markers.ts";
import { SUBMIT_TOKEN } from "../core/_submit_token.ts";

/**
 * The version of the cache file format this library writes and reads.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, CACHE_FORMAT_VERSION, LocalTransport, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CACHE_FORMAT_VERSION, 1);
 * const run = new AsyncResult({ jobId: "1", backend: slurm, transport: new LocalTransport() });
 * assert.equal(run.toRecord().version, CACHE_FORMAT_VERSION);
 * ```
 */
export const CACHE_FORMAT_VERSION = 1;

/** The value of the `format` field that marks a file as ours. */
const FORMAT = "clusterjob-run";

/**
 * A cached run: everything needed to keep tracking a submitted job from another process.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, LocalTransport, type RunRecord, slurm, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const record: RunRecord = {
 *   format: "clusterjob-run", version: 1, phase: "submitted", jobId: "42", jobName: "hello",
 *   backend: "slurm", transport: "local", maxSleepInterval: 900, status: -1, state: "R",
 *   epilogueDone: false, updatedAt: "2024-01-01T00:00:00.000Z",
 * };
 * const run = AsyncResult.fromRecord(record, { backend: slurm, transport: new LocalTransport() });
 * assert.ok(run.jobId === "42" && run.status === Status.RUNNING && run.state === "R");
 * ```
 */
export interface RunRecord {
  /** Always `"clusterjob-run"`: marks the file as ours. */
  format: "clusterjob-run";
  /** {@linkcode CACHE_FORMAT_VERSION} at the time of writing. */
  version: number;
  /** A submitted run. */
  phase: "submitted";
  /** The scheduler's job id. */
  jobId: string;
  /** The job's name. */
  jobName: string;
  /** The backend's registry name. */
  backend: string;
  /** The transport's name when the run was saved (informative). */
  transport: string;
  /** The job's `remote` host, when it had one (used to reconnect when loading). */
  remote?: string;
  /** Longest sleep between two status polls, in seconds. */
  maxSleepInterval: number;
  /** Last known status code. */
  status: StatusCode;
  /** The scheduler's last word on the state. */
  state: string;
  /** The job's exit code, when known. */
  exitCode?: number;
  /** The scheduler's reason or clusterjob's explanation, when there is one. */
  reason?: string;
  /** Why the run ended (a `Cause`), once known (absent in older records). */
  cause?: Cause;
  /** The rendered epilogue, run on this machine when the job is first seen finished. */
  epilogue?: string;
  /** Whether the epilogue has been started (it runs at most once). */
  epilogueDone: boolean;
  /** The job's marker folder on the scheduler host, when it writes markers (absent in older records). */
  markers?: string;
  /** The job's walltime in seconds, when it has one (absent in older records). */
  walltime?: number;
  /** The epilogue's failure, when it failed. */
  epilogueError?: string;
  /** When the record was written (ISO 8601). */
  updatedAt: string;
}

/**
 * A marker written just before the submit command runs; replaced by a {@linkcode RunRecord} as
 * soon as the job id is known, removed when the scheduler refuses the job.
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, InterruptedSubmissionError, type SubmittingRecord, writeCacheFile } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * const marker: SubmittingRecord = {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "hello",
 *   backend: "slurm", transport: "local", updatedAt: "2024-01-01T00:00:00.000Z",
 * };
 * await writeCacheFile(`${folder}/clusterjob.x.json`, marker);
 * await assert.rejects(AsyncResult.load(`${folder}/clusterjob.x.json`), InterruptedSubmissionError);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export interface SubmittingRecord {
  /** Always `"clusterjob-run"`. */
  format: "clusterjob-run";
  /** {@linkcode CACHE_FORMAT_VERSION} at the time of writing. */
  version: number;
  /** A submission in progress (or interrupted). */
  phase: "submitting";
  /** The job's name. */
  jobName: string;
  /** The backend's registry name. */
  backend: string;
  /** The transport's name. */
  transport: string;
  /**
   * The submission's token, stored with the job by the scheduler (see `Backend.submitToken`):
   * a later submission with this cache id looks for it before deciding anything.
   */
  token?: string;
  /** When the submission started (ISO 8601). */
  updatedAt: string;
}

/**
 * Anything stored in a cache file.
 *
 * @example Usage
 * ```ts
 * import { type CacheRecord, readCacheFile, writeCacheFile } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * const record: CacheRecord = {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "a",
 *   backend: "slurm", transport: "local", updatedAt: "2024-01-01T00:00:00.000Z",
 * };
 * await writeCacheFile(`${folder}/clusterjob.a.json`, record);
 * assert.deepEqual(await readCacheFile(`${folder}/clusterjob.a.json`), record);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export type CacheRecord = RunRecord | SubmittingRecord;

/**
 * A cache file exists but is not a clusterjob run record this version can read: not JSON, a
 * field missing or of the wrong kind (an empty job id, one with `;`, a negative poll interval),
 * a newer format, or a path that is a directory. Names the file and, when one field is at fault,
 * that field.
 *
 * @example Usage
 * ```ts
 * import { CacheFormatError, readCacheFile } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, JSON.stringify({ format: "clusterjob-run", version: 99 }));
 * await assert.rejects(
 *   readCacheFile(path),
 *   (error) => error instanceof CacheFormatError && error.path === path && /newer/.test(error.message),
 * );
 * const run = {
 *   format: "clusterjob-run", version: 1, phase: "submitted", jobId: "", jobName: "a", backend: "slurm",
 *   transport: "local", maxSleepInterval: 900, status: -2, state: "PENDING", epilogueDone: false,
 *   updatedAt: "2024-01-01T00:00:00.000Z",
 * };
 * await Deno.writeTextFile(path, JSON.stringify(run));
 * await assert.rejects(readCacheFile(path), (error) => error instanceof CacheFormatError && error.field === "jobId");
 * await Deno.remove(path);
 * ```
 */
export class CacheFormatError extends ClusterjobError {
  /** The file. */
  readonly path: string;
  /** The field at fault (`"jobId"`, `"maxSleepInterval"`, …), when one is. */
  readonly field: string | undefined;
  /**
   * Creates the error.
   *
   * @param path The cache file.
   * @param problem What is wrong with it.
   * @param options Standard error options (`cause`), and `field`: the field at fault.
   */
  constructor(path: string, problem: string, options?: ErrorOptions & { field?: string }) {
    super(`Cannot read cache file "${path}": ${problem}`, options);
    this.path = path;
    this.field = options?.field;
  }
}

/**
 * A submission whose outcome cannot be decided: its submit command's answer was lost (a timeout,
 * a dropped connection, a transient error once the request may have reached the controller), or
 * an earlier process died before it learnt the job id, and the scheduler could not tell whether
 * it holds the job. Where the backend stores a submission token, clusterjob has already looked
 * for it (and adopted the job, or submitted again where the scheduler proved there is none);
 * this error means that lookup could not decide. The cache marker stays. Check the queue for the
 * `token` (or the job name), then submit again with `force: true` or track the job you found
 * with `new AsyncResult({ jobId, ... })`.
 *
 * @example Usage
 * ```ts
 * import { InterruptedSubmissionError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const error = new InterruptedSubmissionError("cache/clusterjob.a.json", "hello", "2024-01-01T00:00:00.000Z", {
 *   token: "cj-0123456789abcdef01234567",
 * });
 * assert.equal(error.jobName, "hello");
 * assert.equal(error.token, "cj-0123456789abcdef01234567");
 * assert.match(error.message, /check the queue, then submit with force: true/);
 * assert.match(error.message, /token cj-0123456789abcdef01234567/);
 * ```
 */
export class InterruptedSubmissionError extends ClusterjobError {
  /** The cache file holding the marker. */
  readonly path: string;
  /** The name of the job whose submission was interrupted. */
  readonly jobName: string;
  /** The submission's token, stored with the job where the scheduler has it. */
  readonly token: string | undefined;
  /**
   * Creates the error.
   *
   * @param path The cache file (`""` without a cache).
   * @param jobName The job's name.
   * @param startedAt When the interrupted submission started (ISO 8601).
   * @param options `token`: the submission's token; `reason`: why the lookup could not decide;
   * `cause`: the submit command's failure.
   */
  constructor(
    path: string,
    jobName: string,
    startedAt: string,
    options: ErrorOptions & { token?: string | undefined; reason?: string | undefined } = {},
  ) {
    const { token, reason, ...errorOptions } = options;
    const marker = path === "" ? "" : `, marker "${path}"`;
    const carried = token === undefined ? "" : ` (it carries the token ${token})`;
    const why = reason === undefined ? "" : ` (${reason})`;
    super(
      `A submission of job "${jobName}" (started ${startedAt}${marker}) was interrupted ` +
        `before its job id was known${why}; the scheduler may hold the job${carried}: check the ` +
        `queue, then submit with force: true to submit again`,
      errorOptions,
    );
    this.path = path;
    this.jobName = jobName;
    this.token = token;
  }
}

/**
 * Parses the text of a cache file and checks it field by field.
 *
 * @param path The file, named in errors.
 * @param text Its content.
 * @returns The record.
 * @throws {CacheFormatError} Naming the first bad field, when the text is not a record this
 * version can read.
 *
 * @example Usage
 * ```ts
 * import { parseCacheRecord } from "./cache_record.ts";
 * import assert from "node:assert/strict";
 *
 * const text = JSON.stringify({
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "a",
 *   backend: "slurm", transport: "local", updatedAt: "2024-01-01T00:00:00.000Z",
 * });
 * assert.equal(parseCacheRecord("a.json", text).phase, "submitting");
 * assert.throws(() => parseCacheRecord("a.json", "{"), /not valid JSON/);
 * ```
 */
export function parseCacheRecord(path: string, text: string): CacheRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? `: ${error.message}` : "";
    throw new CacheFormatError(path, `not valid JSON (truncated or garbled?)${reason}`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CacheFormatError(path, "not a JSON object");
  }
  const record = value as Record<string, unknown>;
  const bad = (field: string, problem: string): CacheFormatError =>
    new CacheFormatError(path, `field "${field}" ${problem}`, { field });
  if (record.format !== FORMAT) {
    throw bad("format", `is ${describeValue(record.format)}, not "${FORMAT}"`);
  }
  if (typeof record.version !== "number" || !Number.isInteger(record.version)) {
    throw bad("version", `is ${describeValue(record.version)}, not an integer`);
  }
  if (record.version > CACHE_FORMAT_VERSION) {
    throw new CacheFormatError(
      path,
      `field "version": format version ${record.version} is newer than this library's ${CACHE_FORMAT_VERSION}`,
      { field: "version" },
    );
  }
  const need = (field: string, type: "string" | "number" | "boolean", optional = false) => {
    const v = record[field];
    if (v === undefined && optional) return;
    // deno-lint-ignore valid-typeof -- `type` is one of the typeof names above
    if (typeof v !== type) throw bad(field, `is ${describeValue(v)}, not a ${type}`);
  };
  need("jobName", "string");
  need("backend", "string");
  need("transport", "string");
  need("updatedAt", "string");
  if (record.phase === "submitting") {
    need("token", "string", true);
    if (typeof record.token === "string" && !SUBMIT_TOKEN.test(record.token)) {
      throw bad(
        "token",
        `is ${describeValue(record.token)}, not a token such as cj-${"0".repeat(24)}`,
      );
    }
    return record as unknown as SubmittingRecord;
  }
  if (record.phase !== "submitted") {
    throw bad("phase", `is ${describeValue(record.phase)}, not "submitting" or "submitted"`);
  }
  need("jobId", "string");
  if (!SAFE_JOB_ID.test(record.jobId as string)) {
    // Whatever the backend: the backend's own grammar is checked where the record is used.
    const grammar = DEFAULT_JOB_ID_GRAMMAR;
    throw new CacheFormatError(
      path,
      `field "jobId" is ${JSON.stringify(record.jobId)}, not a job id: expected ` +
        grammar.description,
      {
        field: "jobId",
        cause: new InvalidJobIdError(
          record.backend as string,
          record.jobId,
          grammar,
          `cache file "${path}"`,
        ),
      },
    );
  }
  need("maxSleepInterval", "number");
  const interval = record.maxSleepInterval as number;
  if (!Number.isFinite(interval) || interval <= 0) {
    throw bad("maxSleepInterval", `is not a positive number of seconds: ${interval}`);
  }
  need("status", "number");
  need("state", "string");
  need("epilogueDone", "boolean");
  need("remote", "string", true);
  need("exitCode", "number", true);
  need("reason", "string", true);
  need("epilogue", "string", true);
  need("epilogueError", "string", true);
  need("markers", "string", true);
  need("walltime", "number", true);
  if (record.walltime !== undefined && !((record.walltime as number) > 0)) {
    throw bad("walltime", `is not a positive number of seconds: ${record.walltime}`);
  }
  if (typeof record.remote === "string" && record.remote !== "") {
    // Loading reconnects to it over SSH: the host rule of SshTransport, checked here, so a
    // tampered host is this file's error, not a transport's.
    try {
      checkSshHost("remote", record.remote);
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      throw new CacheFormatError(
        path,
        `field "remote" is ${
          describeValue(record.remote)
        }, not an SSH host: expected ${error.accepted}`,
        { field: "remote", cause: error },
      );
    }
  }
  if (record.cause !== undefined && !isCause(record.cause)) {
    throw bad("cause", `is ${describeValue(record.cause)}, not one of ${CAUSES.join(", ")}`);
  }
  if (record.markers !== undefined && !isMarkerFolderPath(record.markers)) {
    throw bad("markers", `is ${describeValue(record.markers)}, not ${MARKER_FOLDER_ACCEPTED}`);
  }
  if (![-2, -1, 0, 1, 2].includes(record.status as number)) {
    throw bad("status", `is ${describeValue(record.status)}, not a status code (-2 to 2)`);
  }
  if (record.exitCode !== undefined && !Number.isInteger(record.exitCode)) {
    throw bad("exitCode", `is not an integer: ${record.exitCode}`);
  }
  return record as unknown as RunRecord;
}
