/**
 * The runs the command line knows: the cache files in each cluster's runs folder, how a run is
 * named on the command line (its job id, the job id's number, or its cache id), and a run as
 * JSON (the `runs` of `--json` output).
 *
 * @module
 */

import { join } from "node:path";
import { type Status, type StatusCode, statusName } from "../src/core/status.ts";
import type { Cause } from "../src/core/cause.ts";
import { type CacheRecord, readCacheFile } from "../src/run/cache.ts";
import type { ClusterProfile } from "./config.ts";
import { NotFoundError, UsageError } from "./errors.ts";
import { formatAge, formatTable } from "./table.ts";

/** One cache file of a cluster. */
export interface CachedRun {
  /** The cluster whose runs folder holds it. */
  readonly cluster: ClusterProfile;
  /** The cache file. */
  readonly file: string;
  /** The cache id (the file name without the prefix and `.json`). */
  readonly cacheId: string;
  /** What it holds: a submitted run, or the marker of a submission that was interrupted. */
  readonly record: CacheRecord;
}

/**
 * A run in `--json` output (version 1 of the format: fields are only ever added).
 *
 * @example Usage
 * ```ts
 * import type { RunJson } from "@clusterjob/clusterjob/cli";
 *
 * const run: RunJson = {
 *   cluster: "sim", jobId: "7", name: "hello", scheduler: "slurm", status: "COMPLETED", statusCode: 0,
 *   state: "COMPLETED", exitCode: 0, reason: null, cause: "exit", updatedAt: "2026-01-01T00:00:05.000Z",
 *   ageSeconds: 30, cacheId: "hello-1a2b3c4d", cacheFile: "/home/me/.local/state/clusterjob/clusters/sim/runs/clusterjob.hello-1a2b3c4d.json",
 * };
 * ```
 */
export interface RunJson {
  /** The cluster's name. */
  cluster: string;
  /** The scheduler's job id; `null` for an interrupted submission (no id is known). */
  jobId: string | null;
  /** The job's name. */
  name: string;
  /** The backend (`slurm`, `pbs`, `pbspro`, `lsf`, `sge`). */
  scheduler: string;
  /** `PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`, `FAILED`, or `SUBMITTING` (interrupted). */
  status: keyof typeof Status | "SUBMITTING";
  /** The status code (−2 … 2; `null` for `SUBMITTING`). */
  statusCode: StatusCode | null;
  /** The scheduler's own word (`TIMEOUT`, `qw`, `EXIT`, …). */
  state: string;
  /** The exit code, when known. */
  exitCode: number | null;
  /** The scheduler's reason or clusterjob's explanation, when there is one. */
  reason: string | null;
  /** Why the run ended, the same word on every scheduler (`exit`, `timeout`, …; see `Cause`), once known. */
  cause: Cause | null;
  /** When the record last changed (ISO 8601; the cluster's clock, simulated time on a simulator). */
  updatedAt: string;
  /** Seconds since then, by the cluster's clock. */
  ageSeconds: number | null;
  /** The cache id. */
  cacheId: string;
  /** The cache file. */
  cacheFile: string;
}

/**
 * The cache files of clusters' runs folders (or of one folder for all of them), sorted by
 * cluster, then job id. A file that is not a cache record is reported to `warn` and skipped.
 *
 * @param clusters The clusters.
 * @param warn Receives a line about each damaged file.
 * @param folder A runs folder to read instead of each cluster's (`--cache-folder`).
 * @returns The runs.
 */
