/** scancel: its arguments into typed options, and cancelling by filter. */

import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { parseScancelArgs } from "../../../sim/slurm/scancel.ts";
import { refusal } from "./_helpers.ts";

const refused = (args: string[]) => refusal(() => parseScancelArgs(args));

Deno.test("parseScancelArgs() reads id operands (comma lists too) and the filters", () => {
  assert.deepEqual(parseScancelArgs(["-v", "3,4_1", "5"]), {
    verbose: true,
    ids: [{ text: "3", id: { id: 3 } }, { text: "4_1", id: { id: 4, task: 1 } }, {
      text: "5",
      id: { id: 5 },
    }],
    filters: {
      user: undefined,
      me: false,
      name: undefined,
      state: undefined,
      partition: undefined,
    },
  });
  assert.deepEqual(parseScancelArgs(["-u", "ana", "--me", "-n", "x", "-t", "pd", "-p", "q"]), {
    verbose: false,
    ids: [],
    filters: { user: "ana", me: true, name: "x", state: "PENDING", partition: "q" },
  });
  assert.equal(parseScancelArgs(["-t", "bogus"]).filters.state, undefined);
});

Deno.test("parseScancelArgs() refuses no id and no filter, and a bad id, in scancel's words", () => {
  assert.equal(refused([]).stderr, "scancel: error: No job identification provided\n");
  assert.equal(refused(["-v", "-s", "KILL"]).code, 1);
  assert.equal(refused(["3", "x"]).stderr, "scancel: error: Invalid job id x\n");
});

Deno.test("scancel with filters cancels the matching active jobs only", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  await cluster.run(["sbatch", "-H", "-J", "keep", "--wrap", "true"]);
  await cluster.run(["sbatch", "-H", "-J", "drop", "--wrap", "true"]);
  await cluster.run(["sbatch", "-H", "-J", "drop", "--array=1-2", "--wrap", "true"]);
  assert.deepEqual(await cluster.run(["scancel", "-n", "drop", "--me", "-t", "PD"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
  const states = cluster.jobs().map((j) => `${j.request.name}:${j.state}`);
  assert.deepEqual(states, ["keep:PENDING", "drop:CANCELLED", "drop:CANCELLED", "drop:CANCELLED"]);
});
