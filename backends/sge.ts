/**
 * The Sun/Son of Grid Engine backend: `#$` headers with a parallel environment, `qsub -terse`,
 * one `qstat` for all jobs, batched `qacct` accounting and `qdel`.
 *
 * @module
 */

import { InvalidValueError, QueryError } from "../src/core/errors.ts";
import { sgeCause } from "./_causes.ts";
import type { Resources } from "../src/core/resources.ts";
import { Status, type StatusCode } from "../src/core/status.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type {
  Backend,
  JobIdGrammar,
  JobInfo,
  QueryCommand,
  SubmitCommand,
} from "../src/core/backend.ts";
import { sgeKnownOptions } from "./_known_sge.ts";
import { submitOutcomeOf } from "./_submit_errors.ts";
import { sgeToken } from "./_submit_token.ts";
import {
  directiveValue,
  formatHms,
  formatMemory,
  layoutOf,
  pbsExtraLines,
  textDirectives,
} from "./_headers.ts";
import {
  addInfo,
  guardJobIds,
  jobInfo,
  lastLineMatch,
  nonEmptyLines,
  queryFailed,
  scriptArgument,
  submittedJobId,
} from "./_commands.ts";
import { parseQacct, qacctCommands } from "./_sge_qacct.ts";

const PREFIX = "#$";

/**
 * Options of {@linkcode createSgeBackend}.
 *
 * @example Usage
 * ```ts
 * import { createSgeBackend, type SgeBackendOptions } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const options: SgeBackendOptions = { parallelEnvironment: "omp", mpiEnvironment: "mpi" };
 * const site = createSgeBackend(options);
 * assert.ok(site.renderHeaders({ name: "x", threads: 4, extra: [] }).includes("#$ -pe omp 4"));
 * assert.ok(site.renderHeaders({ name: "x", nodes: 2, extra: [] }).includes("#$ -pe mpi 2"));
 * ```
 */
export interface SgeBackendOptions {
  /** Parallel environment for single-node jobs (a `$pe_slots` PE); default `"smp"`. */
  parallelEnvironment?: string;
  /** Parallel environment for multi-node jobs; without it `nodes > 1` is refused. */
  mpiEnvironment?: string;
  /** Consumable complex that counts GPUs (`-l gpu=N`); default `"gpu"`. */
  gpuResource?: string;
  /**
   * The user whose jobs clusterjob runs. When set, the bulk accounting query (used when more
   * than two jobs leave the queue at once) is `qacct -o <user> -j`, which lists only that user's
   * records instead of every record of the accounting file: set it on clusters with a large,
   * shared accounting file. Default: no owner filter (every record is listed).
   */
  accountingOwner?: string;
}

/** Characters sge_types(1) forbids in a job name; SGE itself answers with an unhelpful error. */
const BAD_NAME = /[\s/:@\\*?]/;

function checkName(value: string, field: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) {
    throw new InvalidValueError(field, value, 'letters, digits, "_", "." or "-"');
  }
  return value;
}

function renderHeaders(
  resources: Resources,
  options:
    & Required<
      Pick<SgeBackendOptions, "parallelEnvironment" | "gpuResource">
    >
    & { mpiEnvironment: string | undefined },
): string[] {
  if (BAD_NAME.test(resources.name) || resources.name === "") {
    throw new InvalidValueError(
      "name",
      resources.name,
      'a name without whitespace, "/", ":", "@", "\\", "*" or "?" (SGE rejects them)',
    );
  }
  const lines = textDirectives(PREFIX, resources, { name: "-N ", queue: "-q ", account: "-A " });
  if (resources.timeSeconds !== undefined) {
    lines.push(`${PREFIX} -l h_rt=${formatHms(resources.timeSeconds)}`);
  }
  const layout = layoutOf(resources);
  let slotsPerNode = 1;
  if (layout.nodes > 1) {
    if (options.mpiEnvironment === undefined) {
      throw new InvalidValueError(
        "nodes",
        layout.nodes,
        "1 on SGE, unless the backend names a multi-node parallel environment: " +
          'createSgeBackend({ mpiEnvironment: "<pe>" })',
      );
    }
    slotsPerNode = layout.coresPerNode;
    lines.push(`${PREFIX} -pe ${options.mpiEnvironment} ${layout.nodes * slotsPerNode}`);
  } else if (layout.coresPerNode > 1) {
    slotsPerNode = layout.coresPerNode;
    lines.push(`${PREFIX} -pe ${options.parallelEnvironment} ${slotsPerNode}`);
  }
  if (resources.memMB !== undefined) {
    // h_vmem is a limit per slot: the node's memory is shared out among its slots.
    const perSlot = Math.ceil(resources.memMB / slotsPerNode);
    lines.push(`${PREFIX} -l h_vmem=${formatMemory(perSlot, ["M", "G", "T"])}`);
  }
  if ((resources.gpus ?? 0) > 0) { // `gpus: 0` is no request
    lines.push(`${PREFIX} -l ${options.gpuResource}=${resources.gpus}`);
  }
  lines.push(...textDirectives(PREFIX, resources, { stdout: "-o ", stderr: "-e " }));
  lines.push(...pbsExtraLines(PREFIX, resources.extra, ["cwd", "-cwd"]));
  // SGE queues usually ignore the #! line (shell_start_mode posix_compliant runs /bin/sh), so
  // name the interpreter unless the user did.
  // Only a "-S" that renders counts: `S: x` is a resource (`-l S=x`), `"-S": false` renders nothing.
  const userShell = resources.extra.some(([key, value]) =>
    key === "-S" && value !== false && value !== null
  );
  if (resources.interpreter !== undefined && !userShell) {
    lines.push(`${PREFIX} -S ${directiveValue("interpreter", resources.interpreter)}`);
  }
  // Run in the submit directory (clusterjob's workdir), and write output files there.
  lines.push(`${PREFIX} -cwd`);
  return lines;
}

