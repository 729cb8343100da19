/**
 * `qsub` for Torque and PBS Professional. {@linkcode parseQsub} reads argv and the script's
 * `#PBS` directives (the command line wins) into plain {@linkcode QsubOptions}; {@linkcode qsub}
 * builds the engine's request from them (`_request.ts`), resolves `-W depend=` against the
 * server's jobs, submits, and words the server's refusals.
 *
 * Sources: PBS Professional Reference Guide "qsub" (options, `-J X-Y[:Z][%N]`, `-W depend=`,
 * `-j oe`, `-- command`); Torque Administrator Guide "qsub" (`-t 1-10%2`, `-d` working
 * directory, `-w` submit directory, `-F` script arguments) and Torque 6.1
 * `src/cmds/qsub_functions.c` (`process_opt_d()`, `validate_pbs_o_workdir()`); the usage texts
 * of Torque 6.1 and OpenPBS `src/cmds/qsub.c`; `pbs_error.h` for the exit statuses.
 *
 * @module
 */

import { logUnknownJob } from "./_server_log.ts";
import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimDependency } from "../types.ts";
import { type SimCommandContext, SimSubmitRejection } from "../emulator.ts";
import { exitFor, type PbsDialect } from "./dialect.ts";
import { getopt, type ParsedOptions } from "./_options.ts";
import { deleteBrokenDependents, parseJobRef, type PbsJobRef } from "./_jobs.ts";
import { layoutOf, parseResourceLists, type PbsLayout, PbsResourceError } from "./_resources.ts";
import { qsubRequest } from "./_request.ts";
import type { QsubDependency, QsubOptions } from "./_request.ts";
export type { QsubDependency, QsubOptions };
import { answerFailures, CommandFailure, ok } from "../_common/command_result.ts";
import { baseName, parseIndexList } from "../_common/words.ts";
import { directiveWords } from "../_common/directive_words.ts";

const COMMON_SPEC = "a:A:c:C:e:hIj:k:l:m:M:N:o:p:q:r:S:u:v:VW:z";
const SPEC = { pbs: COMMON_SPEC + "t:d:w:F:D:nxJ:P:", pbspro: COMMON_SPEC + "J:P:R:XfG" } as const;

/** What {@linkcode parseQsub} reads: the arguments, the script on stdin, and script files. */
export type QsubInput = Pick<SimCommandContext, "args" | "stdin" | "readFile">;

/** qsub's complaint about its arguments, with its usage (exit 2). */
function usageError(
  dialect: PbsDialect,
  message: string,
  kind: "getopt" | "qsub" | "bare" = "qsub",
): CommandFailure {
  return new CommandFailure(2, dialect.qsubUsage(message, kind));
}

/**
 * A submission the server refuses. The server has numbered the job before it looks at it, so a
 * refusal uses up a job id on both products: Torque's `Unknown queue`, `Bad Job Array Request`
 * and `Invalid Job Dependency` took ids 7, 8 and 13 (raw/torque/015, 016, 037: the next jobs
 * are 9.vm and 14.vm), OpenPBS's `Unknown queue` id 51 (raw/openpbs/019).
 */
class ServerRefusal extends CommandFailure {}

/** The server's refusal `text` (newline added), exiting with `errno & 0xff`. */
function refusal(errno: number, text: string): ServerRefusal {
  return new ServerRefusal(exitFor(errno), text + "\n");
}

/** The options of directives and command line: the last single value wins, lists add up. */
interface MergedOptions {
  /** Last value of each single-valued option. */
  single: Map<string, string>;
  /** Every `-l` list, directives first. */
  resourceLists: string[];
  /** Every `-v` list, directives first. */
  variableLists: string[];
  /** Every `-W` value, directives first. */
  attributeLists: string[];
}

