/**
 * The default cache id of a job.
 *
 * @module
 */

/** What identifies a job for its default cache id. */
export interface JobIdentity {
  /** The job's name. */
  name: string;
  /** The backend's registry name. */
  backend: string;
  /** The scheduler's SSH host, if any. */
  remote: string | undefined;
  /** The job script's path on the scheduler host. */
  scriptPath: string;
  /** The rendered job script. */
  script: string;
  /** The rendered aux scripts: file name → text. */
  auxScripts: Readonly<Record<string, string>>;
}

/**
 * A cache id that identifies the job, not its position in the workflow (the original counted
 * submissions, so inserting a job shifted every later id): the name made file-safe, and a hash of
 * what the scheduler would run and where.
 */
export async function defaultCacheId(job: JobIdentity): Promise<string> {
  const identity = JSON.stringify([
    job.backend,
    job.remote ?? "",
    job.scriptPath,
    job.script,
    Object.entries(job.auxScripts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(identity));
  const hex = Array.from(
    new Uint8Array(digest).slice(0, 8),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  const name = job.name.replace(/[^A-Za-z0-9_.@+=-]+/g, "_").replace(/^[.-]+/, "").slice(0, 64);
  return `${name || "job"}-${hex}`;
}
