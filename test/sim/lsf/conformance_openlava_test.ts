/**
 * The LSF emulator against the recorded OpenLava 4.0 cluster (an LSF clone of the LSF 7 era):
 * every command of test/fixtures/real-outputs/openlava/ (PROVENANCE.md) is replayed in order,
 * at its recorded time, on a simulated copy of the recording VM, and gives the same output and
 * exit code after normalising times and process values, or is listed in {@linkcode TABLE} with
 * its reason.
 */

import { SimCluster, type SimJob } from "../../../sim/mod.ts";
import { normalizeOutput } from "../../_normalize.ts";
import { replayConformance } from "../../_replay.ts";

/** Where the recording ran its commands. */
const DIR = "/home/pbsuser/openlava";

/** The recording's environment (`env -i`). */
const ENV = {
  PATH: "/opt/openlava/bin:/usr/bin:/bin",
  HOME: "/home/pbsuser",
  USER: "pbsuser",
  LOGNAME: "pbsuser",
  SHELL: "/bin/bash",
  LANG: "C.UTF-8",
};

/** The conformance table: recorded commands the emulator does not reproduce, and why. */
const TABLE: Record<string, string> = {
  "001-lsid": "lsid is not emulated",
  "002-bsub-V": "`bsub -V` is not emulated",
  "003-bhosts": "bhosts is not emulated",
  "004-bqueues": "bqueues is not emulated",
  "005-lshosts": "lshosts is not emulated",
  "018-bsub-w-done-unknown": "OpenLava names only the job id in `No matching job found`",
  "020-bsub-bad-option":
    "OpenLava's getopt complaint (`illegal option -- Z` then `. Job not submitted.`)",
  "021-bsub-nonexistent-script-via-stdin": "the shell's own error for a missing `< file`",
  "022-bsub-J-bad-array": "OpenLava's `Bad job name.` for a backwards array range",
  "023-bjobs-default":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "024-bjobs-a":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "025-bjobs-ids":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "026-bjobs-l-running": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "027-bjobs-l-held-PSUSP": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "028-bjobs-l-dependent-PEND": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "029-bjobs-array":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "030-bjobs-A-array": "`bjobs -A` (array summary) is not emulated",
  "031-bjobs-id-2":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "032-bjobs-o-LSF-9-1-the-backend-s-status-query":
    "OpenLava has no `bjobs -o`: `invalid option -- 'o'` and its usage, exit 255",
  "033-bjobs-o-jobid-stat-exit-code-noheader":
    "OpenLava has no `bjobs -o`: `invalid option -- 'o'` and its usage, exit 255",
  "034-bjobs-w": "`bjobs -w`: OpenLava dispatches one job per host per scheduling pass",
  "035-bjobs-W-wide-times": "`bjobs -W` is not emulated",
  "037-bjobs-known-unknown":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "038-bjobs-p-pending-reasons": "`bjobs -p` (pending reasons) is not emulated",
  "039-bjobs-a-finished":
    "`bjobs -a`: OpenLava lists unfinished jobs first, then finished ones by end time",
  "040-bjobs-DONE-job":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "041-bjobs-EXIT-job-exit-3":
    "OpenLava's table: `Dec  1` dates and two trailing blanks; jobs start on the next dispatch",
  "042-bjobs-l-DONE": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "043-bjobs-l-EXIT": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "044-bjobs-l-array": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "045-bjobs-A-finished-array": "`bjobs -A` (array summary) is not emulated",
  "046-bjobs-l-dependent-of-failed-job":
    "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "047-bhist-l-n-0-backend-argv-DONE":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
  "048-bhist-l-n-0-EXIT":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
  "049-bhist-l-n-0-array":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
  "050-bhist-l-n-0-DONE-EXIT":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
  "052-bhist-short-DONE":
    "bhist's PEND seconds: OpenLava dispatches one job per host per scheduling pass",
  "053-bhist-a": "bhist's PEND seconds: OpenLava dispatches one job per host per scheduling pass",
  "054-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "055-bsub-sleeper": "job ids: OpenLava numbers the submissions it refuses (018, 019, 022) too",
  "056-bkill-running": "job ids: OpenLava numbers the submissions it refuses (018, 019, 022) too",
  "060-bjobs-l-killed-running": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "061-bjobs-l-killed-pending": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "062-bhist-l-n-0-killed-running":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
  "063-bhist-l-n-0-killed-pending":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
  "064-bjobs-dependent-of-killed-job":
    "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "065-bkill-array": "job ids: OpenLava numbers the submissions it refuses (018, 019, 022) too",
  "066-bkill-whole-array":
    "job ids: OpenLava numbers the submissions it refuses (018, 019, 022) too",
  "067-bjobs-killed-array":
    "job ids: OpenLava numbers the submissions it refuses (018, 019, 022) too",
  "068-bsub-W-1-run-limit-1-min":
    "job ids: OpenLava numbers the submissions it refuses (018, 019, 022) too",
  "069-bjobs-l-run-limit-job": "`bjobs -l` is not emulated (OpenLava's `Job Id <N>,` records)",
  "070-bhist-l-n-0-run-limit-job":
    "bhist -l prints LSF 10's `Job <N>,` records, not OpenLava's `Job Id <N>,`",
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
  const cluster = new SimCluster({
    scheduler: "lsf",
    nodes: [{ name: "vm", cpus: 2, memoryMB: 24105 }],
    queues: [{ name: "normal", default: true }],
    user: "pbsuser",
    loginHost: "vm",
    firstJobId: 103,
    startTime: Date.UTC(2026, 11, 1, 23, 10, 0),
    model: recordedModel,
    // The recorded median from submission to running (pbs-lsf-capture/README.md).
    engine: { schedulerDelayMs: 490 },
  });
  const jobs = new URL("../../fixtures/real-outputs/openlava/jobs/", import.meta.url).pathname;
  for (const entry of Deno.readDirSync(jobs)) {
    if (entry.name.endsWith(".sh")) {
      cluster.fs.writeText(`${DIR}/${entry.name}`, Deno.readTextFileSync(jobs + entry.name));
    }
  }
  return cluster;
}

const norm = (text: string) => normalizeOutput(text, { hosts: [], durations: false });

Deno.test("lsf emulator reproduces the recorded OpenLava 4.0 cluster or lists why not", async (t) => {
  await using cluster = recordingCluster();
  const counts = await replayConformance(t, {
    product: "openlava",
    cluster,
    cwd: DIR,
    env: ENV,
    day: Date.UTC(2026, 11, 1),
    listed: TABLE,
    norm,
  });
  console.log(`openlava: ${counts.identical.length} identical, ${counts.listed.length} listed`);
});
