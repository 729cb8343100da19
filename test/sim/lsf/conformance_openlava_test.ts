/**
 * The LSF emulator against the recorded OpenLava 4.0 cluster (an LSF clone of the LSF 7 era):
 * every command of test/fixtures/real-outputs/openlava/ (PROVENANCE.md) is replayed in order,
 * at its recorded time, on a simulated copy of the recording VM, and gives the same output and
 * exit code after normalising times and process values, or is listed in {@linkcode TABLE} with
 * its reason.
 */

import type { SimCluster, SimJob } from "../../../sim/mod.ts";
import { normalizeOutput } from "../../_normalize.ts";
import { recordedCluster, replayRecorded } from "../../_replay.ts";

/**
 * Why the start and end times of most jobs differ: OpenLava's mbatchd dispatches in passes, at
 * most one job per host per pass (JOB_ACCEPT_INTERVAL), and a slot freed is seen at the next
 * pass; the engine starts a job as soon as a slot is free, 0.5 to 1 s earlier (raw/openlava/
 * 034, 038, 047–053: 104 starts at 23:10:08, 105 at :09, 106 and 107 at :10).
 */
const TIMING =
  "dispatch timing: OpenLava's mbatchd starts one job per host per pass, 0.5 to 1 s after the engine would";

/** The conformance table: recorded commands the emulator does not reproduce, and why. */
const TABLE: Record<string, string> = {
  "001-lsid": "lsid is not emulated",
  "002-bsub-V": "`bsub -V` is not emulated",
  "003-bhosts": "bhosts is not emulated",
  "004-bqueues": "bqueues is not emulated",
  "005-lshosts": "lshosts is not emulated",
  "021-bsub-nonexistent-script-via-stdin": "the shell's own error for a missing `< file`",
  "035-bjobs-W-wide-times": "`bjobs -W` prints the process's memory, swap and pids: not emulated",
  "038-bjobs-p-pending-reasons": TIMING,
  "039-bjobs-a-finished": TIMING,
  "042-bjobs-l-DONE": TIMING,
  "043-bjobs-l-EXIT": TIMING,
  "044-bjobs-l-array": TIMING,
  "047-bhist-l-n-0-backend-argv-DONE": TIMING,
  "048-bhist-l-n-0-EXIT": TIMING,
  "049-bhist-l-n-0-array": TIMING,
  "050-bhist-l-n-0-DONE-EXIT": TIMING,
  "052-bhist-short-DONE": TIMING,
  "053-bhist-a": TIMING,
  "054-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "060-bjobs-l-killed-running": TIMING,
  "062-bhist-l-n-0-killed-running": TIMING,
  "063-bhist-l-n-0-killed-pending": TIMING,
  "067-bjobs-killed-array":
    "the order of elements that ended within one second (killed pending k[3] first, then k[2], k[1])",
  "069-bjobs-l-run-limit-job": TIMING,
  "070-bhist-l-n-0-run-limit-job": TIMING,
};

/** Runtime and exit code of the recorded jobs (test/fixtures/real-outputs/openlava/jobs/). */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const script = job.request.script;
  const task = job.arrayTaskId ?? 0;
  if (script.includes("#BSUB -J ok")) return { runtimeSeconds: 2, exitCode: 0 };
  if (script.includes('#BSUB -J "arr[1-4]"')) {
    return { runtimeSeconds: 1, exitCode: task === 3 ? 5 : 0 };
  }
  if (script.includes("LSB_JOBINDEX = 3")) {
    return { runtimeSeconds: 0, exitCode: task === 3 ? 5 : 0 };
  }
  if (script.includes("#BSUB -J overtime")) return { runtimeSeconds: 300, exitCode: 0 };
  const sleep = /^\s*sleep (\d+)\s*$/m.exec(script) ?? /(?:^|\n|;)\s*sleep (\d+)/.exec(script);
  const exit = /^exit (\d+)$/m.exec(script);
  return {
    runtimeSeconds: sleep === null ? 0 : Number(sleep[1]),
    exitCode: exit === null ? 0 : Number(exit[1]),
  };
}

/** The recording VM at the transcript's start: ids 101 and 102 went to the smoke jobs. */
function recordingCluster(): SimCluster {
  return recordedCluster("openlava", "vm", {
    scheduler: "lsf",
    dialect: "openlava",
    queues: [{ name: "normal", default: true }],
    firstJobId: 103,
    startTime: Date.UTC(2026, 11, 1, 23, 10, 0),
    model: recordedModel,
    // The recorded median from submission to running (pbs-lsf-capture/README.md).
    engine: { schedulerDelayMs: 490 },
  });
}

const norm = (text: string) => normalizeOutput(text, { hosts: [], durations: false });

Deno.test("lsf emulator reproduces the recorded OpenLava 4.0 cluster or lists why not", async (t) => {
  await using cluster = recordingCluster();
  await replayRecorded(t, "openlava", cluster, { listed: TABLE, norm });
});
