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
 * The order of jobs that ended within the same second: 109[2] before 109[1], 109[4] before
 * 109[3] (raw/openlava/039, 044), 118's elements k[3], k[2], k[1] (067), but 110's in order; the
 * engine orders them by their end and then their submission.
 */
const SAME_SECOND =
  "the order of jobs that ended within one second: a race between them on the real host";

/**
 * sbatchd enforces the run limit on its own poll: the `-W 1` job was killed 61 s after it
 * started (raw/openlava/069, 070), the engine kills it at 60 s.
 */
const RUN_LIMIT =
  "sbatchd kills at its next poll after the run limit: 61 s for `-W 1`, 60 s in the engine";

/** The conformance table: recorded commands the emulator does not reproduce, and why. */
const TABLE: Record<string, string> = {
  "001-lsid": "lsid is not emulated",
  "002-bsub-V": "`bsub -V` is not emulated",
  "005-lshosts": "lshosts is not emulated",
  "021-bsub-nonexistent-script-via-stdin": "the shell's own error for a missing `< file`",
  "035-bjobs-W-wide-times": "`bjobs -W` prints the process's memory, swap and pids: not emulated",
  "039-bjobs-a-finished": SAME_SECOND,
  "044-bjobs-l-array": SAME_SECOND,
  "054-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "067-bjobs-killed-array": SAME_SECOND,
  "069-bjobs-l-run-limit-job": RUN_LIMIT,
  "070-bhist-l-n-0-run-limit-job": RUN_LIMIT,
};

/** Runtime and exit code of the recorded jobs (test/fixtures/real-outputs/openlava/jobs/). */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const script = job.request.script;
  const task = job.arrayTaskId ?? 0;
  // ok.sh, read from stdin or run as the command (`bsub ./ok.sh`, 106 and 107), sleeps 2 s.
  if (script.includes("#BSUB -J ok") || script.startsWith("./ok.sh")) {
    return { runtimeSeconds: 2, exitCode: 0 };
  }
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
    // mbatchd dispatches on whole seconds, the first pass half a second or more after a change:
    // 103 and 104, submitted at 23:10:07, start at :08; 105 at :09 once 103 has ended; 106 and
    // 107 at :10 once 104 and 105 have (raw/openlava/034, 042, 043, 053); the recorded median
    // from submission to running is 0.49 s (pbs-lsf-capture/README.md).
    engine: { schedulerDelayMs: 490, schedulerPeriodMs: 1000 },
  });
}

/** Blanks dates and the pids of the job processes (`Starting (Pid 11720)`). */
const norm = (text: string) =>
  normalizeOutput(text, {
    hosts: [],
    durations: false,
    replace: [[/\bPid (<?)\d+\b/g, "Pid $1<PID>"]],
  });

Deno.test("lsf emulator reproduces the recorded OpenLava 4.0 cluster or lists why not", async (t) => {
  await using cluster = recordingCluster();
  await replayRecorded(t, "openlava", cluster, { listed: TABLE, norm });
});
