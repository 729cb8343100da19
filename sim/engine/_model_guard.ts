/**
 * SGE's dependency guard (`src/core/_dependency_guard.ts`) played in `model` execution, where no
 * script runs: as bash would, it reads each parent's end markers (`end`, `end.<index>`) in the
 * folder the guard names from where the job starts, and when one did not end as the kind asks
 * (exit 0 for `ok`, anything else for `notok`; no end marker counts as not completed), the job
 * exits with the guard's code at once, without its body. `shell` execution runs the guard.
 *
 * @module
 */

import { join } from "node:path/posix";
import { GUARD_EXIT_CODE, guardChecksInScript } from "../../src/core/_dependency_guard.ts";
import { parseMarker } from "../../src/core/_markers.ts";
import type { SimJob } from "../types.ts";
import type { SimFileSystem } from "./filesystem.ts";
import { bodyDirectory } from "./_model_markers.ts";

/** Whether one parent's markers in `folder` say it completed (exit 0 everywhere, at least once). */
function completed(fs: SimFileSystem, folder: string): boolean {
  let names: string[];
  try {
    names = [...Deno.readDirSync(fs.hostPath(folder))].map((entry) => entry.name);
  } catch {
    return false; // no marker folder: the parent never started
  }
  const ends = names.filter((name) => name === "end" || name.startsWith("end."));
  if (ends.length === 0) return false;
  return ends.every((name) => {
    const marker = parseMarker(fs.readText(join(folder, name)) ?? "");
    return marker.kind === "end" && marker.exit === 0;
  });
}

/**
 * The exit code of a job whose guard stops it before the body, or `undefined` when it has no
 * guard or every check holds.
 *
 * @param fs The simulator's file system.
 * @param job The starting job.
 */
export function guardExit(fs: SimFileSystem, job: SimJob): number | undefined {
  for (const check of guardChecksInScript(job.request.script)) {
    if (check.fromStart === undefined) continue;
    const ok = completed(fs, join(bodyDirectory(job), check.fromStart));
    if ((check.when === "ok") !== ok) return GUARD_EXIT_CODE;
  }
  return undefined;
}
