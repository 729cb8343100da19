import { SimCluster } from "./sim/cluster.ts";
for (const scheduler of ["pbs", "pbspro", "lsf"] as const) {
  await using cluster = new SimCluster({ scheduler, execution: "shell" });
  const t = cluster.transport();
  await t.writeFile("/home/user/job.sh", "#!/bin/bash\n#PBS -N envjob\n#BSUB -J envjob\n#BSUB -o out.%J\necho hello; env | grep -E '^(PBS|LSB|LS_)' | sort; pwd; exit 3\n");
  const sub = scheduler === "lsf" ? await t.run(["bsub"], { stdin: await t.readFile("/home/user/job.sh") }) : await t.run(["qsub", "job.sh"]);
  console.log(scheduler, sub);
  await cluster.runUntilIdle();
  const q = scheduler === "lsf" ? await t.run(["bjobs", "-a"]) : await t.run(["qstat", "-x", "-f", "1"]);
  console.log(q.stdout, q.stderr, q.code);
  const ls = await t.run(["ls", "/home/user"]);
  console.log(ls);
  for (const f of ["envjob.o1", "envjob.e1", "out.1"]) { try { console.log(f, await t.readFile("/home/user/" + f)); } catch (e) { } }
}
