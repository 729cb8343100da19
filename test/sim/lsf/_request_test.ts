// The engine request bsub builds (sim/lsf/_request.ts): output files, job environment and the
// host file, seen from jobs that really run (shell mode).
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { FORMAT } from "./_clusters.ts";

Deno.test("LSF in shell mode: job in the submission directory, -o file with stderr, LSB_* variables", async () => {
  await using cluster = new SimCluster({ scheduler: "lsf", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/work");
  const script = "#!/bin/bash\n#BSUB -J envjob\n#BSUB -o out.%J\n#BSUB -n 2\n" +
    'echo "$LSB_JOBID $LSB_JOBNAME $LSB_QUEUE [$LSB_HOSTS] ${LS_SUBCWD##*/} ${PWD##*/} $LSB_JOBINDEX $LSB_DJOB_NUMPROC"\n' +
    "echo problem >&2\nexit 5\n";
  assert.equal(
    (await transport.run(["bsub"], { stdin: script, cwd: "/home/user/work" })).stdout,
    "Job <1> is submitted to default queue <normal>.\n",
  );
  await cluster.runUntilIdle();
  assert.equal(
    await transport.readFile("/home/user/work/out.1"),
    "1 envjob normal [node1 node1] work work 0 2\nproblem\n",
  );
  assert.equal((await transport.run(["bjobs", ...FORMAT, "1"])).stdout, "1|EXIT|5|-\n");
  const job = cluster.job(1)!;
  assert.deepEqual(job.request.jobFiles!(job), {
    "/home/user/.lsbatch/1.hostfile": "node1\nnode1\n",
  });
  // Without -o LSF mails the output; the simulator keeps that mail as ~/.lsbatch-<id>.mail.
  await transport.run(["bsub", "echo", "mailed"], { cwd: "/home/user/work" });
  await cluster.runUntilIdle();
  assert.equal(await transport.readFile("/home/user/.lsbatch-2.mail"), "mailed\n");
});

Deno.test("LSF in shell mode: -cwd . is the submission directory, a relative -cwd is taken from it", async () => {
  await using cluster = new SimCluster({ scheduler: "lsf", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/my run/sub");
  const script = (cwd: string) =>
    `#!/bin/bash\n#BSUB -o "/home/user/out %J"\n#BSUB -cwd ${cwd}\n` +
    'echo "$(pwd -P) ${LS_SUBCWD#"$HOME/"} ${LS_EXECCWD#"$HOME/"}"\n';
  for (const cwd of [".", "sub"]) {
    await transport.run(["bsub"], { stdin: script(cwd), cwd: "/home/user/my run" });
  }
  await cluster.runUntilIdle();
  const real = (path: string) => Deno.realPathSync(cluster.fs.hostPath(path));
  assert.equal(
    await transport.readFile("/home/user/out 1"),
    `${real("/home/user/my run")} my run my run\n`,
  );
  assert.equal(
    await transport.readFile("/home/user/out 2"),
    `${real("/home/user/my run/sub")} my run my run/sub\n`,
  );
});