export async function readRuns(
  clusters: readonly ClusterProfile[],
  warn: (line: string) => void,
  folder?: string,
): Promise<CachedRun[]> {
  const runs: CachedRun[] = [];
  for (const cluster of clusters) {
    const where = folder ?? cluster.runsFolder;
    let names: string[];
    try {
      names = (await Array.fromAsync(Deno.readDir(where)))
        .filter((entry) => entry.isFile && entry.name.endsWith(".json"))
        .map((entry) => entry.name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    for (const name of names.sort()) {
      const file = join(where, name);
      try {
        const record = await readCacheFile(file);
        if (record === undefined) continue; // removed meanwhile
        runs.push({ cluster, file, cacheId: cacheIdOf(name, cluster.cachePrefix), record });
      } catch (error) {
        warn(
          `clusterjob: skipping ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
  return runs.sort(compareRuns);
}

function cacheIdOf(name: string, prefix: string): string {
  const bare = name.slice(0, -".json".length);
  return bare.startsWith(`${prefix}.`) ? bare.slice(prefix.length + 1) : bare;
}

function compareRuns(a: CachedRun, b: CachedRun): number {
  if (a.cluster.name !== b.cluster.name) return a.cluster.name < b.cluster.name ? -1 : 1;
  const [ida, idb] = [jobIdOf(a), jobIdOf(b)];
  const [na, nb] = [Number.parseInt(ida, 10), Number.parseInt(idb, 10)];
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
  return ida < idb ? -1 : ida > idb ? 1 : a.cacheId < b.cacheId ? -1 : 1;
}

function jobIdOf(run: CachedRun): string {
  return run.record.phase === "submitted" ? run.record.jobId : "";
}

/**
 * Whether `id` names a run: its job id (`1.login1`), the job id's first part (`1`), or its
 * cache id.
 *
 * @param run The run.
 * @param id What the user typed.
 * @returns Whether it matches.
 */
export function matchesId(run: CachedRun, id: string): boolean {
  const jobId = jobIdOf(run);
  return id !== "" && (jobId === id || jobId.split(".")[0] === id || run.cacheId === id);
}

/**
 * The runs the ids name, in the order of the ids (each once).
 *
 * @param runs The known runs.
 * @param ids What the user typed.
 * @param command The subcommand, for messages.
 * @returns The runs.
 * @throws {NotFoundError} For an id no run has.
 * @throws {UsageError} For an id that names runs of more than one cluster (add `--cluster`).
 */
export function selectRuns(
  runs: readonly CachedRun[],
  ids: readonly string[],
  command: string,
): CachedRun[] {
  const chosen: CachedRun[] = [];
  for (const id of ids) {
    const found = runs.filter((run) => matchesId(run, id));
    if (found.length === 0) {
      const known = runs.length === 0
        ? "there are no cached runs"
        : `the cached runs are ${
          runs.slice(0, 10).map((run) => jobIdOf(run) || run.cacheId).join(", ")
        }${runs.length > 10 ? ", …" : ""}`;
      throw new NotFoundError(
        "run",
        id,
        `No cached run has the id "${id}"; ${known} (see "clusterjob list")`,
      );
    }
    const clusters = [...new Set(found.map((run) => run.cluster.name))];
    if (clusters.length > 1) {
      throw new UsageError(
        command,
        `"${id}" names runs on ${clusters.join(" and ")}; choose one with --cluster`,
        { value: id },
      );
    }
    for (const run of found) if (!chosen.includes(run)) chosen.push(run);
  }
  return chosen;
}

/**
 * A run as JSON.
 *
 * @param run The run.
 * @param now The cluster's time (ms since the epoch), for the age; `undefined`: no age.
 * @returns The run's JSON object.
 */
export function runJson(run: CachedRun, now: number | undefined): RunJson {
  const record = run.record;
  const submitted = record.phase === "submitted" ? record : undefined;
  // Keys in the order of the table (jobId first): the order of the JSON output.
  return {
    jobId: submitted?.jobId ?? null,
    name: record.jobName,
    cluster: run.cluster.name,
    scheduler: record.backend,
    status: submitted === undefined ? "SUBMITTING" : statusName(submitted.status),
    statusCode: submitted?.status ?? null,
    state: submitted?.state ?? "interrupted submission",
    exitCode: submitted?.exitCode ?? null,
    reason: submitted === undefined
      ? "the submission was interrupted: the job may or may not exist (check the queue)"
      : submitted.reason ?? null,
    cause: submitted?.cause ?? null,
    updatedAt: record.updatedAt,
    ageSeconds: now === undefined
      ? null
      : Math.max(0, Math.floor((now - Date.parse(record.updatedAt)) / 1000)),
    cacheId: run.cacheId,
    cacheFile: run.file,
  };
}

/**
 * The `--json` document of runs: `{"version": 1, "runs": [...]}` plus `extra` fields.
 *
 * @param runs The runs.
 * @param extra More top-level fields.
 * @returns The JSON text, ending with a newline.
 */
export function runsDocument(
  runs: readonly RunJson[],
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ version: 1, runs, ...extra }, null, 2) + "\n";
}

/**
 * The table of runs: ID, NAME, CLUSTER, SCHEDULER, STATUS, STATE, EXIT, CAUSE, AGE (and the cache id
 * with `cacheIds`).
 *
 * @param runs The runs.
 * @param options `cacheIds`: add a CACHE-ID column.
 * @returns The table, or a line saying there are none.
 */
export function runsTable(runs: readonly RunJson[], options: { cacheIds?: boolean } = {}): string {
  if (runs.length === 0) return "No runs.\n";
  const header = ["ID", "NAME", "CLUSTER", "SCHEDULER", "STATUS", "STATE", "EXIT", "CAUSE", "AGE"];
  if (options.cacheIds) header.push("CACHE-ID");
  return formatTable(
    header,
    runs.map((run) => {
      const row = [
        run.jobId ?? "-",
        run.name,
        run.cluster,
        run.scheduler,
        run.status,
        run.state,
        run.exitCode === null ? "-" : String(run.exitCode),
        run.cause ?? "-",
        run.ageSeconds === null ? "-" : formatAge(run.ageSeconds),
      ];
      if (options.cacheIds) row.push(run.cacheId);
      return row;
    }),
  );
}
