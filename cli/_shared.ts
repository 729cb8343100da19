/**
 * Flags and steps several subcommands share: choosing clusters, reading their runs, the time
 * on a cluster's clock. Internal module.
 *
 * @module
 */

import type { FlagSpec, ParsedArgs } from "./args.ts";
import { type ClusterProfile, findCluster } from "./config.ts";
import { UsageError } from "./errors.ts";
import type { CliContext, ClusterConnection } from "./context.ts";
import { type CachedRun, readRuns, selectRuns } from "./runs.ts";
import { SavedSimulator } from "./simulated_cluster.ts";

/** `--cluster NAME`. */
export const CLUSTER_FLAG: FlagSpec = {
  name: "cluster",
  short: "c",
  kind: "string",
  value: "NAME",
  help: 'a cluster of the config file (default: its "default:", else local)',
};

/** `--cluster NAME` of the commands that read runs: without it, every cluster. */
export const CLUSTERS_FLAG: FlagSpec = {
  ...CLUSTER_FLAG,
  help: "only the runs of this cluster (default: every cluster's)",
};

/** `--cache-folder DIR`. */
export const CACHE_FOLDER_FLAG: FlagSpec = {
  name: "cache-folder",
  kind: "string",
  value: "DIR",
  help: "read runs from this folder (a job file's own cacheFolder) instead of the clusters'",
};

/** `--json`. */
export const JSON_FLAG: FlagSpec = {
  name: "json",
  kind: "boolean",
  help: "print JSON (see the README for its fields) instead of a table",
};

/** The clusters `--cluster` chooses: that one, or every cluster of the config. */
export async function chosenClusters(
  context: CliContext,
  args: ParsedArgs,
): Promise<ClusterProfile[]> {
  const config = await context.config();
  const name = args.string("cluster");
  if (name !== undefined) return [findCluster(config, name)];
  // With --cache-folder, the runs are attributed to the default cluster.
  if (args.string("cache-folder") !== undefined) return [findCluster(config)];
  return [...config.clusters];
}

/** The runs of the chosen clusters, those the ids name when ids are given. */
export async function chosenRuns(
  context: CliContext,
  args: ParsedArgs,
  command: string,
): Promise<CachedRun[]> {
  const clusters = await chosenClusters(context, args);
  const folder = args.string("cache-folder");
  const runs = await readRuns(
    clusters,
    (line) => context.err(`${line}\n`),
    folder === undefined ? undefined : context.localPath(folder),
  );
  return args.positionals.length === 0 ? runs : selectRuns(runs, args.positionals, command);
}

/**
 * The time on a cluster's clock: its open connection's, a simulator's saved time, or the wall
 * clock.
 */
export async function clusterNow(
  context: CliContext,
  cluster: ClusterProfile,
  connection?: ClusterConnection,
): Promise<number> {
  if (connection !== undefined) return (await connection.transport()).clock.now();
  if (cluster.kind === "simulator" && cluster.stateFile !== undefined) {
    return await SavedSimulator.savedNow(cluster.stateFile) ?? context.now();
  }
  return context.now();
}

/** `--timeout SECONDS`. */
export const TIMEOUT_FLAG: FlagSpec = {
  name: "timeout",
  short: "t",
  kind: "string",
  value: "SECONDS",
  help: "stop waiting after this long, by the cluster's clock (exit code 124)",
};

/**
 * A number of seconds given on the command line (`90`, `1.5`, `10m`, `2h`).
 *
 * @param command The subcommand, for messages.
 * @param value What was given.
 * @param flag The flag, for messages.
 * @returns The seconds.
 * @throws {UsageError} For anything else.
 */
export function parseSeconds(command: string, value: string, flag = "--timeout"): number {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value);
  if (match === null) {
    throw new UsageError(
      command,
      `invalid value "${value}" for ${flag}; expected seconds (90), or a number with s, m, h or d (10m)`,
      { flag, value },
    );
  }
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "" | "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
