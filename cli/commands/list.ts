/**
 * `clusterjob list`: the cached runs as last recorded, without asking any cluster.
 *
 * @module
 */

import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { type RunJson, runJson, runsDocument, runsTable } from "../runs.ts";
import { CACHE_FOLDER_FLAG, chosenRuns, clusterNow, CLUSTERS_FLAG, JSON_FLAG } from "../_shared.ts";

/** The `list` subcommand. */
export const list: Command = {
  spec: {
    name: "list",
    summary: "List cached runs as last recorded, without asking any cluster.",
    description: `
The columns of "clusterjob status" and the cache id (a name for the run that "status", "wait"
and "cancel" accept too). Nothing is run on any cluster: fast, and it works offline.`,
    positionals: [],
    flags: [CLUSTERS_FLAG, CACHE_FOLDER_FLAG, JSON_FLAG],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const cached = await chosenRuns(context, args, "list");
    const runs: RunJson[] = [];
    for (const run of cached) runs.push(runJson(run, await clusterNow(context, run.cluster)));
    context.out(args.boolean("json") ? runsDocument(runs) : runsTable(runs, { cacheIds: true }));
    return ExitCode.OK;
  },
};
