/**
 * The PBS/Torque backend: `#PBS` headers with `-l nodes=N:ppn=C`, `qsub`, batched
 * `qstat -f`, `tracejob` accounting and `qdel`.
 *
 * @module
 */

import type { Resources } from "../src/core/resources.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { Backend, JobInfo, QueryCommand } from "../src/core/backend.ts";
import type { Layout } from "./_headers.ts";
import { pbsKnownOptions } from "./_known_pbs.ts";
import { submitOutcomeOf } from "./_submit_errors.ts";
import { torqueToken } from "./_submit_token.ts";
import { chunkedQueries, jobInfo, perIdQueries, queryFailed } from "./_commands.ts";
import {
  finishedPbsInfo,
  isArrayId,
  type LimitKills,
  parseQstatStatus,
  pbsBackend,
  pbsMemory,
  type PbsStartDirectory,
  qstatFullArgv,
} from "./_pbs_family.ts";
import { Status } from "../src/core/status.ts";

/** `nodes=N:ppn=C[:gpus=G]` (ppn counts cores per node) and `mem=` for the whole job. */
function resourceLists(resources: Resources, layout: Layout): string[] {
  const lists: string[] = [];
  const gpus = (resources.gpus ?? 0) > 0 ? `:gpus=${resources.gpus}` : ""; // none for `gpus: 0`
  if (layout.given || gpus !== "") {
    lists.push(`nodes=${layout.nodes}:ppn=${layout.coresPerNode}${gpus}`);
  }
  // Torque's `mem` limits the whole job, so the per-node amount is multiplied by the nodes.
  if (resources.memMB !== undefined) lists.push(`mem=${pbsMemory(resources.memMB * layout.nodes)}`);
  return lists;
}

/**
 * `-d .`: Torque starts a job in `$PBS_O_INITDIR`, which only `-d` sets, and otherwise in
 * `$HOME` (Torque 6.1 `src/resmom/start_exec.c`, `go_to_init_dir()`); qsub makes a relative
 * `-d` absolute against the directory it runs in (`src/cmds/qsub_functions.c`,
 * `process_opt_d()`), which is clusterjob's workdir. No path is written, so none needs quoting.
 */
function startDirectory(): PbsStartDirectory {
  return { directives: ["#PBS -d ."], commands: [] };
}

/**
 * `qstat -f -t ID …`: Torque's `qstat` shows an array `N[]` as one summary record that has no
 * exit status; `-t` lists its subjobs `N[1].server`, `N[2].server`, … instead, each with its
 * own `job_state` and `exit_status`, which `parseQstatStatus` merges under `N[].server`.
 */
function qstatSubjobsArgv(ids: readonly string[]): string[] {
  return ["qstat", "-f", "-t", ...ids];
}

/**
 * Plain ids are asked with `qstat -f`, array ids with `qstat -f -t`: `-t` only where it is
 * needed, so plain jobs keep the command every PBS-compatible `qstat` accepts (Slurm's
 * `qstat` wrapper has no `-t`).
 */
function statusCommands(ids: readonly string[]): QueryCommand[] {
  return [
    ...chunkedQueries(ids.filter((id) => !isArrayId(id)), qstatFullArgv),
    ...chunkedQueries(ids.filter(isArrayId), qstatSubjobsArgv),
  ];
}

/**
 * The negative `exit_status` of a job the MOM killed for exceeding a limit: JOB_EXEC_OVERLIMIT_*
 * in Torque 6.1 `src/include/pbs_job.h` (-11 for the walltime, with `walltime 13 exceeded limit
 * 3` in the MOM log: test/fixtures/real-outputs/torque/064 and 076).
 */
const LIMIT_KILLS: LimitKills = new Map([[-10, "mem"], [-11, "walltime"], [-12, "cput"]]);

/**
 * Parses the output of one of `statusCommands` (a group is all plain or all array ids). Torque
 * keeps finished jobs as `C` for `keep_completed` seconds; a job it has purged is unknown
 * (`qstat: Unknown Job Id Error …`, exit 153, also without a word), so it is absent and asked
 * of `tracejob`.
 */
