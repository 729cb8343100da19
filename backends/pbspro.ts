/**
 * The PBS Professional (OpenPBS) backend: `#PBS` headers with `-l select=…`, `qsub`, batched
 * `qstat -f`, `qstat -x -f` history for finished jobs and `qdel`.
 *
 * @module
 */

import { PBSPRO_ARRAY } from "./_array_headers.ts";
import { InvalidValueError } from "../src/core/errors.ts";
import type { Resources } from "../src/core/resources.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { Backend, JobInfo, QueryCommand } from "../src/core/backend.ts";
import type { Layout } from "./_headers.ts";
import { pbsproKnownOptions } from "./_known_pbspro.ts";
import { submitOutcomeOf } from "./_submit_errors.ts";
import { pbsproToken } from "./_submit_token.ts";
import { chunkedQueries } from "./_commands.ts";
import {
  type LimitKills,
  parseQstatStatus,
  pbsBackend,
  pbsMemory,
  type PbsStartDirectory,
} from "./_pbs_family.ts";

/**
 * One chunk per node: `select=N:ncpus=P·T:mpiprocs=P:ompthreads=T[:mem=M][:ngpus=G]` (memory and
 * GPUs are per chunk), and `place=scatter` for more than one node.
 */
function resourceLists(resources: Resources, layout: Layout): string[] {
  const chunk = [
    ...(layout.given
      ? [`ncpus=${layout.coresPerNode}`, `mpiprocs=${layout.ppn}`, `ompthreads=${layout.threads}`]
      : []),
    ...(resources.memMB !== undefined ? [`mem=${pbsMemory(resources.memMB)}`] : []),
    ...((resources.gpus ?? 0) > 0 ? [`ngpus=${resources.gpus}`] : []), // none for `gpus: 0`
  ];
  const select = chunk.length > 0 ? [[`select=${layout.nodes}`, ...chunk].join(":")] : [];
  // Without `place=scatter` PBS Pro may put several chunks on one big host; nodes means hosts.
  return [...select, ...(layout.nodes > 1 ? ["place=scatter"] : [])];
}

/** Interpreters (by file name) that run the `cd` line: POSIX shells, the csh family, fish. */
const SHELLS = /^(?:sh|bash|dash|ash|ksh|ksh93|mksh|pdksh|zsh|yash|posh|csh|tcsh|fish)$/;

/**
 * `cd "$PBS_O_WORKDIR" || exit 1` as the last header line. PBS Pro starts every job in `$HOME`
 * (OpenPBS `src/resmom/start_exec.c`: `chdir(pwdp->pw_dir)` unless `sandbox=PRIVATE`) and its
 * qsub has no working-directory option (no `-d`/`-w`: `GETOPT_ARGS` in `src/cmds/qsub_sup.c`),
 * so the script changes directory itself. `$PBS_O_WORKDIR` is where qsub ran
 * (`src/cmds/qsub.c`), and clusterjob always runs qsub in the job's workdir: unlike the
 * workdir as written (`.`, `runs/a`, `~/runs/a`), it is absolute, expanded on the scheduler
 * host and needs no quoting of its own. A job whose directory has gone fails (exit 1) instead
 * of running in `$HOME`.
 *
 * @throws {InvalidValueError} For a job script run by a program that is not a shell (its
 * plain-path `#!` interpreter): it could not run the `cd`. An interpreter with arguments
 * (`#!/usr/bin/env bash`) is not known here and is taken for a shell.
 */
