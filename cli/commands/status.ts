/**
 * `clusterjob status [ID…]`: the table of cached runs, each unfinished one asked about anew.
 *
 * @module
 */

import { isFinished } from "../../src/core/status.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { type CliContext, Connections } from "../context.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { type RunJson, runJson, runsDocument, runsTable } from "../runs.ts";
import { liveRun, reread } from "../_live_runs.ts";
import { CACHE_FOLDER_FLAG, chosenRuns, clusterNow, CLUSTERS_FLAG, JSON_FLAG } from "../_shared.ts";

/** The `status` subcommand. */
export const status: Command = {
  spec: {
    name: "status",
    summary: "Show cached runs, asking each cluster about the unfinished ones.",
    description: `
Columns: ID (the scheduler's job id), NAME, CLUSTER, SCHEDULER, STATUS (PENDING, RUNNING,
COMPLETED, CANCELLED, FAILED), STATE (the scheduler's own word: TIMEOUT, qw, EXIT, …), EXIT
(the exit code), CAUSE (why it ended, the same word on every scheduler: exit, timeout,
out-of-memory, cancelled, node-failure, preempted, dependency, submit-failed, vanished), AGE
(since the run last changed, by the cluster's clock). Runs of one cluster
are asked about with one scheduler command. A cluster that cannot be asked is reported on
standard error, its runs shown as last known, and the exit code is 4. An ID is a job id
(1.login1, or just 1) or a cache id.`,
    positionals: [{
      name: "ID",
      help: "a job id or cache id (default: every run)",
      variadic: true,
    }],
    flags: [CLUSTERS_FLAG, CACHE_FOLDER_FLAG, JSON_FLAG],
    examples: [
      "clusterjob status",
      "clusterjob status 7 --json",
      "clusterjob status --cluster hpc",
    ],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const cached = await chosenRuns(context, args, "status");
    const connections = new Connections(context);
    let code: ExitCodeValue = ExitCode.OK;
    try {
      const refreshing = cached.map(async (run) => {
        if (run.record.phase !== "submitted" || isFinished(run.record.status)) return run;
        try {
          const live = await liveRun(run, connections);
          await live?.run.refresh();
        } catch (error) {
          const jobId = run.record.jobId;
          context.err(
            `clusterjob: cannot ask ${run.cluster.name} about job ${jobId}: ${
              error instanceof Error ? error.message : String(error)
            }\n`,
          );
          code = ExitCode.CLUSTER_ERROR;
        }
        return await reread(run);
      });
      const runs: RunJson[] = [];
      for (const run of await Promise.all(refreshing)) {
        const open = run.cluster.kind === "simulator" && run.record.phase === "submitted" &&
            !isFinished(run.record.status)
          ? await connections.get(run.cluster)
          : undefined;
        runs.push(runJson(run, await clusterNow(context, run.cluster, open)));
      }
      context.out(args.boolean("json") ? runsDocument(runs) : runsTable(runs));
      return code;
    } finally {
      await connections.closeAll();
    }
  },
};
