/**
 * `bhist` of IBM Spectrum LSF: the history of jobs from the event log (`lsb.events`), which
 * keeps finished jobs long after `bjobs` forgot them (CLEAN_PERIOD). The simulator's event log
 * is never switched or trimmed, so every job ever submitted is found, with or without `-n`.
 * Supported: `-l` (long format) and the default summary table with `-w` (`_history.ts`),
 * `-a`/`-d`/`-e`/`-p`/`-r`/`-s`, `-u user|all`, `-q`, `-J`, `-P`, `-n N` (accepted; one log
 * file), job ids (`12`, `12[3]`: all users and states). {@linkcode parseBhist} reads the
 * arguments.
 *
 * Sources: IBM Spectrum LSF 10.1 Command Reference "bhist" (synopsis, the usage text, `-n 0` =
 * all event log files, job ids imply `-a` for all users); OpenLava `lsbatch/cmd/bhist.c`
 * (`No matching job found` on stdout and exit 255, `perror` of the event log file).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimJob } from "../types.ts";
import type { SimCommandContext, SimEngineApi } from "../emulator.ts";
import { getopt, type OptionSpec } from "../_common/getopt.ts";
import { isSelected, type JobSelection, jobsOfOperands } from "./_jobs.ts";
import { historyOf, longFormat, summaryTable } from "./_history.ts";
import { answerFailures, CommandFailure, ok } from "../_common/command_result.ts";
import { LSF10, type LsfDialect } from "./dialect.ts";

/** Where the simulated cluster keeps its event log (LSB_SHAREDIR/cluster_name/logdir). */
export const EVENT_LOG = "/usr/share/lsf/work/cluster1/logdir/lsb.events";

const OPTIONS: OptionSpec[] = [
  ..."ladeprsw".split("").map((letter): OptionSpec => ({
    key: letter,
    short: letter,
    arg: "none",
  })),
  ..."nuqJP".split("").map((letter): OptionSpec => ({
    key: letter,
    short: letter,
    arg: "required",
  })),
];

const USAGE = "Usage: bhist [-h] [-V] [-l] [-b] [-w] [-a] [-d] [-e] [-p] [-s] [-r] \n" +
  "             [-f logfile_name | -n num_logfiles | -n min_logfile, max_logfile]\n" +
  "             [-C time0,time1] [-S time0,time1] [-D time0,time1]\n" +
  "             [-N host_spec] [-P project_name]\n" +
  "             [-q queue_name] [-m host_name] [-J job_name]\n" +
  '             [-u user_name | -u all] [jobId | "jobId[index]" ...]\n' +
  "       bhist [-h] [-V] -t [-f logfile_name] [-T time0,time1]\n";

/** The state selections of bhist. */
const STATE_FLAGS = ["a", "d", "e", "p", "r", "s"] as const;

/**
 * A state selection: `-a` all, `-d` finished, `-e` exited, `-p` pending, `-r` running, `-s`
 * suspended.
 */
export type BhistStateFlag = typeof STATE_FLAGS[number];

/** What `bhist` was asked (`-u`, `-q`, `-J`, `-P`: see {@linkcode JobSelection}). */
export interface BhistOptions extends JobSelection {
  /** `-l`: the long format. */
  long: boolean;
  /** `-w`: the summary table without truncation. */
  wide: boolean;
  /** The state selections given. */
  states: Set<BhistStateFlag>;
  /** Job ids. */
  operands: string[];
}

/**
 * Parses bhist's arguments (`-n` is checked and ignored: the simulator has one event log);
 * throws {@linkcode CommandFailure} (exit 255) on bad ones.
 */
export function parseBhist(args: readonly string[]): BhistOptions {
  const parsed = getopt(args, OPTIONS, false);
  if (parsed.error) throw new CommandFailure(255, `bhist: ${parsed.error.message}\n${USAGE}`);
  const flags = new Set(parsed.options.map((option) => option.key));
  const values = new Map(parsed.options.map((option) => [option.key, option.value]));
  const logFiles = values.get("n");
  if (logFiles !== undefined && !/^\d+(?:,\d+)?$/.test(logFiles)) {
    throw new CommandFailure(
      255,
      "bhist: The number of event log files must be a positive integer.\n",
    );
  }
  const options: BhistOptions = {
    long: flags.has("l"),
    wide: flags.has("w"),
    states: new Set(STATE_FLAGS.filter((letter) => flags.has(letter))),
    operands: parsed.positionals,
  };
  const selections = [["u", "user"], ["q", "queue"], ["J", "name"], ["P", "project"]] as const;
  for (const [letter, key] of selections) {
    const value = values.get(letter);
    if (value !== undefined) options[key] = value;
  }
  return options;
}

/** Whether a job passes the state selections (none: unfinished jobs). */
function stateSelected(status: string, states: ReadonlySet<BhistStateFlag>): boolean {
  if (states.has("a")) return true;
  const finished = status === "DONE" || status === "EXIT";
  if (states.size === 0) return !finished;
  return (states.has("d") && finished) || (states.has("e") && status === "EXIT") ||
    (states.has("p") && (status === "PEND" || status === "PSUSP")) ||
    (states.has("r") && status === "RUN") ||
    (states.has("s") && (status === "USUSP" || status === "SSUSP"));
}

/** The jobs bhist reports: those of the ids (every user and state), else the selected ones. */
function selectedJobs(
  engine: SimEngineApi,
  options: BhistOptions,
  caller: string,
  logged: Pick<ReadonlySet<SimJob>, "has">,
): SimJob[] {
  if (options.operands.length === 0) {
    // The event log keeps every job.
    return engine.jobs().filter((job) =>
      isSelected(job, options, caller) &&
      stateSelected(historyOf(job, logged).status, options.states)
    );
  }
  // Job ids: every user, every state (bhist sets OPT_ALLUSERS and OPT_ALL for ids).
  const { selected, bad } = jobsOfOperands((id) => engine.find(id), options.operands);
  if (bad !== undefined) throw new CommandFailure(255, `${bad}: Bad job ID\n`);
  return selected.sort((a, b) => a.id - b.id);
}

/** Runs `bhist` (LSF 10's records unless another dialect is given). */
export function bhist(ctx: SimCommandContext, dialect: LsfDialect = LSF10): CommandOutput {
  return answerFailures(() => {
    const options = parseBhist(ctx.args);
    const engine = ctx.engine;
    const now = engine.now();
    const logged = { has: (job: SimJob) => engine.knownToAccounting(job) };
    const selected = selectedJobs(engine, options, ctx.user, logged);
    if (selected.length === 0) return { code: 255, stdout: "No matching job found\n", stderr: "" };
    const histories = selected.map((job) => historyOf(job, logged));
    const stdout = options.long
      ? longFormat(histories, now, dialect)
      : summaryTable(histories, now, options.wide);
    return ok(stdout);
  });
}
