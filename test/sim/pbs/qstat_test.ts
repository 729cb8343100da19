// qstat of Torque and PBS Pro (sim/pbs/qstat.ts).
import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import { parseQstat } from "../../../sim/pbs/qstat.ts";
import { PBSPRO, TORQUE } from "../../../sim/pbs/dialect.ts";
import { failureOf } from "../_common/_failure.ts";
import { fixture, pbspro, PRO_SCRIPT, torque, TORQUE_SCRIPT } from "./_clusters.ts";

Deno.test("Torque qstat prints the Torque table, C for kept jobs, then Unknown Job Id Error (153)", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.writeFile("/home/user/job.pbs", TORQUE_SCRIPT);
  await transport.run(["qsub", "job.pbs"]);
  await transport.run(["qsub", "-N", "a_name_longer_than_sixteen", "job.pbs"]);
  await transport.run(["qsub", "-h", "-N", "fail", "job.pbs"]);
  assert.equal((await transport.run(["qstat"])).stdout, await fixture("torque_qstat_queued.out"));
  await cluster.advance(10_000);
  assert.equal((await transport.run(["qstat"])).stdout, await fixture("torque_qstat_running.out"));
  await cluster.advance(120_000);
  const finished = await transport.run(["qstat", "1"]);
  assert.match(finished.stdout, /^1\.login1 +fromdirective +user +00:00:00 C batch +\n$/m);
  const full = await transport.run(["qstat", "-f", "1"]);
  assert.match(full.stdout, /^Job Id: 1\.login1\n {4}Job_Name = fromdirective\n/);
  assert.match(full.stdout, /\n {4}job_state = C\n/);
  assert.match(full.stdout, /\n {4}exit_status = 0\n/);
  assert.match(full.stdout, /\n {4}Resource_List\.walltime = 00:30:00\n/);
  assert.match(full.stdout, /\n {4}ctime = Thu Jan {2}1 00:00:00 2026\n/);
  assert.ok(full.stdout.endsWith("request_version = 1\n\n"));
  // keep_completed = 300 s: afterwards the server no longer knows the job.
  await cluster.advance(300_000);
  assert.deepEqual(await transport.run(["qstat", "1"]), {
    code: 153,
    stdout: "",
    stderr: "qstat: Unknown Job Id Error 1.login1\n",
  });
  const mixed = await transport.run(["qstat", "3", "99"]);
  assert.equal(mixed.code, 153);
  assert.match(mixed.stdout, /^Job ID +Name/);
  assert.match(mixed.stdout, /\n3\.login1 +fail +user +0 H batch/);
  assert.equal(mixed.stderr, "qstat: Unknown Job Id Error 99.login1\n");
  // Not a job id: a destination, and no such queue (raw/torque/031).
  assert.deepEqual(await transport.run(["qstat", "abc"]), {
    code: 172,
    stdout: "",
    stderr: "qstat: Unknown queue destination abc\n",
  });
  assert.match(
    (await transport.run(["qstat", "batch"])).stdout,
    /\n3\.login1 +fail +user +0 H batch/,
  );
});