function parseStatus(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> {
  const argv = ids.some(isArrayId) ? qstatSubjobsArgv(ids) : qstatFullArgv(ids);
  return parseQstatStatus(output, ids, argv, LIMIT_KILLS);
}

/** How many days of server logs `tracejob` searches. */
const TRACEJOB_DAYS = "7";

function accountingArgv(id: string): string[] {
  return ["tracejob", "-q", "-n", TRACEJOB_DAYS, id];
}

/**
 * Accounting for the ids `qstat -f` no longer knows: one `tracejob` per id. Why, for Torque:
 * - The bulk query for finished jobs IS the status query: Torque's `qstat -f ID …` shows a
 *   finished job as `job_state = C` with `exit_status` while `keep_completed` lasts, and the
 *   poller already asks it about every id each round. A second `qstat -f` (Torque has no
 *   `qstat -x` history: its `-x` means XML) would only repeat that answer.
 * - An id missing from it has been purged; only the server's logs still know it, and
 *   `tracejob` reads them for ONE job id per call. Asking only some ids, or none, would leave
 *   the others unknown until they are declared vanished (FAILED): wrong, so every id is asked.
 * Array ids `N[].server` are not traced: the server logs each subjob under its own id
 * `N[k].server`, and which indices an array has is known only from `qstat` (its
 * `job_array_request`), which no longer lists it. An array purged before a poll saw its
 * subjobs end therefore ends FAILED as vanished, with the poller's reason.
 * So a round costs one command plus one per job that finished more than `keep_completed` ago
 * (typically 300 s): sites that want batched rounds set `keep_completed` above the longest poll
 * interval (`maxSleepInterval`, at most 900 s). `tracejob` also needs read access to the server
 * logs, which login nodes often lack; then such jobs end FAILED as vanished, with a reason.
 */
function accountingCommands(ids: readonly string[]): QueryCommand[] {
  return perIdQueries(ids.filter((id) => !isArrayId(id)), accountingArgv);
}

/** A tracejob record: `MM/DD/YYYY HH:MM:SS[.mmm]  S|A|M|L  message`. */
const RECORD = /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d(?:\.\d+)?\s+([SAML])\s+(.*)$/;

/**
 * Parses `tracejob` output for one id. The server's end record carries
 * `Exit_status=N resources_used.walltime=… Resource_List.walltime=…`, read with the same
 * rules as `qstat -f` (see `finishedPbsInfo`); a job deleted before it ran has only a
 * `Job deleted at request of …` line (or an accounting `D` record) → CANCELLED. No record at
 * all → absent.
 */
function parseAccounting(output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> {
  const id = ids[0];
  const result = new Map<string, JobInfo>();
  if (id === undefined) return result;
  const attributes = new Map<string, string>();
  let records = 0;
  let deleted = false;
  for (const line of output.stdout.split(/\r?\n/)) {
    const record = RECORD.exec(line.trim());
    if (record === null) continue;
    records++;
    const message = record[2]!;
    if (/\bJob deleted\b/i.test(message) || message.startsWith("requestor=")) deleted = true;
    for (const [, key, value] of message.matchAll(/([\w.]+)=(\S+)/g)) {
      attributes.set(key!, value!);
    }
  }
  if (records === 0) {
    if (output.code !== 0 && output.stderr.trim() !== "") {
      throw queryFailed(accountingArgv(id), output, "Accounting query failed");
    }
    return result;
  }
  if (attributes.has("Exit_status")) {
    result.set(id, finishedPbsInfo("C", attributes, LIMIT_KILLS));
  } else if (deleted) {
    result.set(id, jobInfo(Status.CANCELLED, "C", undefined, "deleted before it ran"));
  }
  return result;
}

/**
 * The PBS/Torque backend.
 *
 * - Headers: `-N`, `-q`, `-A`, `-l walltime=HH:MM:SS` (hours may exceed 24),
 *   `-l nodes=N:ppn=P·T[:gpus=G]` (Torque's ppn counts cores per node), `-l mem=` with a unit
 *   (`100mb`, `4gb`) for the WHOLE job (Torque's `mem` is job-wide, so it is the per-node
 *   amount × nodes), `-o`, `-e`, `-d .` (the job starts in the directory qsub ran in,
 *   clusterjob's workdir, not in `$HOME`); other keys follow the PBS rules (`pmem: "2gb"` →
 *   `-l pmem=2gb`, `"-W": "x"` → `-W x`, `V: true` → `-V`; a `"-d"` of your own wins).
 * - Variables: `$PBS_JOBID`, `$PBS_O_WORKDIR`, `$PBS_O_HOST`, `$PBS_JOBNAME`,
 *   `` `cat $PBS_NODEFILE` `` (one line per core), `$PBS_ARRAYID`.
 * - Commands: `qsub FILE` (the full id `123.server` is kept); `qstat -f ID …` (Torque keeps
 *   finished jobs as `C` with `exit_status` for `keep_completed` seconds, so this one command
 *   is also the batched accounting query); `qstat -f -t ID …` for arrays `123[].server`,
 *   whose subjobs are merged (any task active → that state; else any failed → FAILED; all
 *   exited 0 → COMPLETED); `tracejob -q -n 7 ID`, one per id, only for plain jobs
 *   purged before a poll saw them finish (needs read access to the server logs; set
 *   `keep_completed` ≥ 900 s to make it rare); `qdel ID …`. A purged id (`qstat` exit 153,
 *   `Unknown Job Id Error`, or nothing at all) is no longer in the queue.
 * - Exit status (see `finishedPbsInfo`): 0 COMPLETED, 1–255 FAILED, 256+N (271 = qdel) →
 *   CANCELLED, `-11` (walltime) → FAILED with a `timeout` reason; `C` without `exit_status` →
 *   CANCELLED when the job never ran, FAILED with an unknown exit code when it ran (`exec_host`).
 *
 * @example Render headers and parse qstat output
 * ```ts
 * import { pbs, Status } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const headers = pbs.renderHeaders({ name: "mpi", timeSeconds: 93600, nodes: 2, ppn: 16, threads: 2, extra: [] });
 * assert.ok(headers.includes("#PBS -l walltime=26:00:00"));
 * assert.ok(headers.includes("#PBS -l nodes=2:ppn=32"));
 * assert.ok(headers.includes("#PBS -d .")); // the job starts where qsub ran, not in $HOME
 *
 * const stdout = "Job Id: 7.server\n    job_state = C\n    exit_status = 3\n";
 * const info = pbs.parseStatus({ code: 0, stdout, stderr: "" }, ["7.server"]).get("7.server");
 * assert.ok(info?.status === Status.FAILED && info.exitCode === 3);
 * ```
 */
export const pbs: Backend = pbsBackend({
  name: "pbs",
  knownOptions: pbsKnownOptions,
  arrayIndex: "PBS_ARRAYID",
  resourceLists,
  startDirectory,
  statusCommands,
  parseStatus,
  accountingCommands,
  parseAccounting,
  submitOutcome: (output: CommandOutput) => submitOutcomeOf("pbs", output),
  submitToken: torqueToken,
  // keep_completed is 300 s by default: poll within it, so finished jobs are read from the one
  // batched `qstat -f` (state C, exit_status) rather than from one `tracejob` per job.
  maxPollInterval: 240,
});
