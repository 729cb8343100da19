/**
 * The PBS Professional (OpenPBS) backend: `#PBS` headers with `-l select=…`, `qsub`, batched
 * `qstat -f`, `qstat -x -f` history for finished jobs and `qdel`.
 *
 * @module
 */

import type { Resources } from "../src/core/resources.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { Backend, JobInfo, QueryCommand } from "../src/core/backend.ts";
import type { Layout } from "./_headers.ts";
import { pbsproKnownOptions } from "./_known_pbspro.ts";
import { chunkedQueries } from "./_commands.ts";
import {
  parseQstatFullStatus,
  parseQstatStatus,
  pbsBackend,
  pbsMemory,
  qstatStatusCommands,
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
    ...(resources.gpus !== undefined ? [`ngpus=${resources.gpus}`] : []),
  ];
  const select = chunk.length > 0 ? [[`select=${layout.nodes}`, ...chunk].join(":")] : [];
  // Without `place=scatter` PBS Pro may put several chunks on one big host; nodes means hosts.
  return [...select, ...(layout.nodes > 1 ? ["place=scatter"] : [])];
}

function accountingArgv(ids: readonly string[]): string[] {
  return ["qstat", "-x", "-f", ...ids];
}

/**
 * The PBS Professional backend.
 *
 * - Headers: `-N`, `-q`, `-A`, `-l walltime=HH:MM:SS`,
 *   `-l select=N:ncpus=P·T:mpiprocs=P:ompthreads=T[:mem=M][:ngpus=G]` (memory and GPUs per
 *   chunk, i.e. per node), `-l place=scatter` for more than one node, `-o`, `-e`; other keys
 *   follow the PBS rules.
 * - Variables: `$PBS_JOBID`, `$PBS_O_WORKDIR`, `$PBS_O_HOST`, `$PBS_JOBNAME`,
 *   `` `cat $PBS_NODEFILE` ``, `$PBS_ARRAY_INDEX`.
 * - Commands: `qsub FILE` (full id kept); `qstat -f ID …` for live jobs; `qstat -x -f ID …`
 *   (job history, `job_state = F` with `Exit_status`) for finished ones; `qdel ID …`.
 *   Exit status: 0 COMPLETED, 1–255 FAILED, 256+N killed by signal N → CANCELLED (FAILED with a
 *   `timeout` reason when the walltime was used up), negative → FAILED, none → CANCELLED.
 *
 * @example Render a hybrid MPI/OpenMP layout
 * ```ts
 * import { pbspro } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const headers = pbspro.renderHeaders({ name: "hybrid", nodes: 4, ppn: 2, threads: 16, memMB: 8192, extra: [] });
 * assert.ok(headers.includes("#PBS -l select=4:ncpus=32:mpiprocs=2:ompthreads=16:mem=8gb"));
 * assert.ok(headers.includes("#PBS -l place=scatter"));
 * ```
 */
export const pbspro: Backend = pbsBackend({
  name: "pbspro",
  knownOptions: pbsproKnownOptions,
  arrayIndex: "PBS_ARRAY_INDEX",
  resourceLists,
  statusCommands: qstatStatusCommands,
  parseStatus: parseQstatFullStatus,
  accountingCommands: (ids: readonly string[]): QueryCommand[] =>
    chunkedQueries(ids, accountingArgv),
  parseAccounting: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseQstatStatus(output, ids, accountingArgv(ids)),
});
