/**
 * `scancel`: jobs, array tasks (`12_3`) or whole arrays by id, or every active job matching
 * `-u`/`--me`, `-n`, `-t`, `-p`. Silent like SLURM 22.05 unless `-v`, which also reports ids
 * slurmctld no longer knows (recordings 059, 060, 136 to 139).
 *
 * @module
 */

import { answerFailures, CommandFailure, ok, uidOf } from "../_common/command_result.ts";
import { isFinishedState } from "../engine/engine.ts";
import type { SimCommand, SimCommandContext } from "../emulator.ts";
import { ALL_STATE_WORDS, inController } from "./_jobs.ts";
import { type JobIdArg, optionTable, parseCommandLine, parseJobIds } from "./_parse.ts";

/** The options scancel accepts (`src/scancel/opt.c`), read once by `optionTable` (`_parse.ts`). */
const SCANCEL_OPTIONS = optionTable(`
  verbose|v user|u: name|n: state|t: partition|p: signal|s: quiet|Q me batch|b full|f
`);

/** What scancel's options ask for; `undefined`: not given. */
export interface ScancelOptions {
  /** `-v`. */
  verbose: boolean;
  /** The job id operands (a list may be comma-separated), as given and parsed. */
  ids: Array<{ text: string; id: JobIdArg }>;
  /** The filters, which select the jobs when no id is given. */
  filters: {
    /** `-u`. */
    user: string | undefined;
    /** `--me`, which wins over `-u`. */
    me: boolean;
    /** `-n`. */
    name: string | undefined;
    /** `-t` as a long state name; an unknown word filters nothing. */
    state: string | undefined;
    /** `-p`. */
    partition: string | undefined;
  };
}

/**
 * Parses scancel's arguments. Throws {@linkcode CommandFailure} for a bad option or job id,
 * or when neither an id nor a filter is given, with scancel's message (`src/scancel/opt.c`).
 */
export function parseScancelArgs(args: readonly string[]): ScancelOptions {
  const line = parseCommandLine("scancel", args, SCANCEL_OPTIONS);
  const texts = line.operands.flatMap((p) => p.split(",")).filter((p) => p !== "");
  const filtered = ["user", "me", "name", "state", "partition"].some((key) => line.has(key));
  if (texts.length === 0 && !filtered) {
    throw new CommandFailure(1, "scancel: error: No job identification provided\n");
  }
  const ids = parseJobIds(texts, (text) => `scancel: error: Invalid job id ${text}\n`);
  const state = line.value("state");
  return {
    verbose: line.has("verbose"),
    ids: texts.map((text, i) => ({ text, id: ids[i]! })),
    filters: {
      user: line.value("user"),
      me: line.has("me"),
      name: line.value("name"),
      state: state === undefined ? undefined : ALL_STATE_WORDS.get(state.toUpperCase()),
      partition: line.value("partition"),
    },
  };
}

/** `scancel [-v] [-u USER | --me] [-n NAME] [-t STATE] [-p PART] [IDS...]`. */
export const scancel: SimCommand = (ctx) =>
  answerFailures(() => {
    const options = parseScancelArgs(ctx.args);
    if (options.ids.length === 0) {
      cancelMatching(ctx, options.filters);
      return ok("");
    }
    const engine = ctx.engine;
    const uid = uidOf(ctx.user);
    let stderr = "";
    for (const { text, id } of options.ids) {
      if (options.verbose) stderr += `scancel: Terminating job ${text}\n`;
      // A job slurmctld no longer holds is an error only `-v` reports (recording 137).
      if (!engine.find(id.id).some((j) => inController(engine, j))) {
        if (options.verbose) {
          stderr += `scancel: error: Kill job error on job id ${text}: Invalid job id specified\n`;
        }
        continue;
      }
      engine.cancel(id.id, { uid, ...(id.task === undefined ? {} : { taskId: id.task }) });
    }
    return ok("", stderr);
  });

/** Cancels every active job the filters match, task by task. */
function cancelMatching(ctx: SimCommandContext, filters: ScancelOptions["filters"]): void {
  const user = filters.me ? ctx.user : filters.user;
  const uid = uidOf(ctx.user);
  for (const job of ctx.engine.jobsSince(ctx.engine.now())) {
    if (isFinishedState(job.state)) continue;
    if (user !== undefined && job.request.user !== user) continue;
    if (filters.name !== undefined && job.request.name !== filters.name) continue;
    if (filters.state !== undefined && job.state !== filters.state) continue;
    if (filters.partition !== undefined && job.queue !== filters.partition) continue;
    ctx.engine.cancel(job.arrayJobId ?? job.id, {
      uid,
      ...(job.arrayTaskId === undefined ? {} : { taskId: job.arrayTaskId }),
    });
  }
}