function startDirectory(resources: Resources): PbsStartDirectory {
  const interpreter = resources.interpreter;
  if (interpreter !== undefined && !SHELLS.test(interpreter.replace(/^.*\//, ""))) {
    throw new InvalidValueError(
      "interpreter",
      interpreter,
      "a shell on PBS Pro: it starts every job in $HOME and has no working-directory option, so " +
        'the job script changes to the submit directory with a shell line (cd "$PBS_O_WORKDIR"); ' +
        "run other programs from a shell body",
    );
  }
  return { directives: [], commands: ['cd "$PBS_O_WORKDIR" || exit 1'] };
}

/**
 * `qstat -x -f -t ID …`: the history of finished jobs, with `-t` so that an array `N[]` comes
 * with its subjobs `N[k]`, each with its own `Exit_status`. The array's own `Exit_status` is
 * not the outcome of its tasks: OpenPBS 23.06 shows `Exit_status = 0` for an array whose task
 * 3 exited 5, the class of whichever subjob changed state last (`update_subjob_state_ct()` in
 * `src/server/array_func.c`; test/fixtures/real-outputs/openpbs/053 and 054). `-t` changes
 * nothing for plain jobs, so one command still asks about every id.
 */
function accountingArgv(ids: readonly string[]): string[] {
  return ["qstat", "-x", "-f", "-t", ...ids];
}

/**
 * The negative `Exit_status` of a job the MOM killed for exceeding a limit: JOB_EXEC_KILL_*
 * in OpenPBS `src/include/job.h` (-29 for the walltime, test/fixtures/real-outputs/openpbs/065).
 */
const LIMIT_KILLS: LimitKills = new Map([
  [-24, "ncpus (burst)"],
  [-25, "ncpus (sum)"],
  [-26, "vmem"],
  [-27, "mem"],
  [-28, "cput"],
  [-29, "walltime"],
]);

/**
 * The PBS Professional backend.
 *
 * - Headers: `-N`, `-q`, `-A`, `-l walltime=HH:MM:SS`,
 *   `-l select=N:ncpus=P·T:mpiprocs=P:ompthreads=T[:mem=M][:ngpus=G]` (memory and GPUs per
 *   chunk, i.e. per node), `-l place=scatter` for more than one node, `-o`, `-e`; other keys
 *   follow the PBS rules; then `cd "$PBS_O_WORKDIR" || exit 1` as the last header line: PBS
 *   Pro starts jobs in `$HOME` and has no option for the working directory, so the script
 *   moves to the directory qsub ran in (clusterjob's workdir) itself. It ends the directives
 *   (qsub reads them up to the first command): give options as resources, not as `#PBS` lines
 *   in the body. A script whose `#!` program is not a shell is refused (`InvalidValueError`).
 * - Variables: `$PBS_JOBID`, `$PBS_O_WORKDIR`, `$PBS_O_HOST`, `$PBS_JOBNAME`,
 *   `` `cat $PBS_NODEFILE` ``, `$PBS_ARRAY_INDEX`.
 * - Commands: `qsub FILE` (full id kept); `qstat -x -f -t ID …` for live and finished jobs at
 *   once (job history, `job_state = F` with `Exit_status`; `-t` lists an array's subjobs, whose
 *   exit statuses decide the array: any failed → FAILED), the same again as accounting for the
 *   ids it did not list; `qdel ID …`.
 *   Exit status: 0 COMPLETED, 1–255 FAILED, 256+N killed by signal N → CANCELLED (FAILED with a
 *   `timeout` reason when the walltime was used up), -29 (walltime) → FAILED with a `timeout`
 *   reason, other negative → FAILED; `substate = 91` (deleted by qdel) → CANCELLED; none →
 *   CANCELLED when the job never ran, FAILED (outcome unknown) when it ran.
 *
 * @example Render a hybrid MPI/OpenMP layout
 * ```ts
 * import { pbspro } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const headers = pbspro.renderHeaders({ name: "hybrid", nodes: 4, ppn: 2, threads: 16, memMB: 8192, extra: [] });
 * assert.ok(headers.includes("#PBS -l select=4:ncpus=32:mpiprocs=2:ompthreads=16:mem=8gb"));
 * assert.ok(headers.includes("#PBS -l place=scatter"));
 * assert.equal(headers.at(-1), 'cd "$PBS_O_WORKDIR" || exit 1'); // PBS Pro starts jobs in $HOME
 * ```
 */
export const pbspro: Backend = pbsBackend({
  dependencyArrayForms: false,
  name: "pbspro",
  knownOptions: pbsproKnownOptions,
  arrayIndex: "PBS_ARRAY_INDEX",
  arraySyntax: PBSPRO_ARRAY,
  resourceLists,
  startDirectory,
  // One command for live and finished jobs: `-x` lists both (PBS Professional Reference Guide
  // "qstat": "-x Displays information for queued, running, and finished jobs"), so a job that
  // finished since the last round costs no second command while the server keeps its history.
  statusCommands: (ids: readonly string[]): QueryCommand[] => chunkedQueries(ids, accountingArgv),
  parseStatus: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseQstatStatus(output, ids, accountingArgv(ids), LIMIT_KILLS),
  accountingCommands: (ids: readonly string[]): QueryCommand[] =>
    chunkedQueries(ids, accountingArgv),
  parseAccounting: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseQstatStatus(output, ids, accountingArgv(ids), LIMIT_KILLS),
  submitOutcome: (output: CommandOutput) => submitOutcomeOf("pbspro", output),
  submitToken: pbsproToken,
});
