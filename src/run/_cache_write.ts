/**
 * The one atomic write of a cache file, split in two so that its costly half can run early:
 * {@linkcode prepareCacheWrite} creates the private temporary file (creating a file costs as much
 * as the rest of the write together), {@linkcode PreparedCacheWrite.commit} fills it and renames
 * it over the cache file. Submission prepares the run record's file while the submit command
 * runs, so saving the job id costs a write and a rename. Internal module.
 *
 * @module
 */

import { dirname } from "node:path";
import type { Clock } from "../core/clock.ts";
import type { CacheRecord } from "./cache_record.ts";
import { isMissingPermission, permissionError } from "../transports/_checks.ts";

/** A cache file write whose temporary file is being created; settle it with one of the two. */
export interface PreparedCacheWrite {
  /**
   * Writes `record` to the temporary file and renames it over the cache file, so a reader sees
   * the old record or the new one, never a part. Rejects with the file-system error (the
   * temporary file is then removed), or `MissingPermissionError` naming the cache folder when
   * Deno was started without `--allow-write` (or `--allow-read`) for it.
   */
  commit(record: CacheRecord): Promise<void>;
  /** Removes the temporary file; the cache file is left as it was. Safe after `commit`. */
  discard(): Promise<void>;
}

/**
 * Starts creating the temporary file `<path>.<uuid>.tmp` (mode 0600 whatever the umask, in a
 * folder created 0700 when it is missing). Never rejects by itself: a failure to create the file
 * is reported by `commit`.
 *
 * With a `clock` that can be held (the simulator's virtual clock), the clock is held while the
 * file is being created and while `commit` and `discard` run: local file work takes no simulated
 * time, so a seeded simulation replays the same whatever the disk's speed. The creation's hold
 * ends when the file exists, never later, so a command that sleeps on the clock meanwhile (an
 * injected hang of the submit command) only waits for the file, not forever.
 */
export function prepareCacheWrite(path: string, clock?: Clock): PreparedCacheWrite {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  const releaseCreation = clock?.hold?.();
  const created = createPrivateFile(temporary, dirname(path)).catch((error) => {
    throw permissionFailure(error, path);
  });
  if (releaseCreation !== undefined) created.then(releaseCreation, releaseCreation);
  created.catch(() => {}); // reported by commit; discard has nothing to remove
  let settled = false;
  return {
    async commit(record: CacheRecord): Promise<void> {
      settled = true;
      const release = clock?.hold?.();
      try {
        await commitTo(await created, record);
      } finally {
        release?.();
      }
    },
    async discard(): Promise<void> {
      if (settled) return;
      settled = true;
      const release = clock?.hold?.();
      try {
        const file = await created.catch(() => undefined);
        if (file === undefined) return;
        file.close();
        await Deno.remove(temporary).catch(() => {});
      } finally {
        release?.();
      }
    },
  };

  async function commitTo(file: Deno.FsFile, record: CacheRecord): Promise<void> {
    try {
      try {
        await writeAll(file, new TextEncoder().encode(JSON.stringify(record, null, 2) + "\n"));
      } finally {
        file.close();
      }
      await Deno.rename(temporary, path);
    } catch (error) {
      await Deno.remove(temporary).catch(() => {});
      throw permissionFailure(error, path);
    }
  }
}

/**
 * Deno's refusal of a cache write (no `--allow-write`, or no `--allow-read` for the rename) as
 * a `MissingPermissionError` naming the cache folder; any other error as it is.
 */
function permissionFailure(error: unknown, path: string): unknown {
  if (!isMissingPermission(error)) return error;
  const folder = dirname(path);
  return permissionError(
    "local",
    error,
    { permission: "write", target: folder },
    `Cannot write cache file ${JSON.stringify(path)} in the cache folder ${JSON.stringify(folder)}`,
  );
}

/** Creates `path` new, open for writing, mode 0600; creates `folder` (0700) only when missing. */
async function createPrivateFile(path: string, folder: string): Promise<Deno.FsFile> {
  const create = () => Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  let file: Deno.FsFile;
  try {
    file = await create();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
    file = await create();
  }
  try {
    // The mode given at creation is reduced by the umask; 0600 must hold whatever the umask is.
    await Deno.chmod(path, 0o600);
    return file;
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw error;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await file.write(bytes.subarray(written));
  }
}
