/** squeue: its arguments into typed options, and what the recordings do not show of its output. */

import assert from "node:assert/strict";
import { parseSqueueArgs, type SqueueOptions } from "../../../sim/slurm/squeue.ts";
import { blockedArray, refusal } from "./_helpers.ts";

const NONE: SqueueOptions = {
  jobs: undefined,
  states: undefined,
  users: undefined,
  me: false,
  partitions: undefined,
  names: undefined,
  perTask: false,
  format: undefined,
  longFormat: undefined,
  long: false,
  noHeader: false,
};

const refused = (args: string[]) => refusal(() => parseSqueueArgs(args));

Deno.test("parseSqueueArgs() reads filters and layouts into typed options", () => {
  assert.deepEqual(parseSqueueArgs([]), NONE);
  assert.deepEqual(
    parseSqueueArgs(["-h", "-t", "pd,R", "-u", "ana,bob", "--me", "-p", "a,b", "-n", "x", "-r"]),
    {
      ...NONE,
      noHeader: true,
      states: new Set(["PENDING", "RUNNING"]),
      users: ["ana", "bob"],
      me: true,
      partitions: ["a", "b"],
      names: ["x"],
      perTask: true,
    },
  );
  assert.deepEqual(parseSqueueArgs(["-l", "-o", "%i", "-O", "jobid"]), {
    ...NONE,
    long: true,
    format: "%i",
    longFormat: "jobid",
  });
  assert.deepEqual(parseSqueueArgs(["-t", "ALL"]), { ...NONE, states: "all" });
});

Deno.test("parseSqueueArgs() takes the operands of a bare -j as its ids, and ignores them without -j", () => {
  assert.deepEqual(parseSqueueArgs(["-j", "3,4_1", "5"]), {
    ...NONE,
    jobs: { ids: [3, 4, 5], tasks: new Map([[1, 1]]) },
  });
  assert.deepEqual(parseSqueueArgs(["--jobs=7"]), { ...NONE, jobs: { ids: [7] } });
  assert.deepEqual(parseSqueueArgs(["7"]), NONE);
  assert.equal(parseSqueueArgs(["-V", "-j", "x"]), "version");
});

Deno.test("parseSqueueArgs() refuses a bad job id before a bad state, in squeue's words", () => {
  assert.equal(refused(["-j", "abc"]).stderr, "squeue: error: Invalid job id: abc\n");
  assert.equal(refused(["-t", "XX", "-j", "abc"]).stderr, "squeue: error: Invalid job id: abc\n");
  const state = refused(["-t", "PD,XX"]);
  assert.equal(state.code, 1);
  assert.match(state.stderr, /^squeue: error: Invalid job state specified: XX\n/);
  assert.match(
    state.stderr,
    /Valid job states include: PENDING,RUNNING,SUSPENDED,.*,STOPPED\n\n$/,
  );
  assert.equal(
    refused(["--bogus"]).stderr,
    `squeue: unrecognized option '--bogus'\nTry "squeue --help" for more information\n`,
  );
});

Deno.test("squeue folds an array's pending tasks into one line, and -r shows each", async () => {
  await using cluster = await blockedArray();
  const folded = await cluster.run(["squeue", "-h", "-o", "%i %j %T %r"]);
  assert.equal(folded.stdout, "2_[1-4%2] arr PENDING Resources\n1 blocker RUNNING None\n");
  const perTask = await cluster.run(["squeue", "-h", "-r", "-o", "%i %K %T"]);
  assert.equal(
    perTask.stdout,
    "2_1 1 PENDING\n2_2 2 PENDING\n2_3 3 PENDING\n2_4 4 PENDING\n1 N/A RUNNING\n",
  );
});

Deno.test("squeue checks -j against slurmctld's jobs before the format, and reports unknown users", async () => {
  await using cluster = await blockedArray();
  const unknown = await cluster.run(["squeue", "-h", "-j", "999", "-o", "%Y"]);
  assert.deepEqual(unknown, {
    code: 1,
    stdout: "",
    stderr: "slurm_load_jobs error: Invalid job id specified\n",
  });
  const format = await cluster.run(["squeue", "-h", "-j", "2", "-o", "%Y"]);
  assert.equal(format.stderr, "squeue: error: Invalid job format specification: Y\n");
  assert.equal((await cluster.run(["squeue", "-h", "-j", "999,1", "-o", "%i"])).stdout, "1\n");
  const users = await cluster.run(["squeue", "-h", "-u", "nobody,user", "-o", "%i"]);
  assert.deepEqual(users, {
    code: 0,
    stdout: "2_[1-4%2]\n1\n",
    stderr: "squeue: error: Invalid user: nobody\n\n",
  });
});
