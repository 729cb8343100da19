/** sacct: its arguments into typed options, and what the recordings do not show of its output. */

import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { parseSacctArgs, type SacctOptions } from "../../../sim/slurm/sacct.ts";
import { refusal } from "./_helpers.ts";

const NOW = Date.UTC(2026, 0, 5, 10, 30);
const MIDNIGHT = Date.UTC(2026, 0, 5);

function options(args: string[]): SacctOptions {
  const parsed = parseSacctArgs(args, NOW);
  assert.notEqual(parsed, "version");
  return parsed as SacctOptions;
}

const refused = (args: string[]) => refusal(() => parseSacctArgs(args, NOW));

Deno.test("parseSacctArgs() picks the fields of -o, -b, -c or the default, with %width", () => {
  const names = (args: string[]) => options(args).columns.map((c) => c.header).join(",");
  assert.equal(names([]), "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode");
  assert.equal(names(["-b"]), "JobID,State,ExitCode");
  assert.equal(names(["-c"]), "JobID,JobName,State,ExitCode,Start,End");
  assert.equal(names(["-b", "--format=jobidraw,STATE"]), "JobIDRaw,State");
  const [jobId, name] = options(["-o", "JobID%20,JobName"]).columns;
  assert.deepEqual([jobId?.width, jobId?.right, name?.width, name?.right], [20, false, 10, true]);
});

Deno.test("parseSacctArgs() reads -j, or else the -S window (midnight by default)", () => {
  const byId = options(["-j", "4,5_2,"]);
  assert.deepEqual(byId.jobs, [{ id: 4 }, { id: 5, task: 2 }]);
  assert.equal(byId.since, undefined);
  assert.equal(options([]).since, MIDNIGHT);
  assert.equal(options(["-S", "now-10minutes"]).since, NOW - 600_000);
  assert.equal(options(["-S", "now"]).since, NOW);
  assert.equal(options(["-S", "2026-01-05T09:00:00"]).since, Date.UTC(2026, 0, 5, 9));
  assert.equal(options(["-S", "2026-01-05T09:00:00+01:00"]).since, Date.UTC(2026, 0, 5, 8));
  // With -j, -S is not read at all.
  assert.equal(options(["-j", "4", "-S", "yesterday"]).since, undefined);
});

Deno.test("parseSacctArgs() reads filters, -X, -c, -P/-p and -n", () => {
  const parsed = options(["-u", "ana,bob", "-a", "-s", "cd,f,bogus", "--name", "x,y", "-X", "-n"]);
  assert.deepEqual(parsed.users, ["ana", "bob"]);
  assert.equal(parsed.allUsers, true);
  assert.deepEqual(parsed.states, ["COMPLETED", "FAILED", "BOGUS"]);
  assert.deepEqual(parsed.names, ["x", "y"]);
  assert.deepEqual([parsed.allocations, parsed.completion, parsed.noHeader], [true, false, true]);
  assert.equal(parsed.parsable, undefined);
  assert.equal(options(["-P"]).parsable, "-P");
  assert.equal(options(["-p", "-P"]).parsable, "-p");
  assert.equal(parseSacctArgs(["-V", "-o", "bogus"], NOW), "version");
});

Deno.test("parseSacctArgs() refuses a bad field before a bad id, and a bad -S, in sacct's words", () => {
  assert.equal(
    refused(["-j", "x", "-o", "JobID,Bogus"]).stderr,
    'sacct: error: Invalid field requested: "Bogus"\n',
  );
  assert.equal(refused(["-j", "4,x"]).stderr, "sacct: fatal: Bad job/step specified: x\n");
  assert.equal(
    refused(["-S", "yesterday"]).stderr,
    "sacct: error: Invalid time specification (pos=0): yesterday\n",
  );
});

Deno.test("sacct pads and cuts table cells with +, and -p ends each line with |", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  await cluster.run(["sbatch", "-J", "blocker", "--wrap", "true"]);
  await cluster.advance(0);
  const table = await cluster.run(["sacct", "-j", "1", "-o", "JobID,JobName%4,State"]);
  assert.equal(
    table.stdout,
    "JobID        Job+      State \n------------ ---- ---------- \n" +
      "1            blo+    RUNNING \n1.batch      bat+    RUNNING \n",
  );
  const parsable = await cluster.run(["sacct", "-j", "1", "-X", "-p", "-o", "JobID,State"]);
  assert.equal(parsable.stdout, "JobID|State|\n1|RUNNING|\n");
});
