/**
 * `clusterjob wait [ID…]`: waits for cached runs to finish, with a progress line; the exit code
 * says whether every one ended COMPLETED.
 *
 * @module
 */

import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { type CliContext, Connections } from "../context.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { type RunJson, runJson, runsDocument, runsTable } from "../runs.ts";
import { allCompleted, type LiveRun, liveRun, reread, waitWithProgress } from "../_live_runs.ts";
import {
  CACHE_FOLDER_FLAG,
  chosenRuns,
  clusterNow,
  CLUSTERS_FLAG,
  JSON_FLAG,
  parseSeconds,
  TIMEOUT_FLAG,
} from "../_shared.ts";
import { Status } from "../../src/core/status.ts";

/** The `wait` subcommand. */
export const wait: Command = {
  spec: {
    name: "wait",
    summary: "Wait for cached runs to finish; exit code 0 if every one completed.",
    description: `
Without IDs, waits for every cached run of the clusters (runs already finished count as done;
"clusterjob clean --finished" forgets old ones). The progress line goes to standard error:
"3/10 done: 2 completed, 1 failed; 7 running", updated in place on a terminal, a line at each change
otherwise; while nothing changes it is shown again with the time waited ("(waited 20m)"),
every 5 s on a terminal, every 10 minutes otherwise (of the cluster's clock). At the end the table of the runs goes to standard output (or JSON, with a
"summary" and "success"). Exit code 0 when every run ended COMPLETED, 1 when one failed or was
cancelled, 124 when --timeout ran out first.`,
    positionals: [{
      name: "ID",
      help: "a job id or cache id (default: every run)",
      variadic: true,
    }],
    flags: [CLUSTERS_FLAG, CACHE_FOLDER_FLAG, TIMEOUT_FLAG, JSON_FLAG],
    examples: ["clusterjob wait", "clusterjob wait 7 8 --timeout 2h"],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const timeout = args.string("timeout");
    const timeoutMs = timeout === undefined ? undefined : parseSeconds("wait", timeout) * 1000;
    const cached = await chosenRuns(context, args, "wait");
    const connections = new Connections(context);
    try {
      const live: LiveRun[] = [];
      for (const run of cached) {
        const found = await liveRun(run, connections);
        if (found === undefined) {
          context.err(
            `clusterjob: skipping ${run.cacheId} on ${run.cluster.name}: its submission was interrupted (see "clusterjob status")\n`,
          );
        } else {
          live.push(found);
        }
      }
      if (live.length === 0) {
        if (args.boolean("json")) {
          context.out(runsDocument([], { summary: summary([]), success: true }));
        } else {
          context.err("No runs to wait for.\n");
        }
        return ExitCode.OK;
      }
      const { statuses, timedOut } = await waitWithProgress(
        context,
        live.map(({ run }) => run),
        timeoutMs,
      );
      const runs: RunJson[] = [];
      for (const { cached: run } of live) {
        const connection = await connections.get(run.cluster);
        runs.push(runJson(await reread(run), await clusterNow(context, run.cluster, connection)));
      }
      const success = !timedOut && allCompleted(statuses);
      if (args.boolean("json")) {
        context.out(runsDocument(runs, { summary: summary(runs), success }));
      } else {
        context.out(runsTable(runs));
      }
      return timedOut ? ExitCode.TIMEOUT : success ? ExitCode.OK : ExitCode.NOT_SUCCESSFUL;
    } finally {
      await connections.closeAll();
    }
  },
};

/** How many runs ended how. */
function summary(runs: readonly RunJson[]): Record<string, number> {
  const count = (status: number) => runs.filter((run) => run.statusCode === status).length;
  return {
    total: runs.length,
    completed: count(Status.COMPLETED),
    failed: count(Status.FAILED),
    cancelled: count(Status.CANCELLED),
    unfinished: runs.filter((run) => run.statusCode !== null && run.statusCode < 0).length,
  };
}
