/**
 * The default cache id of a job.
 *
 * @module
 */

import type { JobScript } from "./job_script.ts";

/**
 * A cache id that identifies the job, not its position in the workflow (the original counted
 * submissions, so inserting a job shifted every later id): the name made file-safe, and a hash of
 * what the scheduler would run and where.
 */
export async function defaultCacheId(
  job: JobScript,
  script: string,
  auxScripts: Record<string, string>,
): Promise<string> {
  const identity = JSON.stringify([
    job.backend.name,
    job.remote ?? "",
    job.scriptPath(),
    script,
    Object.entries(auxScripts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(identity));
  const hex = Array.from(
    new Uint8Array(digest).slice(0, 8),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  const name = job.name.replace(/[^A-Za-z0-9_.@+=-]+/g, "_").replace(/^[.-]+/, "").slice(0, 64);
  return `${name || "job"}-${hex}`;
}
