/**
 * `clusterjob clean [--finished]`: forgets cached runs (removes their cache files).
 *
 * @module
 */

import { isFinished } from "../../src/core/status.ts";
import { removeCacheFile } from "../../src/run/cache.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { type RunJson, runJson } from "../runs.ts";
import { SavedSimulator } from "../simulated_cluster.ts";
import {
  CACHE_FOLDER_FLAG,
  chosenClusters,
  chosenRuns,
  clusterNow,
  CLUSTERS_FLAG,
  JSON_FLAG,
} from "../_shared.ts";

/** The `clean` subcommand. */
export const clean: Command = {
  spec: {
    name: "clean",
    summary: "Forget cached runs: all of them, or only the finished ones.",
    description: `
Removes the cache files of the runs (of every cluster, or of --cluster's). A removed run that
had not finished keeps running on its cluster, but clusterjob no longer tracks it, and
submitting its job again submits it anew; without --finished such runs are named on standard
error. Cleaning every run of a simulated cluster also starts the simulated cluster afresh (its
jobs, files and clock). Nothing is asked of any cluster: the runs' last known status decides.`,
    positionals: [],
    flags: [
      {
        name: "finished",
        kind: "boolean",
        help: "only runs that have finished (COMPLETED, CANCELLED, FAILED)",
      },
      CLUSTERS_FLAG,
      CACHE_FOLDER_FLAG,
      JSON_FLAG,
    ],
    examples: ["clusterjob clean --finished", "clusterjob clean --cluster try-pbs"],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const finishedOnly = args.boolean("finished");
    const cached = await chosenRuns(context, args, "clean");
    const removed: RunJson[] = [];
    for (const run of cached) {
      const done = run.record.phase === "submitted" && isFinished(run.record.status);
      if (finishedOnly && !done) continue;
      if (!done) {
        context.err(
          `clusterjob: forgetting ${run.record.jobName} (${
            run.record.phase === "submitted"
              ? `job ${run.record.jobId}`
              : "an interrupted submission"
          } on ${run.cluster.name}), which had not finished\n`,
        );
      }
      removed.push(runJson(run, await clusterNow(context, run.cluster)));
      await removeCacheFile(run.file);
    }
    const reset: string[] = [];
    if (!finishedOnly && args.string("cache-folder") === undefined) {
      for (const cluster of await chosenClusters(context, args)) {
        if (cluster.kind !== "simulator" || cluster.stateFile === undefined) continue;
        await SavedSimulator.reset(cluster.stateFile);
        reset.push(cluster.name);
      }
    }
    if (args.boolean("json")) {
      context.out(
        JSON.stringify(
          {
            version: 1,
            removed: removed.map(({ cacheFile, cluster, jobId, name }) => ({
              cluster,
              jobId,
              name,
              cacheFile,
            })),
            reset,
          },
          null,
          2,
        ) + "\n",
      );
    } else {
      const what = finishedOnly ? "finished cached run" : "cached run";
      context.err(`Removed ${removed.length} ${what}${removed.length === 1 ? "" : "s"}\n`);
      for (const name of reset) context.err(`The simulated cluster ${name} starts afresh\n`);
    }
    return ExitCode.OK;
  },
};
