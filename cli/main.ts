/**
 * The `clusterjob` command: picks the subcommand, parses its arguments, runs it, and turns
 * what it throws into a message on standard error and an exit code.
 *
 * @module
 */

import { nearestWords } from "../src/core/_edit_distance.ts";
import { formatHelp, parseArgs } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliContext } from "./context.ts";
import { exitCodeOf, UsageError } from "./errors.ts";
import { ExitCode, type ExitCodeValue } from "./exit_codes.ts";
import { cancel } from "./commands/cancel.ts";
import { clean } from "./commands/clean.ts";
import { clusters } from "./commands/clusters.ts";
import { list } from "./commands/list.ts";
import { render } from "./commands/render.ts";
import { sim } from "./commands/sim.ts";
import { status } from "./commands/status.ts";
import { submit } from "./commands/submit.ts";
import { wait } from "./commands/wait.ts";

/** The version of the command (that of the module). */
export const VERSION = "0.1.0";

/** The subcommands, in the order of the help. */
export const COMMANDS: readonly Command[] = [
  render,
  submit,
  status,
  wait,
  cancel,
  list,
  clean,
  clusters,
  sim,
];

/** The help of `clusterjob` itself. */
export function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.spec.name.length));
  return [
    "Usage: clusterjob COMMAND [flags] [arguments]",
    "",
    "Write an HPC job once (a YAML job file), render it for SLURM, PBS/Torque, PBS Pro, LSF or",
    "SGE, submit it, and follow it. Try it without a cluster: clusterjob sim --scheduler pbspro",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.spec.name.padEnd(width)}  ${command.spec.summary}`),
    "",
    'Run "clusterjob COMMAND --help" for a command\'s flags. Exit codes: 0 ok, 1 a run failed,',
    "2 usage error, 3 invalid input file, 4 cluster error, 5 no such run or cluster, 124 timeout,",
    "130 interrupted, 70 a bug in clusterjob.",
    "",
  ].join("\n");
}

/**
 * Runs `clusterjob` with arguments in a context.
 *
 * @param argv The arguments (without the program name).
 * @param context Output, config, clusters.
 * @returns The exit code.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCodeValue> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    const command = COMMANDS.find((c) => c.spec.name === topic);
    if (topic !== undefined && command === undefined) return fail(context, unknownCommand(topic));
    context.out(command === undefined ? overview() : formatHelp(command.spec));
    return ExitCode.OK;
  }
  if (name === "--version" || name === "-V") {
    context.out(`clusterjob ${VERSION}\n`);
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (command === undefined) return fail(context, unknownCommand(name));
  try {
    const args = parseArgs(rest, command.spec);
    if (args.boolean("help")) {
      context.out(formatHelp(command.spec));
      return ExitCode.OK;
    }
    return await command.run(args, { ...context, clusterjob: runCli });
  } catch (error) {
    return fail(context, error);
  }
}

function unknownCommand(name: string): UsageError {
  const names = COMMANDS.map((command) => command.spec.name);
  const near = nearestWords(name, names, (word) => (word.length <= 4 ? 1 : 2));
  const hint = near.length > 0
    ? `; did you mean "${near[0]}"?`
    : `; the commands are ${names.join(", ")}`;
  return new UsageError("", `unknown command "${name}"${hint}`, { value: name });
}

/** Writes the error's message and returns its exit code. */
function fail(context: CliContext, error: unknown): ExitCodeValue {
  if (context.signal.aborted) {
    context.err("clusterjob: interrupted\n");
    return ExitCode.INTERRUPTED;
  }
  const code = exitCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) {
    const help = error.command === "" ? "clusterjob --help" : `clusterjob ${error.command} --help`;
    context.err(`${message}\nRun "${help}" for usage.\n`);
  } else if (code === ExitCode.INTERNAL) {
    const stack = error instanceof Error && error.stack ? `\n${error.stack}` : "";
    context.err(
      `clusterjob: unexpected error (a bug in clusterjob; please report it): ${message}${stack}\n`,
    );
  } else {
    context.err(message.startsWith("clusterjob") ? `${message}\n` : `clusterjob: ${message}\n`);
  }
  return code;
}
