/**
 * `clusterjob submit JOB.yaml [--var K=V]… [--cluster NAME]`: submits a job file to a cluster
 * and prints the job id; the cache makes a second submission of the same job a no-op.
 *
 * @module
 */

import type { CommandOutput, RunOptions, Transport } from "../../src/core/transport.ts";
import { readCacheFile } from "../../src/run/cache.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { findCluster } from "../config.ts";
import { type CliContext, Connections } from "../context.ts";
import { CliError, UsageError } from "../errors.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { loadJob } from "../load_job.ts";
import { type CachedRun, runJson, runsDocument, runsTable } from "../runs.ts";
import { allCompleted, reread, waitWithProgress } from "../_live_runs.ts";
import { CLUSTER_FLAG, clusterNow, JSON_FLAG, parseSeconds, TIMEOUT_FLAG } from "../_shared.ts";

/** The `submit` subcommand. */
export const submit: Command = {
  spec: {
    name: "submit",
    summary: "Submit a job file to a cluster and print its job id.",
    description: `
The job id goes to standard output (id=$(clusterjob submit job.yaml)), a sentence about it to
standard error. The run is cached in the cluster's runs folder (or the job file's cacheFolder):
submitting the same job again prints the cached run's id and submits nothing, unless that run
failed or was cancelled (then it is submitted again; --no-retry keeps it) or --force is given.
With --wait, waits for the job as "clusterjob wait" does; the exit code is then the wait's.`,
    positionals: [{ name: "JOB.yaml", help: "the job file", required: true }],
    flags: [
      CLUSTER_FLAG,
      {
        name: "var",
        kind: "list",
        value: "K=V",
        help: "set placeholder {K} (over the job's vars)",
      },
      {
        name: "after",
        kind: "list",
        value: "ID",
        help: "start after job ID ends (not supported yet: there is no portable dependency option)",
      },
      {
        name: "cache-id",
        kind: "string",
        value: "ID",
        help: "the run's cache id (default: from the job)",
      },
      {
        name: "force",
        short: "f",
        kind: "boolean",
        help: "submit even when the cache holds the run",
      },
      { name: "no-retry", kind: "boolean", help: "keep a cached run that failed or was cancelled" },
      {
        name: "wait",
        short: "w",
        kind: "boolean",
        help: "then wait for the job (exit code 1 if it fails)",
      },
      { ...TIMEOUT_FLAG, help: "with --wait: stop waiting after this long (exit code 124)" },
      JSON_FLAG,
    ],
    examples: [
      "clusterjob submit hello.yaml",
      "clusterjob submit hello.yaml --cluster hpc --var n=20 --wait",
    ],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    if (args.list("after").length > 0) {
      throw new UsageError(
        "submit",
        "--after is not supported yet: clusterjob has no portable dependency option; " +
          "submit the job once the other has finished (clusterjob wait ID && clusterjob submit …)",
        { flag: "--after", value: args.list("after")[0]! },
      );
    }
    const timeout = args.string("timeout");
    if (timeout !== undefined && !args.boolean("wait")) {
      throw new UsageError("submit", "--timeout needs --wait", {
        flag: "--timeout",
        value: timeout,
      });
    }
    const timeoutMs = timeout === undefined ? undefined : parseSeconds("submit", timeout) * 1000;
    const config = await context.config();
    const cluster = findCluster(config, args.string("cluster"));
    const { job, cacheFolder } = await loadJob(context, {
      command: "submit",
      file: args.positionals[0]!,
      cluster,
      vars: args.list("var"),
      forCluster: true,
      onWarning: (warning) => context.err(`warning: ${warning.message}\n`),
    });
    if (!context.runsLocalScripts && (job.prologue !== "" || job.epilogue !== "")) {
      throw new CliError(
        `clusterjob submit: ${
          args.positionals[0]
        } has a prologue or an epilogue, which would run ` +
          "on your own machine: not in a simulated session (use a simulator cluster of the config file)",
        ExitCode.USAGE,
      );
    }
    const connections = new Connections(context);
    try {
      const connection = await connections.get(cluster);
      const transport = new CountingTransport(await connection.transport(job.remote));
      const cacheId = args.string("cache-id");
      const run = await job.submit({
        transport,
        cacheFolder: cacheFolder ?? cluster.runsFolder,
        force: args.boolean("force"),
        retry: !args.boolean("no-retry"),
        signal: context.signal,
        ...(cacheId === undefined ? {} : { cacheId }),
      });
      const submitted = transport.commands > 0;
      const file = run.cacheFile!;
      const record = (await readCacheFile(file))!;
      const name = file.split("/").pop()!.slice(0, -".json".length);
      let cached: CachedRun = {
        cluster,
        file,
        cacheId: name.startsWith(`${job.cachePrefix}.`)
          ? name.slice(job.cachePrefix.length + 1)
          : name,
        record,
      };
      const where = `${cluster.name} (${job.backend.name})`;
      context.err(
        submitted
          ? `Submitted ${job.name} as job ${run.jobId} to ${where}\n`
          : `${job.name} is job ${run.jobId} on ${where} already (cached, ${run.state}): not submitted again; --force submits anew\n`,
      );
      if (!args.boolean("json")) context.out(`${run.jobId}\n`);
      let code: ExitCodeValue = ExitCode.OK;
      if (args.boolean("wait")) {
        const { statuses, timedOut } = await waitWithProgress(context, [run], timeoutMs);
        cached = await reread(cached);
        code = timedOut
          ? ExitCode.TIMEOUT
          : allCompleted(statuses)
          ? ExitCode.OK
          : ExitCode.NOT_SUCCESSFUL;
        if (!args.boolean("json")) {
          context.out(runsTable([runJson(cached, await clusterNow(context, cluster, connection))]));
        }
      }
      if (args.boolean("json")) {
        const json = runJson(cached, await clusterNow(context, cluster, connection));
        context.out(runsDocument([json], { submitted }));
      }
      return code;
    } finally {
      await connections.closeAll();
    }
  },
};

/** A transport that counts the commands run through it (none: the run came from the cache). */
class CountingTransport implements Transport {
  readonly name: string;
  readonly clock: Transport["clock"];
  commands = 0;
  /** The inner transport's one-round-trip file writes, where it has them. */
  readonly writeFiles?: NonNullable<Transport["writeFiles"]>;
  readonly #inner: Transport;

  constructor(inner: Transport) {
    this.#inner = inner;
    this.name = inner.name;
    this.clock = inner.clock;
    if (inner.writeFiles) this.writeFiles = inner.writeFiles.bind(inner);
  }

  run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    this.commands++;
    return this.#inner.run(argv, options);
  }

  writeFile(path: string, text: string, options?: { mode?: number }): Promise<void> {
    return this.#inner.writeFile(path, text, options);
  }

  readFile(path: string): Promise<string> {
    return this.#inner.readFile(path);
  }

  mkdir(path: string, options?: { mode?: number }): Promise<void> {
    return this.#inner.mkdir(path, options);
  }

  remove(path: string): Promise<void> {
    return this.#inner.remove(path);
  }
}
