/**
 * Private helpers of the built-in backends for scheduler commands: the script argument, batched
 * and per-id queries, and reading the answers (job ids, lines, `JobInfo` records, query
 * failures). Not exported from `mod.ts`.
 *
 * @module
 */

import { QueryError, SubmitError } from "../src/core/errors.ts";
import type { StatusCode } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import {
  type Backend,
  checkJobId,
  checkJobIds,
  type JobInfo,
  type QueryCommand,
} from "../src/core/backend.ts";

/** The script's file name as a command argument: `./-x.slr` so a leading dash is no option. */
export function scriptArgument(filename: string): string {
  return filename.startsWith("-") ? `./${filename}` : filename;
}

/**
 * Longest command line (sum of argument lengths plus separators) a batched query may have.
 * Linux caps one argument at 128 KiB (MAX_ARG_STRLEN) and SSH sends the whole remote command
 * as one argument of the remote shell, so 100,000 characters stays under both with room for
 * quoting; 10,000 six-digit ids (70,000 characters joined) still fit in one command.
 */
export const MAX_COMMAND_LENGTH = 100_000;

/**
 * Splits `ids` into consecutive groups such that `build(group)` stays within
 * {@linkcode MAX_COMMAND_LENGTH}; every group has at least one id.
 */
export function chunkedQueries(
  ids: readonly string[],
  build: (group: string[]) => string[],
  maxLength: number = MAX_COMMAND_LENGTH,
): QueryCommand[] {
  const commands: QueryCommand[] = [];
  const baseLength = commandLength(build([]));
  let group: string[] = [];
  let length = baseLength;
  for (const id of ids) {
    // +1 for the separator (a comma or a space) each id adds.
    if (group.length > 0 && length + id.length + 1 > maxLength) {
      commands.push({ argv: build(group), ids: group });
      group = [];
      length = baseLength;
    }
    group.push(id);
    length += id.length + 1;
  }
  if (group.length > 0) commands.push({ argv: build(group), ids: group });
  return commands;
}

function commandLength(argv: readonly string[]): number {
  return argv.reduce((sum, arg) => sum + arg.length + 1, 0);
}

/** One query per id, for tools that take a single id (`qacct -j`, `tracejob`). */
export function perIdQueries(
  ids: readonly string[],
  build: (id: string) => string[],
): QueryCommand[] {
  return ids.map((id) => ({ argv: build(id), ids: [id] }));
}

/**
 * `backend` with its job ids checked against its {@linkcode Backend.jobIdGrammar} wherever they
 * pass: the id `parseJobId` found (`InvalidJobIdError` naming the submit command), and every id
 * given to `statusCommands`, `accountingCommands` and `cancelCommand`, so that no command is
 * ever built with an id such as `-u`, `all`, `*` or `0`. Frozen.
 */
export function guardJobIds(backend: Backend): Backend {
  return Object.freeze({
    ...backend,
    parseJobId: (output: CommandOutput, argv: readonly string[]): string =>
      checkJobId(
        backend,
        backend.parseJobId(output, argv),
        `the output of "${argv.join(" ")}"`,
      ),
    statusCommands: (ids: readonly string[]): QueryCommand[] =>
      backend.statusCommands(checkJobIds(backend, ids)),
    accountingCommands: (ids: readonly string[]): QueryCommand[] =>
      backend.accountingCommands(checkJobIds(backend, ids)),
    cancelCommand: (ids: readonly string[]): string[] =>
      backend.cancelCommand(checkJobIds(backend, ids)),
  });
}

/** Non-empty, trimmed lines of a text. */
export function nonEmptyLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

/**
 * The job id in a submit command's answer: what `find` finds in its standard output.
 *
 * @throws {SubmitError} When the command failed (the scheduler refused the job), or when its
 * output carries no job id.
 */
export function submittedJobId(
  output: CommandOutput,
  argv: readonly string[],
  find: (stdout: string) => string | undefined,
): string {
  if (output.code !== 0) throw new SubmitError(argv, output, "the scheduler refused the job");
  const id = find(output.stdout);
  if (id === undefined) throw new SubmitError(argv, output, "no job id in the answer");
  return id;
}

/**
 * The first capture (or whole match) of one of `patterns` on the lines of `text`, tried from the
 * last non-empty line up, each line against each pattern in turn.
 */
export function lastLineMatch(text: string, patterns: readonly RegExp[]): string | undefined {
  for (const line of nonEmptyLines(text).reverse()) {
    for (const pattern of patterns) {
      const match = pattern.exec(line);
      if (match !== null) return match[1] ?? match[0];
    }
  }
  return undefined;
}

/** A `QueryError` quoting the tool's own text. */
export function queryFailed(
  argv: readonly string[],
  output: CommandOutput,
  what: string,
): QueryError {
  const said = output.stderr.trim() || output.stdout.trim() || "(no output)";
  return new QueryError(argv, `${what} "${argv.join(" ")}" (exit ${output.code}): ${said}`);
}

/**
 * Merges what a query said about several records of one requested id (the tasks of a job
 * array): any active record wins (the most advanced of them), otherwise the worst end
 * (FAILED over CANCELLED over COMPLETED) — the order of {@linkcode Status} makes both a max.
 */
