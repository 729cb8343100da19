// What qsub keeps about a job (sim/sge/_job_data.ts).
import assert from "node:assert/strict";
import { SimCluster, SimEngine } from "../../../sim/mod.ts";
import { markDeleted, sgeJobData } from "../../../sim/sge/_job_data.ts";

Deno.test("sgeJobData() gives what qsub stored", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", execution: "model" });
  await cluster.run([
    "qsub",
    "-cwd",
    "-S",
    "/bin/bash",
    "-pe",
    "smp",
    "1",
    "-t",
    "1-2",
    "-b",
    "y",
    "true",
  ], {
    cwd: "/tmp",
    env: { PATH: "/bin", SHELL: "/bin/zsh", HOME: "/home/u", LOGNAME: "u" },
  });
  assert.deepEqual(sgeJobData(cluster.jobs()[0]!), {
    scriptFile: "true",
    submitPath: "/bin",
    submitShell: "/bin/zsh",
    submitHome: "/home/u",
    submitLogname: "u",
    cwd: "/tmp",
    shell: "/bin/bash",
    pe: { name: "smp", slots: "1" },
    taskRange: { first: 1, last: 2, step: 1 },
    category: "-pe smp 1",
  });
});

Deno.test("sgeJobData() of a job no qsub submitted: the submitter's defaults", () => {
  const engine = new SimEngine({ kind: "sge" });
  const { jobs } = engine.submit({
    name: "j",
    script: "true\n",
    workdir: "/home/bob",
    user: "bob",
  });
  assert.deepEqual(sgeJobData(jobs[0]!), {
    scriptFile: "STDIN",
    submitHome: "/home/bob",
    submitPath: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    submitShell: "/bin/bash",
    submitLogname: "bob",
  });
});

Deno.test("markDeleted() marks the submission, shared by every task of an array", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", execution: "model" });
  await cluster.run(["qsub", "-t", "1-2", "-b", "y", "true"]);
  const [first, second] = cluster.jobs();
  markDeleted(first!);
  assert.equal(sgeJobData(first!).deleted, true);
  assert.equal(sgeJobData(second!).deleted, true);
  const engine = new SimEngine({ kind: "sge" });
  const { jobs } = engine.submit({ name: "j", script: "true\n", workdir: "/", user: "bob" });
  markDeleted(jobs[0]!);
  assert.equal(sgeJobData(jobs[0]!).deleted, true);
});