function submitCommand(filename: string): SubmitCommand {
  return { argv: ["qsub", "-terse", scriptArgument(filename)] };
}

/** `-terse` prints `7` (arrays `7.1-3:1`); plain qsub `Your job 7 ("x") has been submitted`. */
function parseJobId(output: CommandOutput, argv: readonly string[]): string {
  return submittedJobId(output, argv, (stdout) =>
    lastLineMatch(stdout, [
      /^(\d+)(?:\.\d+-\d+:\d+)?$/,
      /^Your job(?:-array)? (\d+)\b.* has been submitted$/,
    ]));
}

/**
 * What `qsub -terse` prints, an array's `7.1-3:1` read as `7` (see `parseJobId`): qstat and
 * qacct records of array tasks are merged into that id, so a task id would never be found.
 * Never `0`; `qdel` reads `*` and other patterns as wildcards, which no id can hold.
 */
const JOB_ID_GRAMMAR: JobIdGrammar = Object.freeze({
  pattern: /^[1-9]\d*$/,
  description: "a positive integer such as 1234, as qsub -terse prints it",
});

const STATUS_ARGV = ["qstat"];

/** `qstat` takes no id list: one command lists all of the user's jobs, filtered here. */
function statusCommands(ids: readonly string[]): QueryCommand[] {
  return ids.length === 0 ? [] : [{ argv: [...STATUS_ARGV], ids: [...ids] }];
}

/**
 * The status of a `qstat` state word, letter by letter (qstat(1)): `E` error (`Eqw`: the job
 * cannot run until an administrator clears it — reported FAILED so waiting ends), `d` being
 * deleted (`dr`, `dqw` → CANCELLED: deletion cannot be undone and a job deleted while pending
 * leaves no accounting record), `s`/`S`/`T` suspended → PENDING, `r`/`t` → RUNNING,
 * `q`/`w`/`h`/`R` → PENDING.
 */
function statusOfState(state: string): StatusCode | undefined {
  if (!/^[a-zA-Z]+$/.test(state)) return undefined;
  if (state.includes("E")) return Status.FAILED;
  if (state.includes("d")) return Status.CANCELLED;
  if (/[sST]/.test(state)) return Status.PENDING;
  if (/[rt]/.test(state)) return Status.RUNNING;
  if (/[qwhR]/.test(state)) return Status.PENDING;
  return undefined;
}

/**
 * Parses plain `qstat`: a header, a dashed line, then `job-ID prior name user state date time
 * [queue] slots [task]` per job (array tasks share the id and are merged). No jobs at all
 * prints nothing — an empty map.
 */
