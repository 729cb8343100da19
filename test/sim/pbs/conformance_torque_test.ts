/**
 * The Torque emulator against the recorded Torque 6.1 cluster: every command of
 * test/fixtures/real-outputs/torque/ (PROVENANCE.md) is replayed in order, at its recorded
 * time, on a simulated copy of the recording VM, and gives the same output and exit code after
 * normalising times and process values, or is listed in {@linkcode TABLE} with its reason.
 */

import { SimCluster, type SimJob } from "../../../sim/mod.ts";
import { normalizeOutput, shellWords } from "../../_normalize.ts";
import { replayConformance, type ReplayStep } from "../../_replay.ts";

/** Where the recording ran its commands. */
const DIR = "/home/pbsuser/torque";

/** The recording's environment (`env -i`). */
const ENV = {
  PATH: "/opt/torque/bin:/usr/bin:/bin",
  HOME: "/home/pbsuser",
  USER: "pbsuser",
  LOGNAME: "pbsuser",
  SHELL: "/bin/bash",
  LANG: "C.UTF-8",
};

/** The conformance table: recorded commands the emulator does not reproduce, and why. */
const TABLE: Record<string, string> = {
  "001-qstat-version": "`--version` is not emulated",
  "002-qsub-version": "`--version` is not emulated",
  "003-qstat-B": "`qstat -B` (the server summary) is not emulated",
  "004-qstat-Q": "`qstat -Q` (the queue summary) is not emulated",
  "005-pbsnodes-a": "pbsnodes is not emulated",
  "014-qsub-bad-option":
    "qsub's usage text is not Torque 6.1's (`[exiting]`, the whole option list)",
  "016-qsub-t-bad-range":
    "Torque refuses a backwards `-t` range at the server: `Bad Job Array Request`, exit 235",
  "017-qsub-J-PBS-Pro-array-syntax":
    "Torque's `-J` belongs to `-P` (proxy user): its own complaint and usage",
  "018-qstat-default-with-live-jobs":
    "Time Use of a running job: Torque prints 0 until the mom has reported cput",
  "019-qstat-a": "`qstat -a` is not emulated",
  "020-qstat-f-running-queued-held-jobs":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "021-qstat-f-held-job":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "022-qstat-array-summary":
    "Torque 6.1 answers `qstat N[]` without -t with every job in the queue",
  "024-qstat-f-array": "Torque 6.1 answers `qstat N[]` without -t with every job in the queue",
  "025-qstat-f-t-array":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "026-qstat-f-one-subjob":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "029-qstat-f-known-unknown":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "030-qstat-f-bare-number":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "031-qstat-malformed-id":
    "Torque takes a malformed id for a destination: `Unknown queue destination`, exit 172",
  "032-qstat-x-Torque-XML": "qstat -x attributes are not Torque 6.1's yet (as qstat -f)",
  "033-qsub-sleeper": "job ids: Torque numbers the submissions it refuses (015, 016, 037) too",
  "034-qsub-W-depend-afterok-held-job":
    "job ids: Torque numbers the submissions it refuses (015, 016, 037) too",
  "035-qsub-h-failing-parent":
    "job ids: Torque numbers the submissions it refuses (015, 016, 037) too",
  "036-qsub-W-depend-afterok-job-that-will-fail":
    "follows from the job ids (refused submissions use ids on Torque)",
  "037-qsub-W-depend-on-unknown-job":
    "a dependency on an unknown job: Torque's `Invalid Job Dependency`, exit 208",
  "038-qstat-f-dependent-job": "follows from the job ids (refused submissions use ids on Torque)",
  "039-qstat-f-held-parent-with-dependents":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "040-qstat-f-running-sleeper": "follows from the job ids (refused submissions use ids on Torque)",
  "041-qrls": "follows from the job ids (refused submissions use ids on Torque)",
  "042-qstat-f-failed-parent": "follows from the job ids (refused submissions use ids on Torque)",
  "043-qstat-f-afterok-child-of-failed-parent":
    "follows from the job ids (refused submissions use ids on Torque)",
  "045-qstat-f-finished-exit-0":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "046-qstat-f-finished-exit-3":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "047-qstat-f-stdin-job":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "048-qstat-f-ok-failed-unknown":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "049-qstat-x-finished-XML": "qstat -x attributes are not Torque 6.1's yet (as qstat -f)",
  "050-job-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "051-qstat-array-summary-finished":
    "Torque 6.1 answers `qstat N[]` without -t with every job in the queue",
  "053-qstat-f-array-finished":
    "Torque 6.1 answers `qstat N[]` without -t with every job in the queue",
  "054-qstat-f-t-array-finished":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "055-array-output-files":
    "job output files: model execution writes none, and `ls` is not emulated",
  "058-qdel-unknown": "qdel of an unknown id: Torque's `qdel: nonexistent job id:`",
  "060-qstat-f-deleted-running-job":
    "follows from the job ids (refused submissions use ids on Torque)",
  "061-qstat-f-deleted-held-job":
    "qstat -f attributes are not Torque 6.1's yet (Job_Owner, Resource_List order and default walltime, Variable_List, comment, depend)",
  "062-qstat-f-afterok-child-of-deleted-parent":
    "follows from the job ids (refused submissions use ids on Torque)",
  "063-qsub-walltime-3s-job":
    "job ids: Torque numbers the submissions it refuses (015, 016, 037) too",
  "064-qstat-f-walltime-killed": "follows from the job ids (refused submissions use ids on Torque)",
  "065-qsub-t-1-3-task-1-quick-others-sleep-20":
    "follows from the job ids (refused submissions use ids on Torque)",
  "066-qstat-t-array-with-a-finished-subjob":
    "follows from the job ids (refused submissions use ids on Torque)",
  "067-qstat-f-array-with-a-finished-subjob":
    "Torque 6.1 answers `qstat N[]` without -t with every job in the queue",
  "068-qdel-running-array": "follows from the job ids (refused submissions use ids on Torque)",
  "069-qstat-f-t-deleted-array": "follows from the job ids (refused submissions use ids on Torque)",
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
  "077-tracejob-q-n-7-unknown": "tracejob: Torque's server and mom log lines are not emulated",
  "078-ls-l-of-the-log-dirs": "`ls` of the server's spool directories is not emulated",
  "079-qsub-t-1-2-array": "job ids: Torque numbers the submissions it refuses (015, 016, 037) too",
  "080-qsub-W-depend-afterokarray-active-array":
    "follows from the job ids (refused submissions use ids on Torque)",
  "081-qsub-W-depend-afterany-active-array-id":
    "follows from the job ids (refused submissions use ids on Torque)",
  "082-qstat-B-afterwards": "`qstat -B` (the server summary) is not emulated",
  "083-qstat-afterwards": "follows from the job ids (refused submissions use ids on Torque)",
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
  const cluster = new SimCluster({
    scheduler: "pbs",
    nodes: [{ name: "vm", cpus: 2, memoryMB: 24105 }],
    queues: [{ name: "batch", default: true, defaultTimeSeconds: 3600 }],
    user: "pbsuser",
    loginHost: "vm",
    startTime: Date.UTC(2026, 11, 1, 23, 8, 40),
    model: recordedModel,
  });
  const jobs = new URL("../../fixtures/real-outputs/torque/jobs/", import.meta.url).pathname;
  for (const entry of Deno.readDirSync(jobs)) {
    if (entry.name.endsWith(".sh")) {
      cluster.fs.writeText(`${DIR}/${entry.name}`, Deno.readTextFileSync(jobs + entry.name));
    }
  }
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
};

const norm = (text: string) => normalizeOutput(text, { hosts: [], durations: false });

Deno.test("torque emulator reproduces the recorded Torque 6.1 cluster or lists why not", async (t) => {
  await using cluster = recordingCluster();
  const counts = await replayConformance(t, {
    product: "torque",
    cluster,
    cwd: DIR,
    env: ENV,
    day: Date.UTC(2026, 11, 1),
    steps: STEPS,
    listed: TABLE,
    norm,
  });
  console.log(`torque: ${counts.identical.length} identical, ${counts.listed.length} listed`);
});
