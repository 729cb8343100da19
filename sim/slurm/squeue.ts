/**
 * `squeue`: the jobs slurmctld still holds, filtered by `-j`, `-t`, `-u`, `-p`, `-n`, in the
 * default, `-l`, `-o` (`%.18i`-style) or `-O` (long names) layouts (`_squeue_format.ts`),
 * ordered and folded as SLURM 22.05 prints them (a pending array remainder on one line as
 * `12_[3-9%2]`).
 *
 * @module
 */

import { answerFailures, CommandFailure, ok } from "../_common/command_result.ts";
import { ctime, ranges } from "../_common/format.ts";
import { isFinishedState } from "../engine/engine.ts";
import type { SimJob, SimJobState } from "../types.ts";
import type { SimCommand, SimCommandContext, SimEngineApi, SimStateKey } from "../emulator.ts";
import {
  ALL_STATE_WORDS,
  controllerJobs,
  foldArrayRemainders,
  inController,
  isPendingRemainder,
  LONG_STATE,
  priorityOf,
  VALID_STATES,
  VERSION,
} from "./_jobs.ts";
import { optionTable, parseCommandLine, scanJobIdList } from "./_parse.ts";
import {
  headerLine,
  type Layout,
  type Listing,
  listingText,
  parseFormat,
  parseLongFormat,
  type QueueRecord,
} from "./_squeue_format.ts";

/** The options squeue accepts (`src/squeue/opts.c`), read once by `optionTable` (`_parse.ts`). */
const SQUEUE_OPTIONS = optionTable(`
  noheader|h format|o: Format|O: jobs|j:: states|t: user|u: me array|r long|l partition|p:
  name|n: all|a version|V sort|S: verbose|v
`);

/** The default layouts, in `-o` letters (`src/squeue/squeue.c` builds them as `-O` names). */
const DEFAULT_FORMAT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
const LONG_FORMAT = "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R";

/**
 * `-j`'s ids, compactly (a poll names 16,000 at a time): the ids in order, and the array task of
 * those that name one (`12_3`), by position.
 */
export interface SqueueJobIds {
  /** The job (or array) ids, in the order named. */
  ids: number[];
  /** Position in `ids` → the task it names; absent when none names a task. */
  tasks?: Map<number, number>;
}

/** What squeue's options ask for; `undefined`: not given. */
export interface SqueueOptions {
  /** `-j`: the ids (a bare `-j` takes the operands). */
  jobs: SqueueJobIds | undefined;
  /** `-t`: long state names, or `all`; not given: active jobs only. */
  states: ReadonlySet<string> | "all" | undefined;
  /** `-u` names, checked against the known users when squeue runs. */
  users: string[] | undefined;
  /** `--me`. */
  me: boolean;
  /** `-p`. */
  partitions: string[] | undefined;
  /** `-n`. */
  names: string[] | undefined;
  /** `-r`: one line per array task. */
  perTask: boolean;
  /** `-o`. */
  format: string | undefined;
  /** `-O`, which wins over `-o`. */
  longFormat: string | undefined;
  /** `-l`. */
  long: boolean;
  /** `-h`. */
  noHeader: boolean;
}

/**
 * Parses squeue's arguments; `"version"` for `-V`. Throws {@linkcode CommandFailure} for a
 * bad option, job id or state, with squeue's message (`src/squeue/opts.c`; recordings 132, 134).
 */
export function parseSqueueArgs(args: readonly string[]): SqueueOptions | "version" {
  const line = parseCommandLine("squeue", args, SQUEUE_OPTIONS);
  if (line.has("version")) return "version";
  const list = (key: string) => line.value(key)?.split(",");
  return {
    jobs: line.has("jobs") ? jobIds([line.value("jobs") ?? "", ...line.operands]) : undefined,
    states: states(line.value("states")),
    users: list("user"),
    me: line.has("me"),
    partitions: list("partition"),
    names: list("name"),
    perTask: line.has("array"),
    format: line.value("format"),
    longFormat: line.value("Format"),
    long: line.has("long"),
    noHeader: line.has("noheader"),
  };
}

