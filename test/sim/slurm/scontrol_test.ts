/** scontrol: its arguments into a typed request, and hold/release as the recordings do not show them. */

import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { parseScontrolArgs } from "../../../sim/slurm/scontrol.ts";
import { blockedArray, refusal } from "./_helpers.ts";

const refused = (args: string[]) => refusal(() => parseScontrolArgs(args));

Deno.test("parseScontrolArgs() reads leading flags, the verb and its words", () => {
  assert.deepEqual(parseScontrolArgs(["ping"]), { verb: "ping" });
  assert.deepEqual(parseScontrolArgs(["VERSION"]), { verb: "version" });
  assert.deepEqual(parseScontrolArgs(["-V", "--bogus"]), { verb: "version" });
  assert.deepEqual(parseScontrolArgs(["-d", "--all", "-o", "show", "jobs", "4_2"]), {
    verb: "show-job",
    job: { id: 4, task: 2 },
    oneLiner: true,
  });
  assert.deepEqual(parseScontrolArgs(["show", "job"]), {
    verb: "show-job",
    job: undefined,
    oneLiner: false,
  });
  assert.deepEqual(parseScontrolArgs(["show", "Partitions", "debug"]), {
    verb: "show-partition",
    name: "debug",
    oneLiner: false,
  });
  assert.deepEqual(parseScontrolArgs(["--oneliner", "show", "node"]), {
    verb: "show-node",
    name: undefined,
    oneLiner: true,
  });
  assert.deepEqual(parseScontrolArgs(["UHOLD", "3,4", "", "5"]), {
    verb: "uhold",
    ids: ["3", "4", "5"],
  });
});

Deno.test("parseScontrolArgs() refuses unknown flags, verbs and entities, and a bad job id", () => {
  assert.equal(
    refused(["--bogus", "-V"]).stderr,
    `scontrol: unrecognized option '--bogus'\nTry "scontrol --help" for more information\n`,
  );
  assert.equal(refused([]).stderr, "invalid keyword: \n");
  assert.equal(refused(["frobnicate"]).stderr, "invalid keyword: frobnicate\n");
  assert.equal(refused(["show"]).stderr, "invalid entity: for keyword:show \n");
  assert.equal(refused(["show", "bogus"]).stderr, "invalid entity:bogus for keyword:show \n");
  assert.equal(refused(["show", "job", "x"]).stderr, "Invalid job id specified: x\n");
});

Deno.test("scontrol hold gives priority 0; release the next priority, below every earlier one", async () => {
  await using cluster = await blockedArray();
  assert.equal((await cluster.run(["scontrol", "hold", "2"])).code, 0);
  const held = await cluster.run(["squeue", "-h", "-o", "%i %Q %r"]);
  assert.equal(held.stdout, "2_[1-4%2] 0 JobHeldUser\n1 4294901759 None\n");
  assert.equal((await cluster.run(["scontrol", "release", "2"])).code, 0);
  const released = await cluster.run(["squeue", "-h", "-o", "%i %Q"]);
  assert.equal(released.stdout, "2_[1-4%2] 4294901757\n1 4294901759\n");
});

Deno.test("scontrol hold reports each id it cannot hold and exits 1", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  await cluster.run(["sbatch", "-H", "--wrap", "true"]);
  await cluster.run(["sbatch", "--wrap", "true"]);
  await cluster.runUntilIdle();
  const out = await cluster.run(["scontrol", "hold", "1,x", "2", "9"]);
  assert.deepEqual(out, {
    code: 1,
    stdout: "",
    stderr: "Invalid job id specified for job x\nJob has already finished for job 2\n" +
      "Invalid job id specified for job 9\nslurm_suspend error: Invalid job id specified\n",
  });
});
