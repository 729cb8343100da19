/**
 * The Torque emulator against the recorded Torque 6.1 cluster: every command of
 * test/fixtures/real-outputs/torque/ (PROVENANCE.md) is replayed in order, at its recorded
 * time, on a simulated copy of the recording VM, and gives the same output and exit code after
 * normalising times and process values, or is listed in {@linkcode TABLE} with its reason.
 */

import type { SimCluster, SimJob } from "../../../sim/mod.ts";
import { shellWords } from "../../_normalize.ts";
import {
  normalizePbs,
  recordedCluster,
  recordedSession,
  replayRecorded,
  type ReplayStep,
} from "../../_replay.ts";

const { cwd: DIR, env: ENV } = recordedSession("torque");

/** The conformance table: recorded commands the emulator does not reproduce, and why. */
const TABLE: Record<string, string> = {
  "001-qstat-version": "`--version` is not emulated",
  "002-qsub-version": "`--version` is not emulated",
  "003-qstat-B": "`qstat -B` (the server summary) is not emulated",
  "004-qstat-Q": "`qstat -Q` (the queue summary) is not emulated",
  "005-pbsnodes-a": "pbsnodes is not emulated",
  "019-qstat-a":
    "timing within the second: pbs_sched started job 3 in the 18 ms between 018 (Q) and 019 (R)",
  "050-job-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "054-qstat-f-t-array-finished":
    "timing within the second: which of the two cores each subjob was given (`exec_host`)",
  "055-array-output-files":
    "job output files: model execution writes none, and `ls` is not emulated",
  "062-qstat-f-afterok-child-of-deleted-parent":
    "Torque's qdel of a held parent released its afterok child, which ran; the engine has no way to drop a dependency, so the child stays H",
  "064-qstat-f-walltime-killed":
    "pbs_mom checks walltime on its polls: the job was killed 13 s into its 3 s limit, at 3 s in the simulation",
  "067-qstat-f-array-with-a-finished-subjob":
    "Torque's qdel of a held parent released its afterok child, which ran; the engine has no way to drop a dependency, so the child stays H",
  "069-qstat-f-t-deleted-array":
    "timing within the second: which of the two cores each subjob was given (`exec_host`)",
  "070-tracejob-finished-exit-0": "tracejob: Torque's server and mom log lines are not emulated",
  "071-tracejob-q-n-7-backend-argv-exit-3":
    "tracejob: Torque's server and mom log lines are not emulated",
  "072-tracejob-q-n-7-deleted-running-job":
    "tracejob: Torque's server and mom log lines are not emulated",
  "073-tracejob-q-n-7-deleted-held-job":
    "tracejob: Torque's server and mom log lines are not emulated",
  "074-tracejob-q-n-7-array": "tracejob: Torque's server and mom log lines are not emulated",
  "075-tracejob-q-n-7-subjob": "tracejob: Torque's server and mom log lines are not emulated",
  "076-tracejob-q-n-7-walltime": "tracejob: Torque's server and mom log lines are not emulated",
  "078-ls-l-of-the-log-dirs": "`ls` of the server's spool directories is not emulated",
  "082-qstat-B-afterwards": "`qstat -B` (the server summary) is not emulated",
  "083-qstat-afterwards":
    "job 10 (see 062); and job 18's plain `afterany` on an array id never releases on Torque 6.1",
};

/** Runtime and exit code of the recorded scripts (test/fixtures/real-outputs/torque/jobs/). */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const script = job.request.script;
  const task = job.arrayTaskId ?? 0;
  if (script.includes("#PBS -N ok")) return { runtimeSeconds: 2, exitCode: 0 };
  if (script.includes("#PBS -N arr")) return { runtimeSeconds: 1, exitCode: task === 3 ? 5 : 0 };
  if (script.includes("#PBS -N sleeper")) {
    return { runtimeSeconds: Number(job.request.exportedEnv?.SLEEP ?? 600), exitCode: 0 };
  }
  if (script.includes("#PBS -N overtime")) return { runtimeSeconds: 120, exitCode: 0 };
  if (script.includes("PBS_ARRAYID = 1")) {
    return { runtimeSeconds: task === 1 ? 0 : 20, exitCode: task };
  }
  const exit = /^exit (\d+)$/m.exec(script);
  return { runtimeSeconds: 0, exitCode: exit === null ? 0 : Number(exit[1]) };
}

/** The recording VM at the transcript's start (ids from 1). */
function recordingCluster(): SimCluster {
  const cluster = recordedCluster("torque", "vm", {
    scheduler: "pbs",
    queues: [{ name: "batch", default: true, defaultTimeSeconds: 3600 }],
    startTime: Date.UTC(2026, 11, 1, 23, 8, 40),
    model: recordedModel,
    // The recorded median from submission to running (pbs-lsf-capture/README.md).
    engine: { schedulerDelayMs: 200 },
  });
  return cluster;
}

/** Steps replayed differently from their command line. */
const STEPS: Record<string, ReplayStep> = {
  "065-qsub-t-1-3-task-1-quick-others-sleep-20": {
    run: (cluster) => {
      cluster.fs.writeText(
        `${DIR}/mixed.sh`,
        "#!/bin/bash\n[ $PBS_ARRAYID = 1 ] || sleep 20\nexit $PBS_ARRAYID\n",
      );
      return cluster.run(shellWords("qsub -t 1-3 -N mixed mixed.sh"), { cwd: DIR, env: ENV });
    },
  },
  // The recording's qstat ran after the scheduler's first cycle: task 1 had run and ended.
  "066-qstat-t-array-with-a-finished-subjob": { before: (cluster) => cluster.advance(300) },
};

Deno.test("torque emulator reproduces the recorded Torque 6.1 cluster or lists why not", async (t) => {
  await using cluster = recordingCluster();
  await replayRecorded(t, "torque", cluster, { steps: STEPS, listed: TABLE, norm: normalizePbs });
});
