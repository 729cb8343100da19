// The table of transient submit errors (backends/_submit_errors.ts): real recorded texts, and
// the simulator's faults, each classified as its source says.

import assert from "node:assert/strict";
import { builtinBackends, type CommandOutput } from "../../mod.ts";
import { SUBMIT_ERRORS, submitOutcomeOf } from "../../backends/_submit_errors.ts";
import { type SchedulerKind, SimCluster } from "../../sim/mod.ts";

const REAL = new URL("../fixtures/real-outputs/", import.meta.url);

async function recorded(path: string): Promise<CommandOutput> {
  const read = (ext: string) => Deno.readTextFile(new URL(`${path}.${ext}`, REAL));
  return { code: Number(await read("rc")), stdout: await read("out"), stderr: await read("err") };
}

Deno.test("recorded submits while the controller is down are 'not-created'", async () => {
  const slurm = await recorded("slurm/154-sbatch-while-slurmctld-is-down");
  assert.notEqual(slurm.code, 0);
  assert.equal(submitOutcomeOf("slurm", slurm), "not-created");
  assert.equal(
    submitOutcomeOf("sge", await recorded("sge/111-qsub-while-qmaster-is-down")),
    "not-created",
  );
});

Deno.test("the answer that carries the id is 'created'; an unmatched failure is a refusal", () => {
  const failed = (stdout: string, stderr = "") => ({ code: 1, stdout, stderr });
  assert.equal(submitOutcomeOf("slurm", failed("Submitted batch job 12\n")), "created");
  assert.equal(submitOutcomeOf("sge", failed('Your job 12 ("a") has been submitted\n')), "created");
  assert.equal(
    submitOutcomeOf("lsf", failed("Job <12> is submitted to queue <normal>.\n")),
    "created",
  );
  assert.equal(submitOutcomeOf("pbs", failed("12.server\n")), "created");
  assert.equal(
    submitOutcomeOf("slurm", failed("", "sbatch: error: invalid partition specified: x\n")),
    "not-created",
  );
  for (const rows of Object.values(SUBMIT_ERRORS)) {
    for (const row of rows) assert.ok(row.source.length > 10, `${row.text} cites a source`);
  }
});

const SCHEDULERS: readonly SchedulerKind[] = ["slurm", "pbs", "pbspro", "lsf", "sge"];

for (const scheduler of SCHEDULERS) {
  Deno.test(`${scheduler}: the simulator's submit faults print texts of their class`, async () => {
    await using cluster = new SimCluster({ scheduler, execution: "model" });
    const backend = builtinBackends.get(scheduler);
    await cluster.transport().writeFile("job", "#!/bin/sh\ntrue\n");
    const submit = async () =>
      await cluster.run(backend.submitCommand("job").argv, { stdin: "#!/bin/sh\ntrue\n" });
    const outcome = (output: CommandOutput) => backend.submitOutcome?.(output);
    cluster.faults.failSubmit({ created: true });
    const lost = await submit();
    assert.notEqual(lost.code, 0);
    assert.equal(outcome(lost), "unknown", lost.stderr);
    cluster.faults.failSubmit({ reply: "refused", created: true });
    const refused = await submit();
    assert.equal(outcome(refused), "not-created", refused.stderr);
    assert.equal(cluster.jobs().length, 1, "a refused submit never creates the job");
    cluster.faults.controllerDown();
    const down = await submit();
    assert.equal(outcome(down), "not-created", down.stderr);
  });
}
