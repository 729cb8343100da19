// The `after` option rendered in each scheduler's syntax, and what a scheduler cannot say.

import assert from "node:assert/strict";
import {
  DependencyError,
  InvalidJobIdError,
  type JobDependency,
  lsf,
  pbs,
  pbspro,
  sge,
  slurm,
} from "../../mod.ts";

const chain: JobDependency[] = [
  { jobId: "11", when: "ok" },
  { jobId: "12", when: "ok" },
  { jobId: "13", when: "notok" },
  { jobId: "14", when: "any" },
  { jobId: "15", when: "start" },
];

Deno.test("SLURM: --dependency with the kinds grouped, and --kill-on-invalid-dep=yes", () => {
  assert.deepEqual(slurm.dependencyHeaders?.(chain), [
    "#SBATCH --dependency=afterok:11:12,afternotok:13,afterany:14,after:15",
    "#SBATCH --kill-on-invalid-dep=yes",
  ]);
  assert.deepEqual(slurm.dependencyHeaders?.([]), []);
});

Deno.test("PBS: -W depend in both dialects; Torque names an array parent with the array types", () => {
  const ids: JobDependency[] = [
    { jobId: "11.srv", when: "ok" },
    { jobId: "12[].srv", when: "ok" },
    { jobId: "13[].srv", when: "any" },
    { jobId: "14.srv", when: "start" },
  ];
  assert.deepEqual(pbs.dependencyHeaders?.(ids), [
    "#PBS -W depend=afterok:11.srv,afterokarray:12[].srv,afteranyarray:13[].srv,after:14.srv",
  ]);
  assert.deepEqual(pbs.dependencyHeaders?.([{ jobId: "15[].srv", when: "start" }]), [
    "#PBS -W depend=afterstartarray:15[].srv",
  ]);
  assert.deepEqual(pbspro.dependencyHeaders?.(ids), [
    "#PBS -W depend=afterok:11.srv:12[].srv,afterany:13[].srv,after:14.srv",
  ]);
});

Deno.test("LSF: -w with done, exit, ended and started, as one quoted word", () => {
  assert.deepEqual(lsf.dependencyHeaders?.(chain), [
    '#BSUB -w "done(11) && done(12) && exit(13) && ended(14) && started(15)"',
  ]);
});

Deno.test("SGE: -hold_jid with every id; a start dependency cannot be said", () => {
  assert.deepEqual(sge.dependencyHeaders?.(chain.slice(0, 4)), ["#$ -hold_jid 11,12,13,14"]);
  assert.equal(sge.endOnlyDependencies, true);
  assert.throws(
    () => sge.dependencyHeaders?.(chain),
    (error) =>
      error instanceof DependencyError && error.field === "after" &&
      /"sge".*cannot start a job when another starts/.test(error.message),
  );
});

Deno.test("an id that is not the scheduler's never reaches a header", () => {
  for (const backend of [slurm, pbs, pbspro, lsf, sge]) {
    for (const jobId of ["1;touch x", "-u", "1) || done(2", "0", "all", "1 2"]) {
      assert.throws(
        () => backend.dependencyHeaders?.([{ jobId, when: "ok" }]),
        InvalidJobIdError,
        `${backend.name} ${jobId}`,
      );
    }
  }
});
