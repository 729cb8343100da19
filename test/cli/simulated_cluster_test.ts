// A simulator profile's cluster kept between commands (cli/simulated_cluster.ts): its log of
// changes replays to the same jobs, files and time; a state file it cannot use is refused.

import assert from "node:assert/strict";
import { SavedSimulator, type SimulatorSpec, SimulatorStateError } from "../../cli.ts";

const SPEC: SimulatorSpec = {
  scheduler: "slurm",
  execution: "shell",
  runtime: 1,
  exitCode: 0,
  nodes: 2,
  cpus: 4,
  memoryMB: 16000,
};

Deno.test("SavedSimulator restores jobs, their output files and the simulated time", async () => {
  const folder = await Deno.makeTempDir();
  const file = `${folder}/simulator.json`;
  try {
    const first = await SavedSimulator.open(file, SPEC);
    await first.transport.writeFile("~/job.sh", "#!/bin/bash\necho out of $SLURM_JOB_ID\n");
    const submitted = await first.transport.run(["sbatch", "job.sh"], { cwd: "~" });
    assert.equal(submitted.stdout, "Submitted batch job 1\n");
    await first.transport.run(["squeue"]); // a query: not logged
    await first.cluster.advance(600_000);
    const time = first.cluster.clock.now();
    await first.close();
    assert.equal(await SavedSimulator.savedNow(file), time);
    const state = JSON.parse(await Deno.readTextFile(file));
    assert.deepEqual(state.events.map((event: { op: string }) => event.op), ["write", "run"]);

    const second = await SavedSimulator.open(file, SPEC);
    assert.equal(second.cluster.clock.now(), time);
    assert.equal(second.cluster.job(1)?.state, "COMPLETED");
    assert.equal(await second.transport.readFile("~/slurm-1.out"), "out of 1\n");
    const next = await second.transport.run(["sbatch", "--wrap", "true"]);
    assert.equal(next.stdout, "Submitted batch job 2\n");
    await second.close();

    const third = await SavedSimulator.open(file, SPEC);
    assert.deepEqual(third.cluster.jobs().map((job) => job.id), [1, 2]);
    await third.close();

    await SavedSimulator.reset(file);
    const fresh = await SavedSimulator.open(file, SPEC);
    assert.equal(fresh.cluster.jobs().length, 0);
    await fresh.close();
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("SavedSimulator refuses a state file of another simulator, a damaged one, one that does not replay", async () => {
  const folder = await Deno.makeTempDir();
  const file = `${folder}/simulator.json`;
  try {
    const saved = await SavedSimulator.open(file, SPEC);
    await saved.transport.run(["sbatch", "--wrap", "true"]);
    await saved.close();
    await assert.rejects(
      SavedSimulator.open(file, { ...SPEC, scheduler: "sge" }),
      (error) =>
        error instanceof SimulatorStateError && /made for another simulator/.test(error.message),
    );
    const state = JSON.parse(await Deno.readTextFile(file));
    state.events[0].stdout = "Submitted batch job 7\n";
    await Deno.writeTextFile(file, JSON.stringify(state));
    await assert.rejects(
      SavedSimulator.open(file, SPEC),
      /replaying change 1 \("sbatch --wrap true"\) answered exit 0 "Submitted batch job 1\\n", not exit 0 "Submitted batch job 7\\n"/,
    );
    await Deno.writeTextFile(file, "{");
    await assert.rejects(SavedSimulator.open(file, SPEC), /it is not JSON/);
    await Deno.writeTextFile(file, "{}");
    await assert.rejects(SavedSimulator.open(file, SPEC), /it is not a state file of version 1/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