function mergeOptions(groups: Array<Array<[string, string]>>): MergedOptions {
  const merged: MergedOptions = {
    single: new Map(),
    resourceLists: [],
    variableLists: [],
    attributeLists: [],
  };
  for (const options of groups) {
    for (const [letter, value] of options) {
      if (letter === "l") merged.resourceLists.push(value);
      else if (letter === "v") merged.variableLists.push(value);
      else if (letter === "W") merged.attributeLists.push(value);
      else merged.single.set(letter, value);
    }
  }
  return merged;
}

/** The script and its default name: `-- command` (PBS Pro), a script file, or stdin. */
function scriptSource(
  parsed: ParsedOptions,
  input: QsubInput,
  dialect: PbsDialect,
): { script: string; name: string; command?: string[] } {
  if (parsed.sawDoubleDash && dialect.kind === "pbspro") {
    if (parsed.operands.length === 0) throw usageError(dialect, "no executable given after --");
    const [executable = "", ...rest] = parsed.operands;
    return {
      script: `#!/bin/sh\n${[executable, ...rest].join(" ")}\n`,
      name: baseName(executable),
      command: [executable, ...rest],
    };
  }
  if (parsed.operands.length === 0) return { script: input.stdin, name: "STDIN" };
  const path = parsed.operands[0] as string;
  const text = input.readFile(path);
  if (text === undefined) {
    throw new CommandFailure(
      1,
      dialect.kind === "pbs"
        ? `qsub: script file '${path}' cannot be loaded - No such file or directory\n`
        : `qsub: script file:: No such file or directory\n`,
    );
  }
  if (parsed.operands.length > 1) throw usageError(dialect, "too many arguments");
  return { script: text, name: baseName(path) };
}

function parseResources(
  lists: readonly string[],
  dialect: PbsDialect,
): { resources: Map<string, string>; layout: PbsLayout } {
  try {
    const resources = parseResourceLists(lists);
    return { resources, layout: layoutOf(resources) };
  } catch (error) {
    if (error instanceof PbsResourceError) throw usageError(dialect, "illegal -l value");
    throw error;
  }
}

/** Array request of `-t` (Torque: `1-10%2`, `1,3,5-7`) or `-J` (Pro: `X-Y[:Z][%N]`, X < Y). */
function parseArray(
  dialect: PbsDialect,
  spec: string,
): { indices: number[]; maxConcurrent?: number } | undefined {
  const [list = "", limit] = spec.split("%");
  if (limit !== undefined && !/^[1-9]\d*$/.test(limit)) return undefined;
  if (dialect.kind === "pbspro") {
    const match = /^(\d+)-(\d+)(?::(\d+))?$/.exec(list);
    if (!match || Number(match[1]) >= Number(match[2])) return undefined;
  }
  const indices = parseIndexList(list);
  if (!indices || indices.length === 0) return undefined;
  return limit === undefined ? { indices } : { indices, maxConcurrent: Number(limit) };
}

const DEPENDENCY_TYPES: Record<string, SimDependency["type"]> = {
  after: "after",
  afterok: "afterok",
  afternotok: "afternotok",
  afterany: "afterany",
  afterstartarray: "after",
  afterokarray: "afterok",
  afternotokarray: "afternotok",
  afteranyarray: "afterany",
};

/** `-W depend=afterok:12.server:13,afterany:14[]` into dependencies; `undefined` when malformed. */
function parseDepend(value: string): QsubDependency[] | undefined {
  const result: QsubDependency[] = [];
  for (const clause of value.split(",")) {
    const [typeName = "", ...texts] = clause.split(":");
    const type = DEPENDENCY_TYPES[typeName];
    const refs = texts.map(parseJobRef);
    if (!type || refs.length === 0 || refs.some((ref) => ref === undefined)) return undefined;
    result.push({ type, typeName, refs: refs as PbsJobRef[] });
  }
  return result;
}

