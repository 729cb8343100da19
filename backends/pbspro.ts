/**
 * The PBS Professional (OpenPBS) backend: `#PBS` headers with `-l select=…`, `qsub`, batched
 * `qstat -f`, `qstat -x -f` history for finished jobs and `qdel`.
 *
 * @module
 */

import type { Resources } from "../src/core/resources.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { Backend, JobInfo, QueryCommand } from "../src/core/backend.ts";
import { chunkedQueries, formatMemory, layoutOf } from "./_common.ts";
import {
  parsePbsJobId,
  parseQstatFullStatus,
  parseQstatStatus,
  PBS_MEMORY_UNITS,
  PBS_PREFIX,
  pbsEnvVars,
  pbsHeaders,
  qdelCommand,
  qstatStatusCommands,
  qsubCommand,
} from "./_pbs_family.ts";

function renderHeaders(resources: Resources): string[] {
  const layout = layoutOf(resources);
  const lines: string[] = [];
  if (layout.given || resources.memMB !== undefined || resources.gpus !== undefined) {
    // Memory and GPUs live in the chunk (one chunk per node), so they are per node.
    let select = `select=${layout.nodes}`;
    if (layout.given) {
      select += `:ncpus=${layout.coresPerNode}:mpiprocs=${layout.ppn}:ompthreads=${layout.threads}`;
    }
    if (resources.memMB !== undefined) {
      select += `:mem=${formatMemory(resources.memMB, PBS_MEMORY_UNITS)}`;
    }
    if (resources.gpus !== undefined) select += `:ngpus=${resources.gpus}`;
    lines.push(`${PBS_PREFIX} -l ${select}`);
  }
  // Without `place=scatter` PBS Pro may put several chunks on one big host; nodes means hosts.
  if (layout.nodes > 1) lines.push(`${PBS_PREFIX} -l place=scatter`);
  return pbsHeaders(resources, lines);
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
 *
 * const headers = pbspro.renderHeaders({ name: "hybrid", nodes: 4, ppn: 2, threads: 16, memMB: 8192, extra: [] });
 * console.assert(headers.includes("#PBS -l select=4:ncpus=32:mpiprocs=2:ompthreads=16:mem=8gb"));
 * console.assert(headers.includes("#PBS -l place=scatter"));
 * ```
 */
export const pbspro: Backend = Object.freeze({
  name: "pbspro",
  extension: "pbs",
  prefix: PBS_PREFIX,
  envVars: pbsEnvVars("PBS_ARRAY_INDEX"),
  renderHeaders,
  submitCommand: qsubCommand,
  parseJobId: parsePbsJobId,
  statusCommands: qstatStatusCommands,
  parseStatus: parseQstatFullStatus,
  accountingCommands: (ids: readonly string[]): QueryCommand[] =>
    chunkedQueries(ids, accountingArgv),
  parseAccounting: (output: CommandOutput, ids: readonly string[]): Map<string, JobInfo> =>
    parseQstatStatus(output, ids, accountingArgv(ids)),
  cancelCommand: qdelCommand,
});
