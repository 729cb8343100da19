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

import { dirname, join } from "node:path";
import { checkCacheName } from "../core/_cache_name.ts";
import { CacheFormatError, type CacheRecord, parseCacheRecord } from "./cache_record.ts";
import { prepareCacheWrite } from "./_cache_write.ts";
import { InvalidValueError } from "../core/errors.ts";
import { isMissingPermission, permissionError, validatePath } from "../transports/_checks.ts";

export {
  CACHE_FORMAT_VERSION,
  CacheFormatError,
  type CacheRecord,
  InterruptedSubmissionError,
  type RunRecord,
  type SubmittingRecord,
} from "./cache_record.ts";
export { CacheMismatchError, type CacheOrigin } from "./cache_mismatch.ts";

/**
 * The path of the cache file of `cacheId`: `<folder>/<prefix>.<cacheId>.json`. The prefix and the
 * id must be plain file-name words (no slashes, spaces or leading dots), so a cache id can never
 * point outside the folder.
 *
 * @example Usage
 * ```ts
 * import { cacheFilePath } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(cacheFilePath("cache", "clusterjob", "step-1"), "cache/clusterjob.step-1.json");
 * assert.throws(() => cacheFilePath("cache", "clusterjob", "../escape"), /Invalid value for "cacheId"/);
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
 * {@linkcode CacheFormatError} when it is not a record this version understands, or the path is a
 * directory (a damaged cache is never silently ignored: that could submit a job twice).
 *
 * @example Usage
 * ```ts
 * import { AsyncResult, CacheFormatError, LocalTransport, readCacheFile, slurm } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await readCacheFile("/nonexistent/clusterjob.x.json"), undefined);
 * const folder = await Deno.makeTempDir();
 * await new AsyncResult({ jobId: "4", backend: slurm, transport: new LocalTransport() }).dump(`${folder}/run.json`);
 * assert.equal((await readCacheFile(`${folder}/run.json`))?.phase, "submitted");
 * await Deno.writeTextFile(`${folder}/bad.json`, "{}");
 * await assert.rejects(readCacheFile(`${folder}/bad.json`), CacheFormatError);
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @param path The cache file.
 * @returns The record, or `undefined`.
 * @throws {CacheFormatError} For a damaged record, a directory, or a path through a file.
 * @throws {InvalidValueError} For a path that is not a non-empty string without NUL.
 * @throws {MissingPermissionError} When Deno was started without `--allow-read` for the file.
 */
export async function readCacheFile(path: string): Promise<CacheRecord | undefined> {
  validatePath(path);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof Deno.errors.IsADirectory) {
      throw new CacheFormatError(path, "it is a directory, not a cache file", { cause: error });
    }
    if (error instanceof Deno.errors.NotADirectory) {
      throw new CacheFormatError(path, "a folder of its path is a file", { cause: error });
    }
    if (isMissingPermission(error)) {
      throw permissionError(
        "local",
        error,
        { permission: "read", target: dirname(path) },
        `Cannot read cache file ${JSON.stringify(path)}`,
      );
    }
    throw error;
  }
  return parseCacheRecord(path, text);
}

/**
 * Writes a cache file atomically: a temporary file (mode 0600) in the same folder, then a rename,
 * so a reader never sees half a file. Creates the folder (mode 0700) when it is missing.
 *
 * @example Usage
 * ```ts
 * import { readCacheFile, writeCacheFile } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * const path = `${folder}/cache/clusterjob.demo.json`;
 * await writeCacheFile(path, {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "demo",
 *   backend: "slurm", transport: "local", updatedAt: new Date().toISOString(),
 * });
 * assert.equal((await readCacheFile(path))?.phase, "submitting");
 * assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
 * assert.equal((await Deno.stat(`${folder}/cache`)).mode! & 0o777, 0o700);
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
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await removeCacheFile(path);
 * await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
 * await removeCacheFile(path); // already gone: not an error
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
 * import assert from "node:assert/strict";
 *
 * const folder = await Deno.makeTempDir();
 * await writeCacheFile(`${folder}/clusterjob.a.json`, {
 *   format: "clusterjob-run", version: 1, phase: "submitting", jobName: "a",
 *   backend: "slurm", transport: "local", updatedAt: new Date().toISOString(),
 * });
 * await Deno.writeTextFile(`${folder}/notes.txt`, "mine");
 * assert.equal(await clearCache(folder), 1);
 * assert.equal(await Deno.readTextFile(`${folder}/notes.txt`), "mine");
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @param folder The cache folder.
 * @param prefix The file prefix (default `"clusterjob"`).
 * @returns How many files were removed.
 * @throws {InvalidValueError} For a bad prefix, or a folder that is a file (or not a path).
 * @throws {MissingPermissionError} When Deno was started without `--allow-read` for it.
 */
export async function clearCache(folder: string, prefix = "clusterjob"): Promise<number> {
  checkCacheName("cachePrefix", prefix);
  const escaped = prefix.replace(/[.+=]/g, "\\$&");
  const recordName = new RegExp(`^${escaped}\\.[^/]+\\.json$`);
  const temporaryName = new RegExp(`^${escaped}\\.[^/]+\\.json\\.[0-9a-f-]{36}\\.tmp$`);
  let removed = 0;
  validatePath(folder, "folder");
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(folder));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    if (error instanceof Deno.errors.NotADirectory) {
      throw new InvalidValueError("folder", folder, "a cache folder (this is a file)", {
        cause: error,
      });
    }
    if (isMissingPermission(error)) {
      throw permissionError("local", error, { permission: "read", target: folder });
    }
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
