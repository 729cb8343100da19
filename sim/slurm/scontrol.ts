/**
 * `scontrol`: `show job|partition|node` (multi-line records or `-o` one-liners, built in
 * `_scontrol_records.ts`), `hold`, `uhold`, `release`, `ping` and `version`, as SLURM 22.05
 * prints them (`src/scontrol/scontrol.c`).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import { answerFailures, CommandFailure, fail, ok } from "../_common/command_result.ts";
import { ranges } from "../_common/format.ts";
import type { SimJob } from "../types.ts";
import type { SimCommand, SimEngineApi } from "../emulator.ts";
import {
  controllerJobs,
  foldArrayRemainders,
  inController,
  jobsNamed,
  reprioritize,
  VERSION,
} from "./_jobs.ts";
import { type JobIdArg, parseJobIdArg } from "./_parse.ts";
import { jobRecord, nodeRecord, partitionRecord, recordText } from "./_scontrol_records.ts";

/** What scontrol is asked to do. */
export type ScontrolRequest =
  | { verb: "version" | "ping" }
  | { verb: "show-job"; job: JobIdArg | undefined; oneLiner: boolean }
  | { verb: "show-partition" | "show-node"; name: string | undefined; oneLiner: boolean }
  | { verb: "hold" | "uhold" | "release"; ids: string[] };

/**
 * Parses scontrol's arguments: leading flags (`-o`, `-V`, ignored `-d`/`-a`), then a verb and
 * its words. Throws {@linkcode CommandFailure} for an unknown flag, verb or entity, or a
 * malformed id of `show job`, with scontrol's message.
 */
export function parseScontrolArgs(args: readonly string[]): ScontrolRequest {
  let oneLiner = false;
  let at = 0;
  for (; args[at]?.startsWith("-"); at++) {
    const flag = args[at]!;
    if (flag === "-o" || flag === "--oneliner") oneLiner = true;
    else if (flag === "-V" || flag === "--version") return { verb: "version" };
    else if (!["-d", "--details", "-a", "--all"].includes(flag)) {
      throw new CommandFailure(
        1,
        `scontrol: unrecognized option '${flag}'\nTry "scontrol --help" for more information\n`,
      );
    }
  }
  const [verb = "", ...words] = args.slice(at);
  switch (verb.toLowerCase()) {
    case "ping":
    case "version":
      return { verb: verb.toLowerCase() as "ping" | "version" };
    case "show":
      return parseShow(words, oneLiner);
    case "hold":
    case "uhold":
    case "release":
      return {
        verb: verb.toLowerCase() as "hold" | "uhold" | "release",
        ids: words.join(",").split(",").filter((p) => p !== ""),
      };
    default:
      throw new CommandFailure(1, `invalid keyword: ${verb}\n`);
  }
}

function parseShow(words: readonly string[], oneLiner: boolean): ScontrolRequest {
  const [entity = "", id] = words;
  switch (entity.toLowerCase()) {
    case "job":
    case "jobs": {
      const job = id === undefined ? undefined : parseJobIdArg(id);
      if (id !== undefined && job === undefined) {
        throw new CommandFailure(1, `Invalid job id specified: ${id}\n`);
      }
      return { verb: "show-job", job, oneLiner };
    }
    case "partition":
    case "partitions":
      return { verb: "show-partition", name: id, oneLiner };
    case "node":
    case "nodes":
      return { verb: "show-node", name: id, oneLiner };
    default:
      throw new CommandFailure(1, `invalid entity:${entity} for keyword:show \n`);
  }
}

/**
 * `scontrol [-o] show job|partition|node [ID]`, `scontrol hold|uhold|release IDS`, `scontrol ping`.
 */
