/**
 * `scancel`: jobs, array tasks (`12_3`) or whole arrays by id, or every active job matching
 * `-u`/`--me`, `-n`, `-t`, `-p`. Silent like SLURM 22.05 unless `-v`, which also reports ids
 * slurmctld no longer knows.
 *
 * @module
 */

import { fail, ok, uidOf } from "../_common/command_result.ts";
import { getopt, type OptionSpec } from "../_common/getopt.ts";
import { isFinishedState } from "../engine/engine.ts";
import type { SimCommand } from "../types.ts";
import { ALL_STATE_WORDS, inController } from "./_jobs.ts";
import { type JobIdArg, lastValue, parseJobIdArg } from "./_parse.ts";

const SCANCEL_OPTIONS: OptionSpec[] = [
  { key: "verbose", long: "verbose", short: "v", arg: "none" },
  { key: "user", long: "user", short: "u", arg: "required" },
  { key: "name", long: "name", short: "n", arg: "required" },
  { key: "state", long: "state", short: "t", arg: "required" },
  { key: "partition", long: "partition", short: "p", arg: "required" },
  { key: "signal", long: "signal", short: "s", arg: "required" },
  { key: "quiet", long: "quiet", short: "Q", arg: "none" },
  { key: "me", long: "me", arg: "none" },
  { key: "batch", long: "batch", short: "b", arg: "none" },
  { key: "full", long: "full", short: "f", arg: "none" },
];

/** `scancel [-v] [-u USER | --me] [-n NAME] [-t STATE] [-p PART] [IDS...]`. */
export const scancel: SimCommand = (ctx) => {
  const parsed = getopt(ctx.args, SCANCEL_OPTIONS, false);
  if (parsed.error !== undefined) {
    return fail(1, `scancel: ${parsed.error.message}\nTry "scancel --help" for more information\n`);
  }
  const has = (key: string) => parsed.options.some((o) => o.key === key);
  const get = (key: string) => lastValue(parsed.options, key);
  const verbose = has("verbose");
  const engine = ctx.engine;
  const uid = uidOf(ctx.user);
  const ids = parsed.positionals.flatMap((p) => p.split(",")).filter((p) => p !== "");
  const filtered = get("user") !== undefined || has("me") || get("name") !== undefined ||
    get("state") !== undefined || get("partition") !== undefined;
  if (ids.length === 0 && !filtered) {
    return fail(1, "scancel: error: No job identification provided\n");
  }
  const parsedIds: JobIdArg[] = [];
  for (const text of ids) {
    const id = parseJobIdArg(text);
    if (id === undefined) return fail(1, `scancel: error: Invalid job id ${text}\n`);
    parsedIds.push(id);
  }
  let stderr = "";
  if (ids.length === 0) {
    const user = has("me") ? ctx.user : get("user");
    const name = get("name");
    const state = get("state") === undefined
      ? undefined
      : ALL_STATE_WORDS.get(get("state")!.toUpperCase());
    for (const job of engine.jobs()) {
      if (isFinishedState(job.state)) continue;
      if (user !== undefined && job.request.user !== user) continue;
      if (name !== undefined && job.request.name !== name) continue;
      if (state !== undefined && job.state !== state) continue;
      if (get("partition") !== undefined && job.queue !== get("partition")) continue;
      engine.cancel(job.arrayJobId ?? job.id, {
        uid,
        ...(job.arrayTaskId === undefined ? {} : { taskId: job.arrayTaskId }),
      });
    }
    return ok("");
  }
  for (let i = 0; i < parsedIds.length; i++) {
    const id = parsedIds[i]!;
    const text = ids[i]!;
    if (verbose) stderr += `scancel: Terminating job ${text}\n`;
    const known = engine.find(id.id).filter((j) => inController(engine, j));
    if (known.length === 0) {
      if (verbose) {
        stderr += `scancel: error: Kill job error on job id ${text}: Invalid job id specified\n`;
      }
      continue;
    }
    engine.cancel(id.id, { uid, ...(id.task === undefined ? {} : { taskId: id.task }) });
  }
  return ok("", stderr);
};