Deno.test("Torque qstat -f -t: subjob records with exit_status and job_array_request, no summary", async () => {
  // Task k runs 60·k s; task 2 exits 3.
  await using cluster = torque((job) => ({
    runtimeSeconds: 60 * (job.arrayTaskId ?? 1),
    exitCode: job.arrayTaskId === 2 ? 3 : 0,
  }));
  const transport = cluster.transport();
  await transport.run(["qsub", "-t", "1-3", "-N", "arr"], { stdin: "#!/bin/bash\ntrue\n" });
  await transport.run(["qsub", "-N", "plain"], { stdin: "#!/bin/bash\ntrue\n" });
  await cluster.advance(90_000);
  const running = await transport.run(["qstat", "-f", "-t", "1[].login1", "2.login1"]);
  assert.equal(running.code, 0);
  const blocks = running.stdout.split("\n\n").filter((block) => block !== "");
  assert.deepEqual(blocks.map((block) => /^Job Id: (\S+)/.exec(block)?.[1]), [
    "1[1].login1",
    "1[2].login1",
    "1[3].login1",
    "2.login1",
  ]);
  assert.match(blocks[0]!, /\n {4}job_state = C\n[^]*\n {4}exit_status = 0\n/);
  // A subjob has its index, not the array's request (raw/torque/025).
  assert.match(blocks[0]!, /\n {4}submit_args = -t 1-3 -N arr\n {4}job_array_id = 1\n/);
  assert.doesNotMatch(blocks[0]!, /job_array_request/);
  assert.deepEqual(blocks.map((block) => /\n {4}Job_Name = (\S+)\n/.exec(block)?.[1]), [
    "arr-1",
    "arr-2",
    "arr-3",
    "plain",
  ]);
  assert.match(blocks[1]!, /\n {4}job_state = R\n/);
  assert.doesNotMatch(blocks[1]!, /exit_status/);
  assert.doesNotMatch(blocks[3]!, /job_array/);
  await cluster.runUntilIdle();
  const done = await transport.run(["qstat", "-f", "-t", "1[]"]);
  assert.deepEqual(
    [...done.stdout.matchAll(/^ {4}exit_status = (\S+)$/gm)].map((match) => match[1]),
    ["0", "3", "0"],
  );
  // Without -t, Torque 6.1 lists every job (raw/torque/024); the array's summary record has no
  // exit status, but its request.
  const summary = await transport.run(["qstat", "-f", "1[]"]);
  const records = summary.stdout.split("\n\n").filter((block) => block !== "");
  assert.deepEqual(records.map((block) => /^Job Id: (\S+)/.exec(block)?.[1]), [
    "1[].login1",
    "2.login1",
  ]);
  assert.match(records[0]!, /^Job Id: 1\[\]\.login1\n {4}Job_Name = arr\n[^]*job_state = C\n/);
  assert.match(records[0]!, /\n {4}job_array_request = 1-3\n/);
  assert.doesNotMatch(records[0]!, /exit_status/);
  // Subjobs are purged keep_completed (300 s) after their own end: task 1 (ended at ~60 s) is
  // gone at ~380 s, task 2 (ended at ~120 s) is not.
  await cluster.advance(200_000);
  const partly = await transport.run(["qstat", "-f", "-t", "1[]"]);
  assert.deepEqual([...partly.stdout.matchAll(/^Job Id: (\S+)$/gm)].map((match) => match[1]), [
    "1[2].login1",
    "1[3].login1",
  ]);
});

Deno.test("Torque qstat -f with many ids answers each in operand order, arrays and unknown ids too", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  for (let i = 0; i < 300; i++) {
    await transport.run(["qsub", "-N", `job${i}`], { stdin: TORQUE_SCRIPT });
  }
  await transport.run(["qsub", "-t", "1-2"], { stdin: TORQUE_SCRIPT });
  const ids = ["301[2]", "999", ...Array.from({ length: 300 }, (_, i) => `${300 - i}.login1`)];
  const out = await transport.run(["qstat", "-f", ...ids]);
  assert.equal(out.code, 153);
  assert.equal(out.stderr, "qstat: Unknown Job Id Error 999.login1\n");
  const listed = [...out.stdout.matchAll(/^Job Id: (\S+)$/gm)].map((match) => match[1]);
  assert.deepEqual(listed, ["301[2].login1", ...ids.slice(2)]);
  assert.match(out.stdout, /^Job Id: 1\.login1\n {4}Job_Name = job0\n/m);
});

Deno.test("PBS Pro qstat prints the Pro table (17-wide ids, names cut with *)", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  await transport.writeFile("/home/user/job.pbs", PRO_SCRIPT);
  assert.equal((await transport.run(["qsub", "job.pbs"])).stdout, "1.login1\n");
  await transport.run(["qsub", "-N", "a_name_longer_than_sixteen", "job.pbs"]);
  await transport.run(["qsub", "-h", "-N", "fail", "job.pbs"]);
  assert.equal((await transport.run(["qstat"])).stdout, await fixture("pbspro_qstat_queued.out"));
  await cluster.advance(10_000);
  assert.equal((await transport.run(["qstat"])).stdout, await fixture("pbspro_qstat_running.out"));
});