export const scontrol: SimCommand = (ctx) =>
  answerFailures(() => {
    const engine = ctx.engine;
    const request = parseScontrolArgs(ctx.args);
    switch (request.verb) {
      case "version":
        return ok(`${VERSION}\n`);
      case "ping":
        return ok(`Slurmctld(primary) at ${engine.loginHost} is UP\n`);
      case "show-job":
        return showJobs(engine, request.job, request.oneLiner);
      case "show-partition":
        return showNamed(engine.queues, request.name, "Partition", (queue) =>
          recordText(partitionRecord(engine, queue), request.oneLiner, "other"));
      case "show-node":
        return showNamed(engine.nodes, request.name, "Node", (node) =>
          recordText(nodeRecord(engine, node), request.oneLiner, "other"));
      default:
        return holdOrRelease(engine, request.verb, request.ids);
    }
  });

/** The partitions or nodes, or the one named; `Partition x not found` when there is none. */
function showNamed<T extends { name: string }>(
  items: readonly T[],
  name: string | undefined,
  what: string,
  record: (item: T) => string,
): CommandOutput {
  const text = items.filter((item) => name === undefined || item.name === name).map(record);
  return ok(text.join("") || `${what} ${name} not found\n`);
}

/**
 * `show job [ID]`: every job slurmctld holds, or those of the id; `N_T` of a pending remainder
 * shows just that task (recordings 087, 093, 135, 147).
 */
function showJobs(
  engine: SimEngineApi,
  id: JobIdArg | undefined,
  oneLiner: boolean,
): CommandOutput {
  let jobs: SimJob[];
  if (id === undefined) {
    jobs = controllerJobs(engine);
    if (jobs.length === 0) return ok("No jobs in the system\n");
  } else {
    jobs = jobsNamed(engine, id);
    if (id.task !== undefined && jobs.length > 0) {
      const job = jobs[0]!;
      if (!inController(engine, job)) {
        return fail(1, "slurm_load_jobs error: Invalid job id specified\n");
      }
      return ok(recordText(jobRecord(engine, job, String(id.task)), oneLiner, "job"));
    }
  }
  const records = showOrder(engine, jobs);
  if (records.length === 0) return fail(1, "slurm_load_jobs error: Invalid job id specified\n");
  return ok(
    records.map((r) => recordText(jobRecord(engine, r.job, r.taskText), oneLiner, "job")).join(""),
  );
}

/**
 * The records scontrol prints: each pending array remainder first, then the others, newest first.
 */
function showOrder(
  engine: SimEngineApi,
  jobs: readonly SimJob[],
): Array<{ job: SimJob; taskText?: string }> {
  const held = jobs.filter((job) => inController(engine, job));
  const { remainders, others } = foldArrayRemainders(held);
  return [
    ...remainders.map((r) => ({ job: r.first, taskText: ranges(r.indices) })),
    ...others.sort((a, b) => b.id - a.id).map((job) => ({ job })),
  ];
}

/**
 * `hold`, `uhold`, `release` of each id, reporting those slurmctld does not hold or that no
 * longer pend (recordings 063, 064, 066, 140). A released job gets the next priority.
 */
function holdOrRelease(
  engine: SimEngineApi,
  verb: "hold" | "uhold" | "release",
  ids: readonly string[],
): CommandOutput {
  let stderr = "";
  for (const part of ids) {
    const id = parseJobIdArg(part);
    const jobs = id === undefined
      ? []
      : jobsNamed(engine, id).filter((j) => inController(engine, j));
    if (jobs.length === 0) stderr += `Invalid job id specified for job ${part}\n`;
    else if (!jobs.some((j) => j.state === "PENDING")) {
      stderr += `Job has already finished for job ${part}\n`;
    } else if (verb === "release") {
      const released = engine.release(id!.id);
      if (released[0] !== undefined) reprioritize(engine, released[0]);
    } else {
      // `hold` by root is an admin hold (recording 065: JobHeldAdmin); the emulator tells root
      // by the job's owner. `uhold` holds as the user.
      engine.hold(id!.id, verb === "hold" && jobs[0]!.request.user === "root" ? "admin" : "user");
    }
  }
  if (stderr === "") return ok("");
  return fail(1, stderr + "slurm_suspend error: Invalid job id specified\n");
}
