/**
 * The on-disk cache of runs: one versioned JSON file per run, `<folder>/<prefix>.<cacheId>.json`,
 * on this machine. Files are written atomically (temporary file in the same folder, then rename),
 * readable by their owner only (0600) in a private folder (0700). A re-started workflow finds its
 * runs here instead of submitting them again.
 *
 * Two kinds of record share the format: a run (`phase: "submitted"`, with its job id and last
 * known status) and a marker (`phase: "submitting"`) written just before the submit command runs,
 * so that a workflow killed between the scheduler accepting a job and the cache learning its id
 * is detected on restart instead of submitting the job a second time.
 *
 * @module
 */

import { join } from "node:path";
import { ClusterjobError } from "../core/errors.ts";
import type { StatusCode } from "../core/status.ts";
import { checkCacheName } from "../core/_cache_name.ts";
import { prepareCacheWrite } from "./_cache_write.ts";

/**
 * The version of the cache file format this library writes and reads.
 *
 * @example Usage
 * ```ts
 * import { CACHE_FORMAT_VERSION } from "@clusterjob/clusterjob";
 * console.assert(CACHE_FORMAT_VERSION === 1);
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
 * import type { RunRecord } from "@clusterjob/clusterjob";
 * const record: RunRecord = {
 *   format: "clusterjob-run", version: 1, phase: "submitted", jobId: "42", jobName: "hello",
 *   backend: "slurm", transport: "local", maxSleepInterval: 900, status: -2, state: "PENDING",
 *   epilogueDone: false, updatedAt: "2024-01-01T00:00:00.000Z",
 * };
 * console.assert(record.jobId === "42");
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
  /** The rendered epilogue, run on this machine when the job is first seen finished. */
  epilogue?: string;
  /** Whether the epilogue has been started (it runs at most once). */
  epilogueDone: boolean;
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
 * import type { SubmittingRecord } from "@clusterjob/clusterjob";
 * const marker: SubmittingRecord = {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "hello",
 *   backend: "slurm", transport: "local", updatedAt: "2024-01-01T00:00:00.000Z",
 * };
 * console.assert(marker.phase === "submitting");
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
  /** When the submission started (ISO 8601). */
  updatedAt: string;
}

/**
 * Anything stored in a cache file.
 *
 * @example Usage
 * ```ts
 * import type { CacheRecord } from "@clusterjob/clusterjob";
 * const isRun = (record: CacheRecord): boolean => record.phase === "submitted";
 * console.assert(typeof isRun === "function");
 * ```
 */
export type CacheRecord = RunRecord | SubmittingRecord;

/**
 * A cache file exists but is not a clusterjob run record this version can read.
 *
 * @example Usage
 * ```ts
 * import { CacheFormatError } from "@clusterjob/clusterjob";
 * const error = new CacheFormatError("cache/clusterjob.a.json", "not JSON");
 * console.assert(error.path === "cache/clusterjob.a.json");
 * ```
 */
export class CacheFormatError extends ClusterjobError {
  /** The file. */
  readonly path: string;
  /**
   * Creates the error.
   *
   * @param path The cache file.
   * @param problem What is wrong with it.
   * @param options Standard error options (`cause`).
   */
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`Cannot read cache file "${path}": ${problem}`, options);
    this.path = path;
  }
}

/**
 * A cache file holds a submission marker: an earlier process started the submit command for this
 * cache id and died (or lost its connection) before it learnt the job id. The scheduler may or may
 * not have accepted the job, so clusterjob refuses to guess: check the queue (the job name is in
 * the message), then submit again with `force: true` or track the job you found with
 * `new AsyncResult({ jobId, ... })`.
 *
 * @example Usage
 * ```ts
 * import { InterruptedSubmissionError } from "@clusterjob/clusterjob";
 * const error = new InterruptedSubmissionError("cache/clusterjob.a.json", "hello", "2024-01-01T00:00:00.000Z");
 * console.assert(error.jobName === "hello" && error.message.includes("force"));
 * ```
 */
export class InterruptedSubmissionError extends ClusterjobError {
  /** The cache file holding the marker. */
  readonly path: string;
  /** The name of the job whose submission was interrupted. */
  readonly jobName: string;
  /**
   * Creates the error.
   *
   * @param path The cache file.
   * @param jobName The job's name.
   * @param startedAt When the interrupted submission started (ISO 8601).
   */
  constructor(path: string, jobName: string, startedAt: string) {
    super(
      `An earlier submission of job "${jobName}" (started ${startedAt}, marker "${path}") was ` +
        `interrupted before its job id was known; the scheduler may hold the job: check the ` +
        `queue, then submit with force: true to submit again`,
    );
    this.path = path;
    this.jobName = jobName;
  }
}

/**
 * The path of the cache file of `cacheId`: `<folder>/<prefix>.<cacheId>.json`. The prefix and the
 * id must be plain file-name words (no slashes, spaces or leading dots), so a cache id can never
 * point outside the folder.
 *
 * @example Usage
 * ```ts
 * import { cacheFilePath } from "@clusterjob/clusterjob";
 * console.assert(cacheFilePath("cache", "clusterjob", "step-1") === "cache/clusterjob.step-1.json");
 * ```
 *
 * @param folder The cache folder (on this machine).
 * @param prefix The file prefix, e.g. `"clusterjob"`.
 * @param cacheId The run's cache id.
 * @returns The file path.
 */
export function cacheFilePath(folder: string, prefix: string, cacheId: string): string {
  checkCacheName("cachePrefix", prefix);
  checkCacheName("cacheId", cacheId);
  return join(folder, `${prefix}.${cacheId}.json`);
}

