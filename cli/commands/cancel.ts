/**
 * `clusterjob cancel ID…`: cancels cached runs.
 *
 * @module
 */

import { isFinished, Status, statusName } from "../../src/core/status.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { type CliContext, Connections } from "../context.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { type RunJson, runJson, runsDocument } from "../runs.ts";
import { liveRun, reread } from "../_live_runs.ts";
import { CACHE_FOLDER_FLAG, chosenRuns, clusterNow, CLUSTERS_FLAG, JSON_FLAG } from "../_shared.ts";

/** The `cancel` subcommand. */
export const cancel: Command = {
  spec: {
    name: "cancel",
    summary: "Cancel cached runs (scancel, qdel, bkill); a finished run is left alone.",
    description: `
Each run's cluster is asked first: a run that has finished meanwhile is not cancelled. A line
for each run goes to standard error; with --json the runs as they are afterwards go to
standard output. Exit code 4 when a cluster refuses to cancel a job that is still running.`,
    positionals: [{ name: "ID", help: "a job id or cache id", required: true, variadic: true }],
    flags: [CLUSTERS_FLAG, CACHE_FOLDER_FLAG, JSON_FLAG],
    examples: ["clusterjob cancel 7", "clusterjob cancel 7 8 --cluster hpc"],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const cached = await chosenRuns(context, args, "cancel");
    const connections = new Connections(context);
    let code: ExitCodeValue = ExitCode.OK;
    try {
      const runs: RunJson[] = [];
      for (const run of cached) {
        const live = await liveRun(run, connections);
        const label = `${run.record.jobName} (job ${
          live?.run.jobId ?? "?"
        } on ${run.cluster.name})`;
        if (live === undefined) {
          context.err(
            `clusterjob: cannot cancel ${run.cacheId}: its submission was interrupted, no job id is known\n`,
          );
          code = ExitCode.CLUSTER_ERROR;
        } else if (isFinished(live.run.status)) {
          context.err(`${label} has already finished: ${statusName(live.run.status)}\n`);
        } else {
          try {
            await live.run.cancel();
            context.err(
              live.run.status === Status.CANCELLED
                ? `Cancelled ${label}\n`
                : `${label} finished before it could be cancelled: ${
                  statusName(live.run.status)
                }\n`,
            );
          } catch (error) {
            context.err(
              `clusterjob: cannot cancel ${label}: ${
                error instanceof Error ? error.message : String(error)
              }\n`,
            );
            code = ExitCode.CLUSTER_ERROR;
          }
        }
        const connection = await connections.get(run.cluster);
        runs.push(runJson(await reread(run), await clusterNow(context, run.cluster, connection)));
      }
      if (args.boolean("json")) context.out(runsDocument(runs));
      return code;
    } finally {
      await connections.closeAll();
    }
  },
};
