/**
 * The clusterjob markers prelude (`src/core/_markers.ts`) played in `model` execution, where no
 * script runs: what bash would write running it. At the start, `start` (or `start.<index>`) in
 * the folder the prelude names, relative to where the body runs; at the end, `end` with the
 * exit code, or `signal=<NAME>` when the scheduler's kill signal is one the prelude traps; no end
 * file for a KILL (SGE's, a lost node, an out-of-memory kill of the job's shell), which cannot
 * be trapped. `shell` execution needs none of this: the prelude runs for real there.
 *
 * @module
 */

import { join } from "node:path/posix";
import { markerFileNames, markerFolderInScript, TRAPPED_SIGNALS } from "../../src/core/_markers.ts";
import type { SimJob, SimJobState } from "../types.ts";
import type { SimFileSystem } from "./filesystem.ts";

/** Where the job's body runs: its directory, or after a header `cd "$VAR"` (PBS Pro), there. */
function bodyDirectory(job: SimJob): string {
  const cd = /^cd "\$(\w+)"/m.exec(job.request.script);
  const moved = cd === null ? undefined : job.request.environment?.(job)[cd[1]!];
  return moved !== undefined && moved.startsWith("/") ? moved : job.request.workdir;
}

function markerPath(job: SimJob, kind: "start" | "end"): string | undefined {
  const folder = markerFolderInScript(job.request.script);
  if (folder === undefined) return undefined;
  const task = job.arrayTaskId === undefined ? undefined : String(job.arrayTaskId);
  return join(bodyDirectory(job), folder, markerFileNames(task)[kind]);
}

/**
 * Writes one marker; `create` first makes its folder (0700), as the prelude's `mkdir` does (at
 * the end the folder is there: its `mkdir` changes nothing, so none is made here).
 */
function write(fs: SimFileSystem, path: string, line: string, create: boolean): void {
  try {
    if (create) {
      const folder = path.slice(0, path.lastIndexOf("/"));
      fs.mkdir(folder.slice(0, folder.lastIndexOf("/")), 0o700);
      fs.mkdir(folder, 0o700);
    }
    fs.writeText(path, `${line}\n`);
  } catch { /* the job's directory is gone: the prelude's writes fail silently too */ }
}

/**
 * Writes the start marker of a job that starts now, if its script has the prelude.
 *
 * @param fs The simulator's file system.
 * @param job The starting job.
 * @param host The node it starts on.
 * @param nowMs The cluster's time.
 */
export function writeStartMarker(
  fs: SimFileSystem,
  job: SimJob,
  host: string,
  nowMs: number,
): void {
  const path = markerPath(job, "start");
  if (path === undefined) return;
  const task = job.arrayTaskId === undefined ? "" : String(job.arrayTaskId);
  const id = job.arrayJobId === undefined ? String(job.id) : String(job.arrayJobId);
  write(fs, path, `time=${Math.floor(nowMs / 1000)} host=${host} id=${id} task=${task}`, true);
}

/**
 * Writes the end marker of a running job that ends now, as the prelude's traps would.
 *
 * @param fs The simulator's file system.
 * @param job The job (its exit code set when it exited).
 * @param state How it ended.
 * @param signal The signal that killed it, if one did.
 * @param nowMs The cluster's time.
 */
export function writeEndMarker(
  fs: SimFileSystem,
  job: SimJob,
  state: SimJobState,
  signal: number | undefined,
  nowMs: number,
): void {
  const path = markerPath(job, "end");
  if (path === undefined) return;
  const time = `time=${Math.floor(nowMs / 1000)}`;
  if (state === "COMPLETED" || state === "FAILED") {
    write(fs, path, `${time} exit=${job.exitCode ?? 0}`, false);
    return;
  }
  if (state === "NODE_FAIL" || state === "OUT_OF_MEMORY") return;
  const name = Object.entries(TRAPPED_SIGNALS).find(([, number]) => number === signal)?.[0];
  if (name !== undefined) write(fs, path, `${time} signal=${name}`, false);
}
