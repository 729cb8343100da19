// Job arrays in the five emulators, as the real tools show them: the task id forms (`1_2`,
// `1[2].login1`, `1[2]`, `1.2`), the per-task listings and the limits on tasks at once.
// Sources: SLURM recordings 084 (`21_[1-3]` folded) and 086 (`squeue -r`); SGE 070 (`qstat`,
// waiting tasks folded), 071 (`qstat -g d`), 076 (`-tc 1`: `2,3`), 077 (`qdel 21 -t 3`);
// Torque and OpenPBS `qstat -t` in ../shared/real-pbs (raw/torque/012, raw/openpbs/012).
import assert from "node:assert/strict";
import { SimCluster } from "../../sim/cluster.ts";
import type { SchedulerKind } from "../../sim/types.ts";

/** A cluster with a one-hour job model, and a way to run commands in its home. */
async function session(scheduler: SchedulerKind, script: string) {
  const cluster = new SimCluster({
    scheduler,
    clock: "virtual",
    execution: "model",
    model: () => ({ runtimeSeconds: 3600, exitCode: 0 }),
  });
  const transport = cluster.transport();
  await transport.writeFile(`${cluster.home}/job.sh`, `#!/bin/bash\n${script}\nsleep 3600\n`);
  const run = async (...argv: string[]) => {
    const stdin = argv[0] === "bsub" ? { stdin: `#!/bin/bash\n${script}\n` } : {};
    const output = await transport.run(argv, { cwd: cluster.home, ...stdin });
    assert.equal(output.code, 0, `${argv.join(" ")}: ${output.stderr}`);
    await cluster.clock.sleep(1000); // let the scheduler start what it may
    return output.stdout;
  };
  return { cluster, run };
}

const rows = (text: string, pattern: RegExp) =>
  text.split("\n").filter((line) => pattern.test(line)).map((line) => line.trim().split(/\s+/));

Deno.test("slurm: tasks N_K, the waiting ones folded N_[2-3%1] unless -r; %1 holds them", async () => {
  const { cluster, run } = await session("slurm", "#SBATCH --array=1-3%1");
  await run("sbatch", "job.sh");
  assert.match(await run("squeue"), /^\s+1_\[2-3%1\] .* PD .*\(JobArrayTaskLimit\)$/m);
  assert.deepEqual((await run("squeue", "-r", "-h", "-o", "%i|%T")).trim().split("\n").sort(), [
    "1_1|RUNNING",
    "1_2|PENDING",
    "1_3|PENDING",
  ]);
  await run("scancel", "1_2");
  assert.doesNotMatch(await run("squeue", "-r", "-h", "-o", "%i"), /^1_2$/m);
  await cluster.close();
});

Deno.test("torque and openpbs: subjobs N[K].server in qstat -t; %1 runs one at a time", async () => {
  for (const [scheduler, request] of [["pbs", "-t 1-3%1"], ["pbspro", "-J 1-3%1"]] as const) {
    const { cluster, run } = await session(scheduler, `#PBS ${request}`);
    assert.equal((await run("qsub", "job.sh")).trim(), "1[].login1");
    const subjobs = rows(await run("qstat", "-t"), /^1\[\d\]/);
    assert.deepEqual(subjobs.map((row) => [row[0], row.at(-2)]), [
      ["1[1].login1", "R"],
      ["1[2].login1", "Q"],
      ["1[3].login1", "Q"],
    ], scheduler);
    await run("qdel", "1[2].login1");
    const after = rows(await run("qstat", "-t"), /^1\[2\]/);
    // Torque keeps the deleted subjob as C, OpenPBS as X while the array runs.
    assert.equal(after[0]?.at(-2), scheduler === "pbs" ? "C" : "X", scheduler);
    await cluster.close();
  }
});

Deno.test("lsf: elements N[K], one line each in bjobs; %1 runs one at a time", async () => {
  const { cluster, run } = await session("lsf", '#BSUB -J "a[1-3]%1"');
  await run("bsub");
  const elements = rows(await run("bjobs"), /^1 /);
  assert.deepEqual(elements.map((row) => [row[2], row.find((word) => /^a\[/.test(word))]), [
    ["RUN", "a[1]"],
    ["PEND", "a[2]"],
    ["PEND", "a[3]"],
  ]);
  assert.match(await run("bkill", "1[2]"), /^Job <1\[2\]> is being terminated$/m);
  await cluster.close();
});

Deno.test("sge: tasks N.K, waiting ones folded (2,3) in qstat, one line each with -g d; -tc 1", async () => {
  const { cluster, run } = await session("sge", "#$ -t 1-3\n#$ -tc 1");
  assert.match(
    await run("qsub", "job.sh"),
    /^Your job-array 1\.1-3:1 \("job\.sh"\) has been submitted$/m,
  );
  assert.deepEqual(rows(await run("qstat"), /^\s+1 /).map((row) => [row[4], row.at(-1)]), [
    ["r", "1"],
    ["qw", "2,3"],
  ]);
  assert.deepEqual(rows(await run("qstat", "-g", "d"), /^\s+1 /).map((row) => row.at(-1)), [
    "1",
    "2",
    "3",
  ]);
  assert.match(await run("qdel", "1.2"), /deleted job-array task 1\.2/);
  await cluster.close();
});