/** The dependencies of the `-W attr=value[,attr=value]` lists; other attributes are ignored. */
function parseAttributes(lists: readonly string[], dialect: PbsDialect): QsubDependency[] {
  const dependencies: QsubDependency[] = [];
  for (const attribute of lists) {
    for (const item of attribute.split(/,(?=[A-Za-z_]+=)/)) {
      const at = item.indexOf("=");
      if (at === -1) throw usageError(dialect, "illegal -W value");
      if (item.slice(0, at) !== "depend") continue;
      const depend = parseDepend(item.slice(at + 1));
      if (!depend) throw usageError(dialect, "illegal -W value");
      dependencies.push(...depend);
    }
  }
  return dependencies;
}

/** The options kept as given, by letter. */
const VERBATIM = [
  ["o", "outputPath"],
  ["e", "errorPath"],
  ["A", "account"],
  ["P", "project"],
] as const;

function isJoin(value: string): value is QsubOptions["join"] {
  return value === "oe" || value === "eo" || value === "n";
}

/**
 * Parses a qsub invocation: argv, then the script (file, stdin or PBS Pro's `-- command`) and
 * its `#PBS` directives, the command line winning. Throws {@linkcode CommandFailure} with
 * qsub's own text: usage errors exit 2, a missing script file or a bad directive exit 1.
 */
export function parseQsub(input: QsubInput, dialect: PbsDialect): QsubOptions {
  const commandLine = getopt(input.args, SPEC[dialect.kind]);
  if ("error" in commandLine) throw usageError(dialect, commandLine.error, "getopt");
  const source = scriptSource(commandLine, input, dialect);
  const directives = getopt(directiveWords(source.script, "#PBS"), SPEC[dialect.kind]);
  if ("error" in directives) {
    throw new CommandFailure(1, `qsub: directive error: ${directives.error}\n`);
  }
  const merged = mergeOptions([directives.options, commandLine.options]);
  const single = merged.single;
  const { resources, layout } = parseResources(merged.resourceLists, dialect);
  const join = single.get("j") ?? "n";
  if (!isJoin(join)) throw usageError(dialect, "illegal -j value");
  const torque = dialect.kind === "pbs";
  const options: QsubOptions = {
    script: source.script,
    name: single.get("N") ?? source.name,
    scriptArgs: torque && single.has("F")
      ? single.get("F")!.split(/\s+/).filter((word) => word !== "")
      : [],
    resources,
    layout,
    join,
    dependencies: [],
    exportAll: single.has("V"),
    variableLists: merged.variableLists,
    hold: single.has("h"),
  };
  // Torque's -J names a proxy user's job and needs -P (`process_opts()` in qsub_functions.c).
  if (torque && single.has("J") && !single.has("P")) {
    throw usageError(dialect, "The -J option can only be used in conjunction with -P", "bare");
  }
  const arraySpec = single.get(dialect.arrayOption);
  if (arraySpec !== undefined) {
    const array = parseArray(dialect, arraySpec);
    // Torque's qsub sends -t unchecked (`hash_add_or_exit(ji->job_attr, ATTR_t, ...)` in
    // qsub_functions.c); the server refuses what it cannot read (raw/torque/016).
    if (!array && torque) {
      throw refusal(dialect.errors.badArray, dialect.submitError("Bad Job Array Request", ""));
    }
    if (!array) throw usageError(dialect, `illegal -${dialect.arrayOption} value`);
    options.arraySpec = arraySpec;
    options.array = array;
  }
  options.dependencies = parseAttributes(merged.attributeLists, dialect);
  if (source.command !== undefined) options.command = source.command;
  const workdir = torque ? single.get("d") : undefined;
  if (workdir !== undefined) options.workdir = workdir;
  const submitDir = torque ? single.get("w") : undefined;
  if (submitDir !== undefined) options.submitDir = submitDir;
  const queue = single.get("q")?.replace(/@.*$/, "");
  if (queue !== undefined) options.queue = queue;
  for (const [letter, key] of VERBATIM) {
    const value = single.get(letter);
    if (value !== undefined) options[key] = value;
  }
  return options;
}

