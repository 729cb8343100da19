/**
 * The `clusterjob` command line: render, submit, watch and cancel jobs written as YAML job
 * files, on clusters named in `~/.config/clusterjob/config.yaml` — or on a simulated one.
 *
 * ```sh
 * deno install -g -A -n clusterjob jsr:@clusterjob/clusterjob/cli
 * # from a checkout, in its folder: deno install -g -A -n clusterjob --config deno.json --frozen=false ./cli.ts
 * clusterjob sim --scheduler pbspro       # a simulated login node to try every scheduler
 * clusterjob render job.yaml --all        # the script for SLURM, PBS, PBS Pro, LSF and SGE
 * clusterjob submit job.yaml --cluster hpc
 * clusterjob wait                         # 3/10 done: 2 completed, 1 failed
 * ```
 *
 * Subcommands: `render`, `submit`, `status`, `wait`, `cancel`, `list`, `clean`, `clusters`,
 * `sim`; `clusterjob COMMAND --help` says more. Exit codes are {@linkcode ExitCode}. It needs
 * Deno's `--allow-read`, `--allow-write` (config, job files, the runs' cache, a simulator's
 * sandbox), `--allow-env` (`HOME`, `XDG_*`), `--allow-run` (ssh, the scheduler's tools, bash for
 * a simulated cluster's jobs): `-A`.
 *
 * This module also exports what the command is built of (job files, the config, the argument
 * parser), for tools of your own.
 *
 * @example Run the command in-process
 * ```ts
 * import { main } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["--version"]), 0);
 * assert.equal(await main(["no-such-command"]), 2);
 * ```
 *
 * @module
 */

import { processContext } from "./cli/context.ts";
import { runCli } from "./cli/main.ts";

export { COMMANDS, overview, runCli, VERSION } from "./cli/main.ts";
export type { Command } from "./cli/command.ts";
export { ExitCode, type ExitCodeValue } from "./cli/exit_codes.ts";
export { CliError, exitCodeOf, InputFileError, NotFoundError, UsageError } from "./cli/errors.ts";
export {
  columns,
  type CommandSpec,
  type FlagSpec,
  formatHelp,
  HELP_FLAG,
  parseArgs,
  ParsedArgs,
  type PositionalSpec,
} from "./cli/args.ts";
export { JOB_FILE_KEYS, JobFile, parseJobFile } from "./cli/job_file.ts";
export {
  type CliConfig,
  type ClusterProfile,
  type ConfigPlaces,
  configPlaces,
  findCluster,
  loadConfig,
  localPath,
  localProfile,
  parseConfig,
  SIMULATED_SCHEDULERS,
  type SimulatedScheduler,
  type SimulatorSpec,
  type SshSpec,
} from "./cli/config.ts";
export {
  type CliContext,
  type ClusterConnection,
  connectCluster,
  Connections,
  processContext,
} from "./cli/context.ts";
export {
  type JobRequest,
  type LoadedJob,
  loadJob,
  type PreparedJob,
  prepareJob,
  readInput,
} from "./cli/load_job.ts";
export { formatAge, formatTable } from "./cli/table.ts";
export { ProgressDisplay, progressLine } from "./cli/progress.ts";
export {
  type CachedRun,
  matchesId,
  readRuns,
  type RunJson,
  runJson,
  runsDocument,
  runsTable,
  selectRuns,
} from "./cli/runs.ts";
export { SavedSimulator, simClusterOptions, SimulatorStateError } from "./cli/simulated_cluster.ts";
export {
  type LineOptions,
  type LineResult,
  type SessionOptions,
  SimSession,
} from "./cli/sim/session.ts";
export { type CommandLine, ShellSyntaxError, splitCommandLine } from "./cli/sim/shell_words.ts";
export { type EditorEvent, LineEditor } from "./cli/sim/line_editor.ts";

/**
 * Runs the `clusterjob` command in this process: standard output and error, the environment's
 * config, Ctrl-C aborting what runs (exit code 130).
 *
 * @example Usage
 * ```ts
 * import { main } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["render", "--bakend", "x"]), 2); // unknown flag: a usage error
 * ```
 *
 * @param args The arguments (default `Deno.args`).
 * @returns The exit code.
 */
export async function main(args: readonly string[] = Deno.args): Promise<number> {
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort(new DOMException("Interrupted", "AbortError"));
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onInterrupt);
    listening = true;
  } catch {
    // No signals here (e.g. Windows without a console): Ctrl-C then just ends the process.
  }
  try {
    return await runCli(args, processContext(interrupt.signal));
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

if (import.meta.main) Deno.exit(await main());
