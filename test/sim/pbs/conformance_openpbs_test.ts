/**
 * The PBS Professional emulator against the recorded OpenPBS 23.06 cluster: every command of
 * test/fixtures/real-outputs/openpbs/ (PROVENANCE.md) is replayed in order, at its recorded
 * time, on a simulated copy of the recording VM, and gives the same output and exit code after
 * normalising times and process values, or is listed in {@linkcode TABLE} with its reason.
 */

import type { SimCluster, SimJob } from "../../../sim/mod.ts";
import {
  normalizePbs,
  recordedCluster,
  recordedSession,
  replayRecorded,
  type ReplayStep,
} from "../../_replay.ts";

const { cwd: DIR, env: ENV } = recordedSession("openpbs");

/** The conformance table: recorded commands the emulator does not reproduce, and why. */
const TABLE: Record<string, string> = {
  "001-qstat-version": "`--version` is not emulated",
  "002-qsub-version": "`--version` is not emulated",
  "003-qstat-B": "`qstat -B` (the server summary) is not emulated",
  "004-qstat-Q": "`qstat -Q` (the queue summary) is not emulated",
  "005-pbsnodes-a": "pbsnodes is not emulated",
  "030-qstat-f-array":
    "timing within the second: the first subjob had just started (Running:1 while the array still shows Q)",
  "031-qstat-f-t-array":
    "timing within the second: the first subjob had just started (Running:1 while the array still shows Q)",
  "032-qstat-f-one-subjob":
    "timing within the second: the first subjob had just started (Running:1 while the array still shows Q)",
  "039-qstat-x-f-failed-parent":
    "timing within the second: which of the two cores a job was given (`exec_host`)",
  "043-qstat-x-default-all": "jobs 0 to 40 of the recording's earlier sessions are not replayed",
  "050-job-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "054-qstat-x-f-t-array":
    "timing within the second: which of the two cores a job was given (`exec_host`)",
  "055-array-output-files":
    "job output files: model execution writes none, and `ls` is not emulated",
  "065-qstat-x-f-walltime-killed":
    "pbs_mom checks walltime on its polls: the job was killed 21 s into its 3 s limit, at 3 s in the simulation",
  "067-tracejob-finished-exit-0":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "068-tracejob-n-7-exit-3":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "069-tracejob-n-7-deleted-running-job":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "070-tracejob-n-7-deleted-held-job":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "071-tracejob-n-7-array":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "072-tracejob-n-7-subjob":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "073-tracejob-n-7-walltime":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "074-tracejob-n-7-unknown":
    "tracejob: OpenPBS's server, scheduler and mom log lines are not emulated",
  "076-qstat-x-f-F-json-finished-job": "`qstat -F json` is not emulated",
  "077-qstat-f-F-json-unknown": "`qstat -F json` is not emulated",
  "078-qstat-x-f-F-dsv-finished-job": "`qstat -F dsv` is not emulated",
  "079-qselect-x-s-F": "qselect is not emulated (and jobs 0 to 40 are not replayed)",
};

/**
 * Runtime and exit code of the recorded scripts (test/fixtures/real-outputs/openpbs/jobs/). The
 * OpenPBS mom holds a job's core for most of a second after the script ends, until its obit
 * (`stime` 21:48:01, `obittime` 21:48:02 for `fail.sh` in raw/openpbs/046, 1.37 s from submission
 * to F for `true` in pbs-lsf-capture/README.md): a job lasts its script and 0.8 s.
 */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const { runtimeSeconds, exitCode } = scriptModel(job);
  return { runtimeSeconds: runtimeSeconds + 0.8, exitCode };
}

function scriptModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const script = job.request.script;
  const task = job.arrayTaskId ?? 0;
  if (script.includes("#PBS -N ok")) return { runtimeSeconds: 2, exitCode: 0 };
  if (script.includes("#PBS -N arr")) return { runtimeSeconds: 1, exitCode: task === 3 ? 5 : 0 };
  if (script.includes("#PBS -N sleeper")) {
    return { runtimeSeconds: Number(job.request.exportedEnv?.SLEEP ?? 600), exitCode: 0 };
  }
  if (script.includes("#PBS -N overtime")) return { runtimeSeconds: 120, exitCode: 0 };
  if (script.includes("PBS_ARRAY_INDEX = 1")) {
    return { runtimeSeconds: task === 1 ? 0 : 20, exitCode: task };
  }
  const exit = /^exit (\d+)$/m.exec(script);
  return { runtimeSeconds: 0, exitCode: exit === null ? 0 : Number(exit[1]) };
}

/**
 * The recording VM at the transcript's start: ids 0 to 40 went to earlier sessions, of which
 * jobs 8 and 22 (`ok.sh`, held) are still queued (raw/openpbs/006).
 */
async function recordingCluster(): Promise<SimCluster> {
  const cluster = recordedCluster("openpbs", "vm-pbs", {
    scheduler: "pbspro",
    queues: [{ name: "workq", default: true }],
    firstJobId: 8,
    startTime: Date.UTC(2026, 11, 1, 21, 40, 0),
    model: recordedModel,
    // The recorded median from submission to running (pbs-lsf-capture/README.md).
    engine: { schedulerDelayMs: 28 },
  });
  for (let id = 8; id <= 40; id++) {
    if (id === 8 || id === 22) {
      await cluster.run(["qsub", "-h", "ok.sh"], { cwd: DIR, env: ENV });
    } else cluster.engine.reserveJobId();
  }
  return cluster;
}

/** Steps replayed differently from their command line. */
const STEPS: Record<string, ReplayStep> = {
  // The recording's qdel came after the scheduler had started two of the subjobs (raw/openpbs/082).
  "081-qdel-array-while-running": { before: (cluster) => cluster.advance(100) },
  // The recording's qstat came after task 1 had run and ended (its obittime is that second).
  "084-qstat-t-array-with-a-finished-subjob": { before: (cluster) => cluster.advance(900) },
};

Deno.test("pbspro emulator reproduces the recorded OpenPBS 23.06 cluster or lists why not", async (t) => {
  await using cluster = await recordingCluster();
  await replayRecorded(t, "openpbs", cluster, { steps: STEPS, listed: TABLE, norm: normalizePbs });
});