/**
 * Reads a cache file. Resolves `undefined` when the file does not exist; rejects with
 * {@linkcode CacheFormatError} when it is not a record this version understands (a damaged cache
 * is never silently ignored: that could submit a job twice).
 *
 * @example Usage
 * ```ts
 * import { readCacheFile } from "@clusterjob/clusterjob";
 * console.assert(await readCacheFile("/nonexistent/clusterjob.x.json") === undefined);
 * ```
 *
 * @param path The cache file.
 * @returns The record, or `undefined`.
 */
export async function readCacheFile(path: string): Promise<CacheRecord | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CacheFormatError(path, "not valid JSON", { cause: error });
  }
  return validateRecord(path, value);
}

/**
 * Writes a cache file atomically: a temporary file (mode 0600) in the same folder, then a rename,
 * so a reader never sees half a file. Creates the folder (mode 0700) when it is missing.
 *
 * @example Usage
 * ```ts
 * import { readCacheFile, writeCacheFile } from "@clusterjob/clusterjob";
 * const folder = await Deno.makeTempDir();
 * const path = `${folder}/clusterjob.demo.json`;
 * await writeCacheFile(path, {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "demo",
 *   backend: "slurm", transport: "local", updatedAt: new Date().toISOString(),
 * });
 * console.assert((await readCacheFile(path))?.phase === "submitting");
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @param path The cache file.
 * @param record What to store.
 */
export async function writeCacheFile(path: string, record: CacheRecord): Promise<void> {
  await prepareCacheWrite(path).commit(record);
}

/**
 * Removes one cache file; a missing file is not an error.
 *
 * @example Usage
 * ```ts
 * import { removeCacheFile } from "@clusterjob/clusterjob";
 * await removeCacheFile("/nonexistent/clusterjob.x.json");
 * ```
 *
 * @param path The cache file.
 */
export async function removeCacheFile(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Clears a cache folder: removes only files named `<prefix>.<id>.json` that hold a clusterjob run
 * record (and temporary files a crashed write left behind). Any other file in the folder, even one
 * whose name starts with the prefix, is left alone (the original deleted everything). A missing
 * folder is not an error.
 *
 * @example Usage
 * ```ts
 * import { clearCache, writeCacheFile } from "@clusterjob/clusterjob";
 * const folder = await Deno.makeTempDir();
 * await writeCacheFile(`${folder}/clusterjob.a.json`, {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "a",
 *   backend: "slurm", transport: "local", updatedAt: new Date().toISOString(),
 * });
 * await Deno.writeTextFile(`${folder}/notes.txt`, "mine");
 * console.assert(await clearCache(folder) === 1);
 * console.assert(await Deno.readTextFile(`${folder}/notes.txt`) === "mine");
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @param folder The cache folder.
 * @param prefix The file prefix (default `"clusterjob"`).
 * @returns How many files were removed.
 */
export async function clearCache(folder: string, prefix = "clusterjob"): Promise<number> {
  checkCacheName("cachePrefix", prefix);
  const escaped = prefix.replace(/[.+=]/g, "\\$&");
  const recordName = new RegExp(`^${escaped}\\.[^/]+\\.json$`);
  const temporaryName = new RegExp(`^${escaped}\\.[^/]+\\.json\\.[0-9a-f-]{36}\\.tmp$`);
  let removed = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(folder));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile) continue;
    const path = join(folder, entry.name);
    if (temporaryName.test(entry.name)) {
      await removeCacheFile(path);
      removed++;
    } else if (recordName.test(entry.name) && await isOurRecord(path)) {
      await removeCacheFile(path);
      removed++;
    }
  }
  return removed;
}

async function isOurRecord(path: string): Promise<boolean> {
  try {
    await readCacheFile(path);
    return true;
  } catch {
    return false;
  }
}

/** Checks a parsed value field by field; the message names the first bad field. */
function validateRecord(path: string, value: unknown): CacheRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CacheFormatError(path, "not a JSON object");
  }
  const record = value as Record<string, unknown>;
  if (record.format !== FORMAT) {
    throw new CacheFormatError(path, `"format" is not "${FORMAT}"`);
  }
  if (typeof record.version !== "number" || !Number.isInteger(record.version)) {
    throw new CacheFormatError(path, `"version" is not an integer`);
  }
  if (record.version > CACHE_FORMAT_VERSION) {
    throw new CacheFormatError(
      path,
      `format version ${record.version} is newer than this library's ${CACHE_FORMAT_VERSION}`,
    );
  }
  const need = (field: string, type: "string" | "number" | "boolean", optional = false) => {
    const v = record[field];
    if (v === undefined && optional) return;
    // deno-lint-ignore valid-typeof -- `type` is one of the typeof names above
    if (typeof v !== type) {
      throw new CacheFormatError(path, `field "${field}" is not a ${type}`);
    }
  };
  need("jobName", "string");
  need("backend", "string");
  need("transport", "string");
  need("updatedAt", "string");
  if (record.phase === "submitting") return record as unknown as SubmittingRecord;
  if (record.phase !== "submitted") {
    throw new CacheFormatError(path, `field "phase" is not "submitting" or "submitted"`);
  }
  need("jobId", "string");
  need("maxSleepInterval", "number");
  need("status", "number");
  need("state", "string");
  need("epilogueDone", "boolean");
  need("remote", "string", true);
  need("exitCode", "number", true);
  need("reason", "string", true);
  need("epilogue", "string", true);
  need("epilogueError", "string", true);
  if (![-2, -1, 0, 1, 2].includes(record.status as number)) {
    throw new CacheFormatError(path, `field "status" is not a status code (-2 to 2)`);
  }
  return record as unknown as RunRecord;
}