/** `-j`'s ids: its value and, for a bare `-j`, the operands. */
function jobIds(words: readonly string[]): SqueueJobIds {
  const named: SqueueJobIds = { ids: [] };
  scanJobIdList(words, (part) => `squeue: error: Invalid job id: ${part}\n`, (id, task) => {
    if (task !== undefined) (named.tasks ??= new Map()).set(named.ids.length, task);
    named.ids.push(id);
  });
  return named;
}

/** `-t`'s states as long names (compact ones too, any case), or `all`. */
function states(text: string | undefined): ReadonlySet<string> | "all" | undefined {
  if (text === undefined) return undefined;
  if (text.toLowerCase() === "all") return "all";
  return new Set(
    text.split(",").map((word) => {
      const state = ALL_STATE_WORDS.get(word.toUpperCase());
      if (state !== undefined) return state;
      throw new CommandFailure(
        1,
        `squeue: error: Invalid job state specified: ${word}\nsqueue: error: Valid job states include: ${VALID_STATES}\n\n`,
      );
    }),
  );
}

/**
 * `squeue [-h] [-l] [-o FORMAT | -O FIELDS] [-j IDS] [-t STATES] [-u USERS] [-p PARTS] [-n NAMES]
 * [-r]`.
 */
export const squeue: SimCommand = (ctx) =>
  answerFailures(() => {
    const options = parseSqueueArgs(ctx.args);
    if (options === "version") return ok(`${VERSION}\n`);
    const users = userFilter(ctx, options);
    const wanted = users.wanted;
    const selected = candidates(ctx, options.jobs, (job) =>
      (options.states === undefined
        ? !isFinishedState(job.state)
        : options.states === "all" || options.states.has(job.state)) &&
      (wanted === undefined || wanted.has(job.request.user)) &&
      (options.partitions === undefined || options.partitions.includes(job.queue)) &&
      (options.names === undefined || options.names.includes(job.request.name)));
    const listing = queueListing(selected, options.perTask);
    const layout = layoutOf(options);
    const defaultLong = options.long && options.format === undefined &&
      options.longFormat === undefined;
    // `-l` without `-o` or `-O` starts with the time (recording 038).
    const time = defaultLong && !options.noHeader ? `${ctime(ctx.engine.now())}\n` : "";
    const header = options.noHeader ? "" : `${headerLine(layout)}\n`;
    return ok(listingText(time + header, layout, listing, ctx.engine), users.stderr);
  });

/**
 * The users `-u` and `--me` keep; an unknown name is reported and dropped (squeue goes on, as
 * recording 133 shows).
 */
function userFilter(
  ctx: SimCommandContext,
  options: SqueueOptions,
): { wanted: Set<string> | undefined; stderr: string } {
  let wanted = options.me ? new Set([ctx.user]) : undefined;
  let stderr = "";
  if (options.users === undefined) return { wanted, stderr };
  wanted ??= new Set();
  const known = knownUsers(ctx.engine);
  for (const user of options.users) {
    if (known.has(user) || user === "root" || user === ctx.user || /^\d+$/.test(user)) {
      wanted.add(user);
    } else stderr += `squeue: error: Invalid user: ${user}\n\n`;
  }
  return { wanted, stderr };
}

/** Every user who submitted a job, kept up to date by reading only the jobs added since. */
const KNOWN_USERS: SimStateKey<{ seen: number; users: Set<string> }> = {
  name: "slurm known users",
  init: () => ({ seen: 0, users: new Set() }),
};

/** Every user who submitted a job to this cluster (squeue knows them; `-u` checks against them). */
function knownUsers(engine: SimEngineApi): ReadonlySet<string> {
  const known = engine.state(KNOWN_USERS);
  const jobs = engine.jobs();
  for (; known.seen < jobs.length; known.seen++) known.users.add(jobs[known.seen]!.request.user);
  return known.users;
}

/**
 * The jobs slurmctld still holds, or those of them `-j` names, that `keep` keeps, each once in
 * the order named; `-j` fails only when it names none that slurmctld holds (recordings 044,
 * 130). One pass, without an intermediate list: a poll names up to 16,000 ids per call.
 */