function parseStatus(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> {
  if (output.code !== 0) throw queryFailed(STATUS_ARGV, output, "Status query failed");
  const wanted = new Set(ids);
  const result = new Map<string, JobInfo>();
  for (const line of nonEmptyLines(output.stdout)) {
    if (/^job-ID\s/.test(line) || /^-+$/.test(line)) continue;
    const [id, , , , state] = line.split(/\s+/);
    const status = state === undefined ? undefined : statusOfState(state);
    if (id === undefined || !/^\d+$/.test(id) || status === undefined) {
      throw new QueryError(STATUS_ARGV, `Cannot parse qstat line "${line}"`);
    }
    if (!wanted.has(id)) continue;
    const reason = status === Status.FAILED
      ? "error state: the job cannot run (see qstat -j)"
      : status === Status.CANCELLED
      ? "being deleted"
      : undefined;
    addInfo(result, id, jobInfo(status, state!, undefined, reason));
  }
  return result;
}

/**
 * Creates an SGE backend for a site's parallel environments.
 *
 * - Headers: `-N` (checked: SGE refuses whitespace and `/:@\*?`), `-q`, `-A`,
 *   `-l h_rt=HH:MM:SS`, `-pe <parallelEnvironment> <P·T>` for a multi-core single-node job,
 *   `-pe <mpiEnvironment> <N·P·T>` for several nodes (an `InvalidValueError` without one; how
 *   slots spread over hosts is the PE's allocation_rule), `-l h_vmem=` PER SLOT (the node's
 *   memory divided by its slots, rounded up, with a unit `M`/`G`), `-l <gpuResource>=G` (a
 *   site-defined consumable), `-o`, `-e`, pass-through keys by the PBS rules, and always `-cwd`
 *   last: the job runs in the directory it was submitted from, clusterjob's workdir.
 * - Variables: `$JOB_ID`, `$SGE_O_WORKDIR`, `$SGE_O_HOST`, `$JOB_NAME`, the hosts of the PE
 *   host file (or `$HOSTNAME` without a PE), `$SGE_TASK_ID` (the word `undefined` for a
 *   non-array job) — checked against a real SGE 8.1.9 job's environment. Note that SGE queues
 *   often start scripts with `/bin/sh` whatever the `#!` line says; add `"-S": "/bin/bash"` to
 *   the resources where that matters.
 * - Commands: `qsub -terse FILE`; `qstat` (one call for all ids); accounting `qacct -j ID` for
 *   one or two ids, else ONE `qacct -j` listing the whole accounting file (`qacct -o <owner> -j`
 *   with `accountingOwner`), since every qacct call reads the whole file anyway; `qdel ID …`.
 *
 * @example A site with an OpenMP and an MPI parallel environment
 * ```ts
 * import { createSgeBackend } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const site = createSgeBackend({ parallelEnvironment: "omp", mpiEnvironment: "mpi" });
 * const headers = site.renderHeaders({ name: "mpi", nodes: 2, ppn: 4, memMB: 8192, extra: [] });
 * assert.ok(headers.includes("#$ -pe mpi 8") && headers.includes("#$ -l h_vmem=2G"));
 * ```
 *
 * @example Accounting: per id for one or two jobs, one listing of the owner's records for more
 * ```ts
 * import { createSgeBackend } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const site = createSgeBackend({ accountingOwner: "alice" });
 * assert.deepEqual(site.accountingCommands(["7"]), [{ argv: ["qacct", "-j", "7"], ids: ["7"] }]);
 * assert.deepEqual(site.accountingCommands(["7", "8", "9"])[0]?.argv, ["qacct", "-o", "alice", "-j"]);
 * ```
 *
 * @param options Parallel environment names, the GPU complex and the accounting owner.
 * @returns A backend named `sge`.
 */
export function createSgeBackend(options: SgeBackendOptions = {}): Backend {
  const settings = {
    parallelEnvironment: checkName(options.parallelEnvironment ?? "smp", "parallelEnvironment"),
    mpiEnvironment: options.mpiEnvironment === undefined
      ? undefined
      : checkName(options.mpiEnvironment, "mpiEnvironment"),
    gpuResource: checkName(options.gpuResource ?? "gpu", "gpuResource"),
  };
  const owner = options.accountingOwner === undefined
    ? undefined
    : checkName(options.accountingOwner, "accountingOwner");
  return guardJobIds({
    name: "sge",
    jobIdGrammar: JOB_ID_GRAMMAR,
    extension: "sge",
    prefix: PREFIX,
    knownOptions: sgeKnownOptions,
    envVars: Object.freeze({
      CLUSTERJOB_ID: "JOB_ID",
      CLUSTERJOB_WORKDIR: "SGE_O_WORKDIR",
      CLUSTERJOB_SUBMIT_HOST: "SGE_O_HOST",
      CLUSTERJOB_NAME: "JOB_NAME",
      CLUSTERJOB_NODELIST:
        '`test -n "$PE_HOSTFILE" && cut -d" " -f1 "$PE_HOSTFILE" || echo "$HOSTNAME"`',
      CLUSTERJOB_ARRAY_INDEX: "SGE_TASK_ID",
    }),
    renderHeaders: (resources: Resources): string[] => renderHeaders(resources, settings),
    submitCommand,
    parseJobId,
    statusCommands,
    parseStatus,
    accountingCommands: (ids: readonly string[]): QueryCommand[] => qacctCommands(ids, owner),
    parseAccounting: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
      parseQacct(output, ids, owner),
    cancelCommand: (ids: readonly string[]): string[] => ["qdel", ...ids],
    causeOf: sgeCause,
    submitOutcome: (output: CommandOutput) => submitOutcomeOf("sge", output),
    submitToken: sgeToken,
  });
}

/**
 * The SGE backend with the default parallel environment `smp` and no multi-node environment
 * (see {@linkcode createSgeBackend}).
 *
 * @example Parse real qstat output
 * ```ts
 * import { sge, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const stdout = "job-ID  prior   name  user  state submit/start at     queue  slots ja-task-ID\n" +
 *   "-----------------------------------\n" +
 *   "     11 0.25000 pend1 root  qw    11/25/2026 08:52:59        1\n";
 * assert.ok(sge.parseStatus({ code: 0, stdout, stderr: "" }, ["11"]).get("11")?.status === Status.PENDING);
 * assert.ok(sge.renderHeaders({ name: "x", threads: 4, extra: [] }).includes("#$ -pe smp 4"));
 * ```
 */
export const sge: Backend = createSgeBackend();