export function mergeInfo(previous: JobInfo | undefined, next: JobInfo): JobInfo {
  if (previous === undefined) return next;
  const previousActive = previous.status < 0;
  const nextActive = next.status < 0;
  if (previousActive !== nextActive) return previousActive ? previous : next;
  return next.status > previous.status ? next : previous;
}

/**
 * Sets or merges `info` for `id` in `result`; with `task`, `info` is about that task of array
 * `id`, kept in the merged record's `tasks` as well.
 */
export function addInfo(
  result: Map<string, JobInfo>,
  id: string,
  info: JobInfo,
  task?: number,
): void {
  const previous = result.get(id);
  const merged = mergeInfo(previous, info);
  if (task === undefined && previous?.tasks === undefined) {
    result.set(id, merged);
    return;
  }
  const tasks = previous?.tasks ?? new Map<number, JobInfo>();
  if (task !== undefined) tasks.set(task, mergeInfo(tasks.get(task), info));
  // The merged record is a copy: never the task's own object, whose `tasks` it would share.
  result.set(id, { ...merged, tasks });
}

/**
 * The indices of a folded task list as schedulers print it for tasks not started yet: SLURM's
 * `[4-100%10]` or `[1,3,5-7]`, SGE's `4-10:1` or `1-7:2,9`; `undefined` when it is not one.
 */
export function foldedTasks(text: string): number[] | undefined {
  const body = text.replace(/^\[/, "").replace(/\]$/, "").replace(/%\d+$/, "");
  const indices: number[] = [];
  for (const part of body.split(",")) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (match === null) return undefined;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (end < start || step < 1 || (end - start) / step > 1_000_000) return undefined;
    for (let index = start; index <= end; index += step) indices.push(index);
  }
  return indices;
}

/** A JobInfo without undefined optional members (exactOptionalPropertyTypes). */
export function jobInfo(
  status: StatusCode,
  state: string,
  exitCode?: number,
  reason?: string,
): JobInfo {
  const info: JobInfo = { status, state };
  if (exitCode !== undefined) info.exitCode = exitCode;
  if (reason !== undefined && reason !== "") info.reason = reason;
  return info;
}

/** Parses a decimal integer (optionally negative); `undefined` when `text` is not one. */
export function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number.parseInt(text.trim(), 10);
}

/**
 * Collects what one query's answer says, job by job: the `JobInfo` of each requested id whose
 * entry could be read, and the problem of each whose entry could not. {@linkcode result}
 * returns the readable part, or throws a `QueryError` that names the failed ids and carries
 * the rest, so that one garbled entry never hides the other jobs of a batch.
 */
export class AnswerReader {
  readonly #argv: readonly string[];
  readonly #ids: readonly string[];
  readonly #infos = new Map<string, JobInfo>();
  readonly #problems = new Map<string, string>();
  #unattributed: string | undefined;

  /** A reader of the answer to `argv`, which asked about `ids`. */
  constructor(argv: readonly string[], ids: readonly string[]) {
    this.#argv = argv;
    this.#ids = ids;
  }

  /** Merges `info` into what is known of `id` (see {@linkcode mergeInfo}); with `task`, of that task of array `id`. */
  add(id: string, info: JobInfo, task?: number): void {
    addInfo(this.#infos, id, info, task);
  }

  /** Replaces what is known of `id`. */
  set(id: string, info: JobInfo): void {
    this.#infos.set(id, info);
  }

  /** The entry of `id` cannot be read (the first problem is kept). */
  fail(id: string, problem: string): void {
    if (!this.#problems.has(id)) this.#problems.set(id, problem);
  }

  /**
   * Part of the answer belongs to no job that can be told: every asked id the answer says
   * nothing readable about fails (it may have been any of them); the others keep their entries.
   */
  failUnattributed(problem: string): void {
    this.#unattributed ??= problem;
  }

  /**
   * What was read, by id.
   *
   * @throws {QueryError} When an entry could not be read: with `failedIds` and `parsed` (the
   * readable entries) when some could, without them when nothing could.
   */
  result(): Map<string, JobInfo> {
    const problems = new Map(this.#problems);
    if (this.#unattributed !== undefined) {
      for (const id of this.#ids) {
        if (!this.#infos.has(id) && !problems.has(id)) problems.set(id, this.#unattributed);
      }
    }
    if (problems.size === 0) return this.#infos;
    const parsed = new Map([...this.#infos].filter(([id]) => !problems.has(id)));
    const failedIds = [...problems.keys()];
    const [first, problem] = [...problems][0]!;
    const command = `"${this.#argv.join(" ")}"`;
    if (parsed.size === 0 && this.#ids.every((id) => problems.has(id))) {
      throw new QueryError(this.#argv, `Cannot read the answer of ${command}: ${problem}`);
    }
    const which = failedIds.length === 1 ? `job ${first}` : `jobs ${failedIds.join(", ")}`;
    throw new QueryError(
      this.#argv,
      `Cannot read the answer of ${command} for ${which}: ${problem} (the other jobs in it were read)`,
      { failedIds, parsed },
    );
  }
}
