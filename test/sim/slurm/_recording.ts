/**
 * The recorded SLURM 22.05 cluster, for the tests that replay its transcripts or run its job
 * scripts: the scripts' directory and texts, and simulated copies of the recording VM.
 */

import type { SimCluster, SimJob } from "../../../sim/mod.ts";
import { slurmData } from "../../../sim/slurm/_jobs.ts";
import { recordingVm } from "../../_replay.ts";

/** Where the recording kept its job scripts, and ran its commands. */
export const DIR = "/srv/cj/jobs/slurm";

/** The job scripts of the recording (`jobs/slurm/*` in the transcript). */
export const SCRIPTS: Record<string, string> = {
  "array.sh":
    '#!/bin/bash\n#SBATCH --job-name=arr\necho "task $SLURM_ARRAY_TASK_ID of array $SLURM_ARRAY_JOB_ID (job $SLURM_JOB_ID)"\nsleep 3\n',
  "env.sh": "#!/bin/bash\n#SBATCH --job-name=envdump\n#SBATCH --output=env-%j.out\nenv | sort\n",
  "fail.sh":
    '#!/bin/bash\n#SBATCH --job-name=fail\necho "about to fail"\necho "error text" >&2\nexit 3\n',
  "noshebang.sh": "echo no shebang here\n",
  "ok.sh":
    '#!/bin/bash\n#SBATCH --job-name=ok\necho "hello from job $SLURM_JOB_ID on $(hostname)"\nsleep 2\n',
  "sleep.sh": '#!/bin/bash\n#SBATCH --job-name=sleeper\nsleep "${1:-600}"\n',
};

/** Runtime and exit code of the recorded scripts, for `model` execution. */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const command = slurmData(job).command;
  const script = job.request.script;
  if (command.endsWith("/ok.sh")) return { runtimeSeconds: 2, exitCode: 0 };
  if (command.endsWith("/fail.sh")) return { runtimeSeconds: 0, exitCode: 3 };
  if (command.includes("/sleep.sh")) {
    return { runtimeSeconds: Number(job.request.scriptArgs?.[0] ?? 600), exitCode: 0 };
  }
  if (command.endsWith("/array.sh")) return { runtimeSeconds: 3, exitCode: 0 };
  const exit = /\nexit (\d+)\n$/.exec(script);
  return { runtimeSeconds: 0, exitCode: exit === null ? 0 : Number(exit[1]) };
}

/** The recording VM in `model` execution, at the transcript's start. */
export function recordingCluster(): SimCluster {
  return recordingVm(
    { scheduler: "slurm", startTime: Date.UTC(2026, 10, 25, 8, 45, 30), model: recordedModel },
    DIR,
    SCRIPTS,
  );
}

/** The recording VM in `shell` execution: the job scripts run for real. */
export function shellCluster(firstJobId: number): SimCluster {
  return recordingVm({ scheduler: "slurm", firstJobId, execution: "shell" }, DIR, SCRIPTS);
}
