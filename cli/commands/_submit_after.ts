/**
 * `clusterjob submit --after [KIND:]ID`: the jobs a submitted job waits for. An ID is a cached
 * run of the cluster (its job id, the id's first part, or its cache id: the run itself, with
 * its name and markers) or, failing that, the id of a job submitted by other means; KIND is
 * `ok` (the default), `notok`, `any` or `start`. The job checks each against its scheduler
 * (`JobScript`'s `after`). Internal module.
 *
 * @module
 */

import type { ClusterProfile } from "../config.ts";
import type { CliContext, Connections } from "../context.ts";
import { UsageError } from "../errors.ts";
import { matchesId, readRuns } from "../runs.ts";
import { liveRun } from "../_live_runs.ts";
import { DEPENDENCY_KINDS, type DependencyKind } from "../../src/core/dependency.ts";
import type { AfterItem } from "../../src/run/submit.ts";

/**
 * The `after` entries of `--after` values.
 *
 * @param values The values as given.
 * @param cluster The cluster the job goes to.
 * @param cacheFolder Where its runs are cached.
 * @param context Output (warnings about unreadable cache files).
 * @param connections Opens the cluster for the cached runs.
 * @returns The entries.
 * @throws {UsageError} For an empty ID, or an ID that names runs of several submissions.
 */
export async function afterOption(
  values: readonly string[],
  cluster: ClusterProfile,
  cacheFolder: string,
  context: CliContext,
  connections: Connections,
): Promise<AfterItem[]> {
  if (values.length === 0) return [];
  const runs = (await readRuns([cluster], (line) => context.err(`${line}\n`), cacheFolder))
    .filter((run) => run.record.phase === "submitted");
  const entries: AfterItem[] = [];
  for (const value of values) {
    const colon = value.indexOf(":");
    const prefix = colon === -1 ? "" : value.slice(0, colon);
    const when: DependencyKind = DEPENDENCY_KINDS.includes(prefix as DependencyKind)
      ? prefix as DependencyKind
      : "ok";
    const id = prefix === when ? value.slice(colon + 1) : value;
    if (id === "") {
      throw new UsageError("submit", `--after needs a job id or cache id, not "${value}"`, {
        flag: "--after",
        value,
      });
    }
    const found = runs.filter((run) => matchesId(run, id));
    if (found.length > 1) {
      throw new UsageError(
        "submit",
        `--after "${id}" names ${found.length} cached runs (${
          found.map((run) => run.cacheId).join(", ")
        }): give the full job id or a cache id`,
        { flag: "--after", value },
      );
    }
    const live = found[0] === undefined ? undefined : await liveRun(found[0], connections);
    entries.push({ run: live?.run ?? id, when });
  }
  return entries;
}