/**
 * The engine ids of the `-W depend=` jobs. A job the server does not know: Torque refuses the
 * submission (raw/torque/037), OpenPBS accepts it (raw/openpbs/021) and `unknown` is set.
 */
function resolveDependencies(
  ctx: SimCommandContext,
  dialect: PbsDialect,
  clauses: readonly QsubDependency[],
): { dependencies: SimDependency[]; unknown: boolean } {
  let unknown = false;
  const dependencies = clauses.map(({ type, refs }) => ({
    type,
    jobIds: refs.flatMap((ref) => {
      const known = ctx.engine.find(ref.seq);
      if (known.length === 0) {
        if (dialect.unknownDependency === "refuse") {
          logUnknownJob(ctx.engine, ref.seq);
          throw badDependency(dialect);
        }
        unknown = true;
        return [];
      }
      const task = typeof ref.index === "number"
        ? known.find((job) => job.arrayTaskId === ref.index)
        : undefined;
      return [task?.id ?? ref.seq];
    }),
  })).filter((dependency) => dependency.jobIds.length > 0);
  return { dependencies, unknown };
}

/** Torque's `qsub: submit error (Invalid Job Dependency)`, exit 208 (raw/torque/037). */
function badDependency(dialect: PbsDialect): ServerRefusal {
  return refusal(dialect.errors.badDependency, dialect.submitError("Invalid Job Dependency", ""));
}

/** The server's answer to a refused submission, in each product's words. */
function rejection(dialect: PbsDialect, error: SimSubmitRejection): CommandFailure {
  switch (error.code) {
    case "invalid-queue":
      return refusal(
        dialect.errors.unknownQueue,
        dialect.submitError("Unknown queue", "requested queue not found"),
      );
    case "invalid-array":
      return usageError(dialect, `illegal -${dialect.arrayOption} value`);
    case "invalid-dependency":
      return badDependency(dialect);
    default: {
      if (dialect.kind === "pbspro") {
        return refusal(
          dialect.errors.queueLimits,
          "qsub: Job violates queue and/or server resource limits",
        );
      }
      // Torque 6.1 `chk_resc_limits()` and `count_proc()` in src/server/svr_jobfunc.c: a queue's
      // max walltime, or nodes the node file cannot give (exit 190, PBSE_EXCQRESC).
      const detail = error.code === "time-limit"
        ? "cannot satisfy queue max walltime requirement"
        : "cannot locate feasible nodes (nodes file is empty, all systems are busy, or no nodes " +
          "have the requested feature)";
      return refusal(
        dialect.errors.queueLimits,
        dialect.submitError("Job exceeds queue resource limits", detail),
      );
    }
  }
}

/** Runs `qsub` against the context's engine: prints `12.server` (`12[].server` for an array). */
export function qsub(ctx: SimCommandContext, dialect: PbsDialect): CommandOutput {
  deleteBrokenDependents(ctx.engine, dialect);
  return answerFailures(() => {
    try {
      const options = parseQsub(ctx, dialect);
      const request = qsubRequest(options, ctx, dialect);
      const { dependencies, unknown } = resolveDependencies(ctx, dialect, options.dependencies);
      if (dependencies.length > 0) request.dependencies = dependencies;
      let jobId: number;
      try {
        jobId = ctx.engine.submit(request).jobId;
      } catch (error) {
        if (error instanceof SimSubmitRejection) throw rejection(dialect, error);
        throw error;
      }
      // A dependency on an unknown job can never be satisfied: OpenPBS deletes the job without
      // running it (52.vm-pbs, `F` with time use 0 in raw/openpbs/043).
      if (unknown) ctx.engine.cancel(jobId);
      return ok(`${jobId}${request.array ? "[]" : ""}.${ctx.engine.loginHost}\n`);
    } catch (error) {
      if (error instanceof ServerRefusal) ctx.engine.reserveJobId?.();
      throw error;
    }
  });
}
