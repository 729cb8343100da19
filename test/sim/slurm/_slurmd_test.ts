/**
 * What slurmd does for a job (shell mode: the recorded job scripts run for real): its output
 * files, its environment and the message a killed job leaves, matching the recorded ones.
 */

import assert from "node:assert/strict";
import type { SimCluster } from "../../../sim/mod.ts";
import { normalizeOutput, readRecording, shellWords } from "../../_normalize.ts";
import { ENV_I } from "../../_replay.ts";
import { DIR, shellCluster } from "./_recording.ts";

/** Normalises a job's own output: real paths of the simulator, this machine's name, pids, cluster names. */
function normJobOutput(cluster: SimCluster, text: string): string {
  return normalizeOutput(text, {
    paths: { [cluster.fs.root]: "" },
    hosts: ["vm", Deno.hostname()],
    replace: [
      [/^SLURM_TASK_PID=\d+$/m, "SLURM_TASK_PID=<PID>"],
      [/^SLURM_CLUSTER_NAME=.*$/m, "SLURM_CLUSTER_NAME=<CLUSTER>"],
      [/^SLURM_WORKING_CLUSTER=.*$/m, "SLURM_WORKING_CLUSTER=<CLUSTER>"],
    ],
  });
}

async function shellCase(
  firstJobId: number,
  submit: { argv: string[]; env?: Record<string, string> },
  outputFile: (id: string) => string,
  recordingName: string,
): Promise<void> {
  await using cluster = shellCluster(firstJobId);
  const out = await cluster.run(submit.argv, {
    cwd: DIR,
    ...(submit.env ? { env: submit.env } : {}),
  });
  assert.equal(out.code, 0, out.stderr);
  const id = out.stdout.trim().replace(/^Submitted batch job /, "");
  await cluster.runUntilIdle();
  const recording = readRecording("slurm", recordingName);
  const text = cluster.fs.readText(`${DIR}/${outputFile(id)}`);
  assert.notEqual(text, undefined, `missing ${outputFile(id)}`);
  assert.equal(normJobOutput(cluster, text!), normJobOutput(cluster, recording.stdout));
}

Deno.test("slurm shell mode: slurm-<id>.out of a job (026)", () =>
  shellCase(
    4,
    { argv: ["sbatch", "ok.sh"] },
    (id) => `slurm-${id}.out`,
    "026-job-stdout-file-slurm-ID-out",
  ));

Deno.test("slurm shell mode: stdout and stderr merged by default (030)", () =>
  shellCase(
    5,
    { argv: ["sbatch", "--parsable", "fail.sh"] },
    (id) => `slurm-${id}.out`,
    "030-slurm-ID-out-of-failed-job-stdout-stderr-merged-by",
  ));

Deno.test("slurm shell mode: the environment of a batch job (099)", () =>
  shellCase(
    26,
    { argv: ["sbatch", "--parsable", "env.sh"], env: ENV_I },
    (id) => `env-${id}.out`,
    "099-env-sort-inside-a-plain-batch-job",
  ));

Deno.test("slurm shell mode: the environment of array task 2 (101)", () =>
  shellCase(
    27,
    { argv: shellWords("sbatch --parsable --array=1-2 -o env-%A_%a.out env.sh"), env: ENV_I },
    (id) => `env-${id}_2.out`,
    "101-env-sort-inside-array-task-2",
  ));

Deno.test("slurm shell mode: the environment with -c 2 --mem=200M -t 10 -n 1 (103)", () =>
  shellCase(
    29,
    {
      argv: shellWords(
        "sbatch --parsable -c 2 --mem=200M -t 10 -n 1 -J envopts -o envopts-%j.out env.sh",
      ),
      env: ENV_I,
    },
    (id) => `envopts-${id}.out`,
    "103-env-sort-inside-the-multi-option-job",
  ));

Deno.test("slurm shell mode: scancel kills the script's process group and notes it in the output", async () => {
  await using cluster = shellCluster(11);
  cluster.fs.writeText(
    `${DIR}/bg.sh`,
    "#!/bin/bash\nsleep 30 &\necho started\nwait\necho not reached\n",
  );
  const submitted = await cluster.run(["sbatch", "--parsable", "bg.sh"], { cwd: DIR });
  const id = submitted.stdout.trim();
  // Let the scheduling pass start it (time cannot move while the script runs for real).
  await cluster.advance(0);
  const began = Date.now();
  for (
    let i = 0;
    i < 50 && !(cluster.fs.readText(`${DIR}/slurm-${id}.out`) ?? "").includes("started");
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(cluster.job(Number(id))?.state, "RUNNING");
  const cancel = await cluster.run(["scancel", id], { cwd: DIR });
  assert.equal(cancel.code, 0);
  await cluster.runUntilIdle();
  assert.ok(Date.now() - began < 10_000, "the background sleep died with the job");
  assert.equal(cluster.job(Number(id))?.state, "CANCELLED");
  const text = cluster.fs.readText(`${DIR}/slurm-${id}.out`) ?? "";
  assert.match(
    text,
    /^started\nslurmstepd-vm: error: \*\*\* JOB 11 ON vm CANCELLED AT \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d \*\*\*\n$/,
  );
  const sacct = await cluster.run(["sacct", "-j", id, "-P", "-n", "-o", "JobID,State,ExitCode"], {
    cwd: DIR,
  });
  assert.equal(sacct.stdout, `${id}|CANCELLED by 0|0:0\n${id}.batch|CANCELLED|0:15\n`);
});
