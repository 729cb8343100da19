/**
 * `clusterjob sim [--scheduler S] [--dialect D] [--script FILE]`: a simulated login node at the prompt, to
 * learn a scheduler's commands or to try a job on it before there is an account; with
 * `--script`, a session run from a file and printed as a transcript.
 *
 * @module
 */

import { SimCluster, type SimClusterOptions } from "../../sim/cluster.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { dialectProblem, SIMULATED_SCHEDULERS, type SimulatedScheduler } from "../config.ts";
import type { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { ExitCode, type ExitCodeValue } from "../exit_codes.ts";
import { readInput } from "../load_job.ts";
import { SimSession } from "../sim/session.ts";
import { runAtTerminal } from "../sim/terminal.ts";
import { parseSeconds } from "../_shared.ts";

/** The `sim` subcommand. */
export const sim: Command = {
  spec: {
    name: "sim",
    summary: "A simulated login node: type sbatch, qsub, bsub, qstat, … and clusterjob itself.",
    description: `
A prompt on a simulated cluster of the chosen scheduler: its own commands (sbatch, squeue,
sacct, scancel, scontrol, sinfo; qsub, qstat, qdel, …; bsub, bjobs, bkill, bhist; qacct),
a few of the login node's (cat, echo, ls, cd, mkdir, rm, write FILE … ., date), and
"clusterjob COMMAND" on the same cluster. Job scripts run with bash in a private sandbox
folder. Time is virtual: it stands still until "sleep 600" lets ten simulated minutes pass in
no time (--clock real: the wall clock). Type "help" at the prompt.

With --script FILE ("-": standard input), the lines of FILE are typed one by one and the
session is printed as a transcript: prompt and command, then the output. So is a session
whose input or output is not a terminal. At a terminal, the prompt has line editing and a
history (arrow keys, Ctrl-A/E/U/K/W), and Ctrl-C interrupts the command that runs (a sleep,
a clusterjob wait), not the session. The exit code is that of an "exit N" line, else 0.
Nothing is kept: each session starts on a new cluster. (A simulator cluster of the config
file keeps its state between commands: clusterjob submit job.yaml --cluster NAME, then
clusterjob wait.)`,
    positionals: [],
    flags: [
      {
        name: "scheduler",
        short: "s",
        kind: "string",
        value: "S",
        help: "the scheduler to simulate (default slurm)",
        choices: SIMULATED_SCHEDULERS,
      },
      {
        name: "dialect",
        kind: "string",
        value: "D",
        help: "the scheduler's dialect where there are several: lsf10 (default) or openlava",
      },
      {
        name: "script",
        kind: "string",
        value: "FILE",
        help: "type the lines of FILE and print the session",
      },
      {
        name: "execution",
        kind: "string",
        value: "MODE",
        help: "shell (default: jobs run with bash) or model (no process: --runtime, exit 0)",
        choices: ["shell", "model"],
      },
      {
        name: "runtime",
        kind: "string",
        value: "SECONDS",
        help: "model mode: how long every job runs (default 60)",
      },
      {
        name: "clock",
        kind: "string",
        value: "CLOCK",
        help: "virtual (default) or real",
        choices: ["virtual", "real"],
      },
    ],
    examples: [
      "clusterjob sim --scheduler pbspro",
      "clusterjob sim --scheduler lsf --script session.txt",
      "clusterjob sim --scheduler lsf --dialect openlava",
      "clusterjob sim --execution model --runtime 600",
    ],
  },
  async run(args: ParsedArgs, context: CliContext): Promise<ExitCodeValue> {
    const scheduler = (args.string("scheduler") ?? "slurm") as SimulatedScheduler;
    const dialect = args.string("dialect");
    const problem = dialect === undefined ? undefined : dialectProblem(scheduler, dialect);
    if (dialect !== undefined && problem !== undefined) {
      throw new UsageError(
        "sim",
        `--dialect ${dialect} with --scheduler ${scheduler}: it must be ${problem}`,
        {
          flag: "--dialect",
          value: dialect,
        },
      );
    }
    const execution = (args.string("execution") ?? "shell") as "shell" | "model";
    const runtime = args.string("runtime");
    if (runtime !== undefined && execution !== "model") {
      throw new UsageError("sim", "--runtime needs --execution model", {
        flag: "--runtime",
        value: runtime,
      });
    }
    const runtimeSeconds = runtime === undefined ? 60 : parseSeconds("sim", runtime, "--runtime");
    const script = args.string("script");
    const scriptText = script === undefined || script === "-"
      ? undefined
      : await readInput(context, script, "script");

    await using cluster = new SimCluster({
      scheduler,
      ...(dialect === undefined
        ? {}
        : { dialect: dialect as NonNullable<SimClusterOptions["dialect"]> }),
      execution,
      ...(execution === "model" ? { model: () => ({ runtimeSeconds, exitCode: 0 }) } : {}),
      clock: (args.string("clock") ?? "virtual") as "virtual" | "real",
    });
    const session = new SimSession({
      cluster,
      transport: cluster.transport(),
      ...(context.clusterjob === undefined ? {} : { clusterjob: context.clusterjob }),
    });

    if (script === undefined && Deno.stdin.isTerminal() && Deno.stdout.isTerminal()) {
      context.out(
        `A simulated ${scheduler}${
          dialect === undefined ? "" : ` (${dialect})`
        } cluster: login node ${cluster.engine.loginHost}, you are ${cluster.user}. ` +
          "Type help; exit or Ctrl-D ends the session.\n",
      );
      return clamp(await runAtTerminal(session, context.out));
    }
    const lines = scriptText !== undefined ? linesOf(scriptText) : stdinLines();
    for await (const line of lines) {
      context.out(
        session.writing ? `${line}\n` : line.trim() === "" ? "\n" : `${session.prompt}${line}\n`,
      );
      const result = await session.line(line, { out: context.out, signal: context.signal });
      if (result.exit !== undefined) return clamp(result.exit);
      if (context.signal.aborted) return ExitCode.INTERRUPTED;
    }
    return ExitCode.OK;
  },
};

/** An exit code of `exit N` as one of ours: 0–255 kept (they are the script's). */
function clamp(code: number): ExitCodeValue {
  return (code >= 0 && code <= 255 ? code : 2) as ExitCodeValue;
}

function* linesOf(text: string): Generator<string> {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  yield* lines;
}

/** The lines of standard input, as they arrive. */
async function* stdinLines(): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of Deno.stdin.readable) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
    }
  }
  buffered += decoder.decode();
  if (buffered !== "") yield buffered;
}