function candidates(
  ctx: SimCommandContext,
  wanted: SqueueJobIds | undefined,
  keep: (job: SimJob) => boolean,
): SimJob[] {
  const engine = ctx.engine;
  if (wanted === undefined) return controllerJobs(engine).filter(keep);
  const jobs: SimJob[] = [];
  let held = false;
  // A job outside an array is found by its own id only, so ids in increasing order cannot name
  // it twice: the set of jobs seen is needed for array tasks, or once the ids go back.
  let seen: Set<SimJob> | undefined;
  let previous = -1;
  const { ids, tasks } = wanted;
  for (let position = 0; position < ids.length; position++) {
    const id = ids[position]!;
    const task = tasks?.get(position);
    if (id <= previous && seen === undefined) seen = new Set(jobs);
    previous = id;
    for (const job of engine.find(id)) {
      if (task !== undefined && job.arrayTaskId !== task) continue;
      if (!inController(engine, job)) continue;
      held = true;
      if (seen !== undefined || job.arrayJobId !== undefined) {
        seen ??= new Set(jobs);
        if (seen.has(job)) continue;
        seen.add(job);
      }
      if (keep(job)) jobs.push(job);
    }
  }
  if (!held && ids.length > 0) {
    throw new CommandFailure(1, "slurm_load_jobs error: Invalid job id specified\n");
  }
  return jobs;
}

/** The layout of `-O`, `-o`, `-l` or the default. */
function layoutOf(options: SqueueOptions): Layout {
  const layout = options.longFormat !== undefined
    ? parseLongFormat(options.longFormat)
    : parseFormat(options.format ?? (options.long ? LONG_FORMAT : DEFAULT_FORMAT));
  if (typeof layout === "string") {
    throw new CommandFailure(1, `squeue: error: Invalid job format specification: ${layout}\n`);
  }
  return layout;
}

/** Each state's place when the long state names are sorted as strings. */
const STATE_RANK = new Map(
  (Object.keys(LONG_STATE) as SimJobState[])
    .sort((a, b) => LONG_STATE[a] < LONG_STATE[b] ? -1 : LONG_STATE[a] > LONG_STATE[b] ? 1 : 0)
    .map((state, rank) => [state, rank]),
);

/**
 * Orders jobs as squeue does by default (`P,t,-p` in `src/squeue/sort.c`: partition, state,
 * then priority; the emulator orders by state name, then priority, then id) and, without `-r`,
 * folds each array's pending remainder into one record. The sort keys go into typed arrays and
 * a permutation is sorted, so a listing of 16,000 jobs makes no object per job: the record of a
 * job is one object, refilled for each line as it is printed (`Listing.at`).
 */
function queueListing(jobs: readonly SimJob[], perTask: boolean): Listing {
  const { remainders, others } = perTask || !jobs.some(isPendingRemainder)
    ? { remainders: [], others: jobs }
    : foldArrayRemainders(jobs);
  const folded: QueueRecord[] = remainders.map(({ arrayId, first, indices }) => {
    const limit = first.request.array?.maxConcurrent;
    const idText = indices.length === 1
      ? `${arrayId}_${indices[0]}`
      : `${arrayId}_[${ranges(indices)}${limit === undefined ? "" : `%${limit}`}]`;
    return { job: first, idText, rawId: arrayId, state: "PENDING" };
  });
  const count = others.length + folded.length;
  const rank = new Uint8Array(count);
  const priority = new Float64Array(count);
  const id = new Float64Array(count);
  const task = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const job = i < others.length ? others[i]! : folded[i - others.length]!.job;
    rank[i] = STATE_RANK.get(i < others.length ? job.state : "PENDING")!;
    priority[i] = priorityOf(job);
    id[i] = job.arrayJobId ?? job.id;
    task[i] = job.arrayTaskId ?? 0;
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Ties keep the order named (as the stable sort of records did).
  order.sort((a, b) =>
    rank[a]! - rank[b]! || priority[b]! - priority[a]! || id[a]! - id[b]! ||
    task[a]! - task[b]! || a - b
  );
  let line: QueueRecord | undefined;
  return {
    count,
    at(position: number): QueueRecord {
      const i = order[position]!;
      if (i >= others.length) return folded[i - others.length]!;
      const job = others[i]!;
      if (line === undefined) return line = { job, rawId: job.id, state: job.state };
      line.job = job;
      line.rawId = job.id;
      line.state = job.state;
      return line;
    },
  };
}