Deno.test("PBS Pro finished jobs need -x: F with Exit_status; without -x exit 35; unknown 153", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\nexit 3\n" });
  await cluster.runUntilIdle();
  assert.deepEqual(await transport.run(["qstat"]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await transport.run(["qstat", "1"]), {
    code: 35,
    stdout: "",
    stderr: "qstat: 1.login1 Job has finished, use -x or -H to obtain historical job information\n",
  });
  const history = await transport.run(["qstat", "-x", "1"]);
  assert.match(history.stdout, /\n1\.login1 +fail +user +00:00:00 F workq +\n$/);
  const full = await transport.run(["qstat", "-x", "-f", "1"]);
  assert.match(full.stdout, /\n {4}job_state = F\n/);
  assert.match(full.stdout, /\n {4}Exit_status = 3\n/);
  // A failed job is substate 93 (raw/openpbs/046), a finished one 92.
  assert.match(full.stdout, /\n {4}substate = 93\n/);
  // No memory asked for, none in exec_vnode (raw/openpbs/046).
  assert.match(
    full.stdout,
    /\n {4}comment = Job run at Thu Jan 01 at 00:00 on \(node1:ncpus=1\) and failed\n/,
  );
  assert.match(full.stdout, /\n {4}Resource_List\.select = 1:ncpus=1\n/);
  assert.match(full.stdout, /\n {4}project = _pbs_project_default\n {4}Submit_Host = login1\n\n$/);
  assert.match(
    (await transport.run(["qstat", "-H"])).stdout,
    /\n1\.login1 +user +workq +fail .* F 00:01\n$/,
  );
  assert.deepEqual(await transport.run(["qstat", "-x", "42"]), {
    code: 153,
    stdout: "",
    stderr: "qstat: Unknown Job Id 42.login1\n",
  });
  assert.deepEqual(await transport.run(["qdel", "1"]), {
    code: 35,
    stdout: "",
    stderr: "qdel: Job has finished 1.login1\n",
  });
  assert.deepEqual(await transport.run(["qdel", "42"]), {
    code: 153,
    stdout: "",
    stderr: "qdel: Unknown Job Id 42.login1\n",
  });
});

Deno.test("parseQstat() reads the format, history, subjob and user options of each product", () => {
  assert.deepEqual(parseQstat(["-f", "-t", "-u", "alice@login1,bob", "12", "13[]"], TORQUE), {
    format: "full",
    history: false,
    finishedOnly: false,
    arraysOnly: false,
    expand: true,
    users: ["alice", "bob"],
    operands: ["12", "13[]"],
  });
  // Torque's -x is XML; PBS Pro's -x is history, and -f wins over it.
  assert.equal(parseQstat(["-x"], TORQUE).format, "xml");
  assert.deepEqual(parseQstat(["-x", "-f"], PBSPRO), {
    format: "full",
    history: true,
    finishedOnly: false,
    arraysOnly: false,
    expand: false,
    operands: [],
  });
  const historyOnly = parseQstat(["-H", "-J"], PBSPRO);
  assert.deepEqual([historyOnly.format, historyOnly.history, historyOnly.finishedOnly], [
    "alt", // -H prints the -a table (raw/openpbs/049)
    true,
    true,
  ]);
  assert.equal(historyOnly.arraysOnly, true);
});

Deno.test("parseQstat() fails with the usage (exit 2) on options the product lacks", () => {
  assert.deepEqual(failureOf(() => parseQstat(["-H"], TORQUE)), {
    code: 2,
    stderr: "qstat: invalid option -- 'H'\n" +
      "usage: qstat [-f] [-t] [-x] [-u user_list] [job_identifier... | destination...]\n",
  });
  assert.deepEqual(failureOf(() => parseQstat(["-u"], PBSPRO)), {
    code: 2,
    stderr: "qstat: option requires an argument -- 'u'\n" +
      "usage: qstat [-f] [-t] [-x] [-H] [-J] [-u user_list] [job_identifier... | destination...]\n" +
      "       qstat --version\n",
  });
});

Deno.test("qstat -a: Torque's and PBS Pro's wide tables, with what each server knows", async () => {
  for (const scheduler of ["pbs", "pbspro"] as const) {
    await using cluster = new SimCluster({
      scheduler,
      model: () => ({ runtimeSeconds: 120, exitCode: 0 }),
    });
    await cluster.run(["qsub", "-l", "walltime=00:05:00", "-N", "long"], { stdin: "sleep 1\n" });
    await cluster.run(["qsub", "-h", "-N", "held"], { stdin: "true\n" });
    await cluster.advance(90_000);
    const rows = (await cluster.run(["qstat", "-a"])).stdout.split("\n");
    assert.equal(rows[1], "login1: ");
    if (scheduler === "pbs") {
      // The elapsed time of the running job only; no walltime asked for the held one.
      assert.match(
        rows[5]!,
        /^1\.login1 +user +batch +long +10001 +1 +1 +-- +00:05:00 R {2}00:01:30$/,
      );
      assert.match(rows[6]!, /^2\.login1 +user +batch +held +-- +1 +1 +-- +-- +H +-- $/);
    } else {
      // The walltime the mom reported, as HH:MM; no default walltime.
      assert.match(rows[5]!, /^1\.login1 +user +workq +long +10001 +1 +1 +-- +00:05 R 00:01$/);
      assert.match(rows[6]!, /^2\.login1 +user +workq +held +-- +1 +1 +-- +-- +H +-- $/);
    }
  }
});
