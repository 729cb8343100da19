/**
 * The PBS Professional emulator against the recorded OpenPBS 23.06 cluster: every command of
 * test/fixtures/real-outputs/openpbs/ (PROVENANCE.md) is replayed in order, at its recorded
 * time, on a simulated copy of the recording VM, and gives the same output and exit code after
 * normalising times and process values, or is listed in {@linkcode TABLE} with its reason.
 */

import { SimCluster, type SimJob } from "../../../sim/mod.ts";
import { normalizeOutput } from "../../_normalize.ts";
import { replayConformance } from "../../_replay.ts";

/** Where the recording ran its commands. */
const DIR = "/home/pbsuser/openpbs";

/** The recording's environment (`env -i`). */
const ENV = {
  PATH: "/opt/pbs/bin:/usr/bin:/bin",
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
  "018-qsub-bad-option": "qsub's usage text is not OpenPBS 23.06's",
  "019-qsub-bad-queue": "qsub to an unknown queue: OpenPBS exits 170 (PBSE_UNKQUE & 0xff)",
  "020-qsub-J-bad-range": "qsub's usage text is not OpenPBS 23.06's",
  "021-qsub-W-depend-on-unknown-job": "OpenPBS accepts a dependency on an unknown job",
  "022-qstat-default-with-live-jobs":
    "jobs start within the recorded second on OpenPBS (28 ms); the emulator's scheduler has not run yet",
  "023-qstat-a": "`qstat -a` is not emulated",
  "024-qstat-f-running-queued-jobs":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "025-qstat-f-held-job":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "026-qstat-f-dependent-job":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "030-qstat-f-array":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "031-qstat-f-t-array":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "032-qstat-f-one-subjob":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "035-qstat-f-known-unknown":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "036-qstat-f-bare-number":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "037-qstat-malformed-id":
    "OpenPBS takes a malformed id for a destination: `Unknown queue destination`, exit 170",
  "039-qstat-x-f-failed-parent":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "040-qstat-x-f-afterok-child-of-failed-parent":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "043-qstat-x-default-all": "jobs 0 to 40 of the earlier sessions are not replayed",
  "045-qstat-x-f-finished-exit-0":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "046-qstat-x-f-finished-exit-3":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "047-qstat-x-f-stdin-job":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "048-qstat-x-f-ok-failed-unknown":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "049-qstat-H-finished": "`qstat -a` is not emulated",
  "050-job-output-files": "job output files: model execution writes none, and `ls` is not emulated",
  "052-qstat-x-t-array":
    "subjobs of a finished array are F on OpenPBS (X only while the array runs)",
  "053-qstat-x-f-array":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "054-qstat-x-f-t-array":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "055-array-output-files":
    "job output files: model execution writes none, and `ls` is not emulated",
  "056-qsub-sleeper":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "057-qdel-running":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "061-qstat-x-f-deleted-running-job":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "062-qstat-x-f-deleted-held-job":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "063-qstat-x-f-afterok-child-of-deleted-parent":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "064-qsub-walltime-3s-job":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "065-qstat-x-f-walltime-killed":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "066-tracejob-q-Torque-s-quiet-flag": "tracejob's usage text for Torque's -q is not OpenPBS's",
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
  "075-qstat-x-f-afterok-child-of-deleted-parent-30-s-lat":
    "qstat -f attributes are not OpenPBS 23.06's yet (depend, Variable_List, exec_vnode, obittime, ^array_index^ paths, substate)",
  "076-qstat-x-f-F-json-finished-job": "`qstat -F json` is not emulated",
  "077-qstat-f-F-json-unknown": "`qstat -F json` is not emulated",
  "078-qstat-x-f-F-dsv-finished-job": "`qstat -F dsv` is not emulated",
  "079-qselect-x-s-F": "qselect is not emulated",
  "080-qsub-J-1-3-sleeper-array":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "081-qdel-array-while-running":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "082-qstat-x-f-t-deleted-array":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "083-qsub-J-1-3-task-1-quick-others-sleep-20":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "084-qstat-t-array-with-a-finished-subjob":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "085-qstat-f-t-array-with-a-finished-subjob":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "086-qstat-x-t-array-with-a-finished-subjob":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "087-qstat-f-finished-subjob-of-running-array":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "088-qstat-x-f-finished-subjob-of-running-array":
    "follows from the job ids (the dependency on an unknown job was accepted, and a refused one used an id)",
  "089-qdel-W-force-running-array": "`qdel -W force` is not understood",
};

/** Runtime and exit code of the recorded scripts (test/fixtures/real-outputs/openpbs/jobs/). */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
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
  const cluster = new SimCluster({
    scheduler: "pbspro",
    nodes: [{ name: "vm-pbs", cpus: 2, memoryMB: 24105 }],
    queues: [{ name: "workq", default: true }],
    user: "pbsuser",
    loginHost: "vm-pbs",
    firstJobId: 8,
    startTime: Date.UTC(2026, 11, 1, 21, 40, 0),
    model: recordedModel,
  });
  const jobs = new URL("../../fixtures/real-outputs/openpbs/jobs/", import.meta.url).pathname;
  for (const entry of Deno.readDirSync(jobs)) {
    if (entry.name.endsWith(".sh")) {
      cluster.fs.writeText(`${DIR}/${entry.name}`, Deno.readTextFileSync(jobs + entry.name));
    }
  }
  for (let id = 8; id <= 40; id++) {
    if (id === 8 || id === 22) {
      await cluster.run(["qsub", "-h", "ok.sh"], { cwd: DIR, env: ENV });
    } else cluster.engine.reserveJobId();
  }
  return cluster;
}

const norm = (text: string) => normalizeOutput(text, { hosts: [], durations: false });

Deno.test("pbspro emulator reproduces the recorded OpenPBS 23.06 cluster or lists why not", async (t) => {
  await using cluster = await recordingCluster();
  const counts = await replayConformance(t, {
    product: "openpbs",
    cluster,
    cwd: DIR,
    env: ENV,
    day: Date.UTC(2026, 11, 1),
    listed: TABLE,
    norm,
  });
  console.log(`openpbs: ${counts.identical.length} identical, ${counts.listed.length} listed`);
});
