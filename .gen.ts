import { printAttribute } from "./sim/_pbs_qstat.ts";
import { SimCluster } from "./sim/mod.ts";
const value = "PBS_O_HOME=/home/alice,PBS_O_LOGNAME=alice,PBS_O_WORKDIR=/home/alice/project/run,PBS_O_LANG=C.UTF-8," +
    "PBS_O_PATH=/opt/tools/bin:/home/alice/.local/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin," +
    "PBS_O_QUEUE=workq,PBS_O_HOST=login1.cluster.example.org";
Deno.writeTextFileSync("test/fixtures/pbs/sim/prt_attr_variable_list.txt", printAttribute("Variable_List", undefined, value, 78));
const SCRIPT = "#!/bin/bash\n#PBS -N fromdirective\n#PBS -l walltime=00:30:00\n#PBS -q batch\necho hi\n";
for (const kind of ["pbs", "pbspro"] as const) {
  await using cluster = new SimCluster({ scheduler: kind, execution: "model", queues: [{ name: kind === "pbs" ? "batch" : "workq", default: true }], model: (job) => ({ runtimeSeconds: 60, exitCode: 0 }) });
  const t = cluster.transport();
  await t.writeFile("/home/user/job.pbs", SCRIPT.replace("#PBS -q batch\n", ""));
  await t.run(["qsub", "job.pbs"]);
  await t.run(["qsub", "-N", "a_name_longer_than_sixteen", "job.pbs"]);
  await t.run(["qsub", "-h", "-N", "fail", "job.pbs"]);
  const name = kind === "pbs" ? "torque" : "pbspro";
  Deno.writeTextFileSync(`test/fixtures/pbs/sim/${name}_qstat_queued.out`, (await t.run(["qstat"])).stdout);
  await cluster.advance(10_000);
  Deno.writeTextFileSync(`test/fixtures/pbs/sim/${name}_qstat_running.out`, (await t.run(["qstat"])).stdout);
}
