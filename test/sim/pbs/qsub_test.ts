// qsub of Torque and PBS Pro (sim/pbs/qsub.ts): parseQsub, and what qsub does end to end.
import assert from "node:assert/strict";
import { directiveWords, splitWords } from "../../../sim/_common/directive_words.ts";
import { parseQsub } from "../../../sim/pbs/qsub.ts";
import { PBSPRO, TORQUE } from "../../../sim/pbs/dialect.ts";
import { failureOf } from "../_common/_failure.ts";
import { pbspro, torque, TORQUE_SCRIPT } from "./_clusters.ts";

Deno.test("directiveWords() reads #PBS lines until the first command, with shell quoting", () => {
  const script =
    '#!/bin/bash\n# comment\n#PBS -N "my job" # trailing comment\n\n#PBS -l nodes=1\necho\n#PBS -q late\n';
  assert.deepEqual(directiveWords(script, "#PBS"), ["-N", "my job", "-l", "nodes=1"]);
  assert.deepEqual(splitWords(`-v 'A=1 2',B="x\\"y" \\# z`), ["-v", 'A=1 2,B=x"y', "#", "z"]);
});

Deno.test("Torque qsub prints 123.server; directives apply and the command line wins", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.writeFile("/home/user/job.pbs", TORQUE_SCRIPT);
  const first = await transport.run(["qsub", "-N", "fromcli", "job.pbs"]);
  assert.deepEqual(first, { code: 0, stdout: "1.login1\n", stderr: "" });
  const job = cluster.job(1)!;
  assert.equal(job.request.name, "fromcli");
  assert.equal(job.timeLimitSeconds, 1800);
  assert.equal(job.queue, "batch");
  // PBS jobs start in $HOME; the submission directory is PBS_O_WORKDIR.
  assert.equal(job.request.workdir, "/home/user");
  const stdin = await transport.run(["qsub", "-q", "short"], { stdin: "#!/bin/bash\ntrue\n" });
  assert.equal(stdin.stdout, "2.login1\n");
  assert.equal(cluster.job(2)!.request.name, "STDIN");
  assert.equal(cluster.job(2)!.queue, "short");
});

Deno.test("Torque arrays: -t 1-3%1 gives 1[].server, subjobs run one at a time with PBS_ARRAYID", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  const submitted = await transport.run(["qsub", "-t", "1-3%1", "-N", "arr"], {
    stdin: "#!/bin/bash\ntrue\n",
  });
  assert.equal(submitted.stdout, "1[].login1\n");
  await cluster.advance(1000);
  const summary = await transport.run(["qstat"]);
  assert.match(summary.stdout, /\n1\[\]\.login1 +arr +user +0 R batch/);
  const expanded = await transport.run(["qstat", "-t", "1[]"]);
  assert.match(
    expanded.stdout,
    // Torque names array task k "<name>-<k>"; the summary row keeps the submitted name. Time Use
    // stays 0 until the mom reports the task's cput (raw/torque/018).
    /\n1\[1\]\.login1 +arr-1 +user +0 R batch +\n1\[2\]\.login1 +arr-2 +user +0 Q batch/,
  );
  assert.doesNotMatch(expanded.stdout, /1\[\]\.login1/);
  const task = cluster.jobs().find((job) => job.arrayTaskId === 2)!;
  const env = task.request.environment!(task);
  assert.equal(env.PBS_ARRAYID, "2");
  assert.equal(env.PBS_JOBID, "1[2].login1");
  assert.equal(env.PBS_JOBNAME, "arr-2");
  assert.equal(task.request.outputPaths!(task).stdout, "/home/user/arr.o1-2");
  assert.deepEqual(await transport.run(["qstat", "1"]), {
    code: 153,
    stdout: "",
    stderr: "qstat: Unknown Job Id Error 1.login1\n",
  });
  await cluster.runUntilIdle();
  assert.match(
    (await transport.run(["qstat", "1[]"])).stdout,
    /\n1\[\]\.login1 +arr +user +0 C batch/,
  );
});

Deno.test("Torque dependencies: afterok waits (H), runs after success, is deleted when the parent fails", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "ok"], { stdin: "#!/bin/bash\n" });
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\n" });
  await transport.run(["qsub", "-W", "depend=afterok:1.login1"], { stdin: "#!/bin/bash\n" });
  await transport.run(["qsub", "-W", "depend=afterok:2"], { stdin: "#!/bin/bash\n" });
  const before = await transport.run(["qstat", "3", "4"]);
  assert.match(
    before.stdout,
    /\n3\.login1 +STDIN +user +0 H batch +\n4\.login1 +STDIN +user +0 H batch/,
  );
  await cluster.advance(61_000);
  const after = await transport.run(["qstat", "3", "4"]);
  assert.match(after.stdout, /\n3\.login1 +STDIN +user +0 R batch/);
  // PBS removes a job whose dependency can never be satisfied.
  assert.match(after.stdout, /\n4\.login1 +STDIN +user +0 C batch/);
  assert.equal(cluster.job(4)!.state, "CANCELLED");
  assert.equal(cluster.job(4)!.startTime, undefined);
  const unknown = await transport.run(["qsub", "-W", "depend=afterok:77"], {
    stdin: "#!/bin/bash\n",
  });
  // Torque refuses a dependency on an unknown job, using up its id (raw/torque/037).
  assert.deepEqual(unknown, {
    code: 208,
    stdout: "",
    stderr: "qsub: submit error (Invalid Job Dependency)\n",
  });
  assert.equal((await transport.run(["qsub"], { stdin: "#!/bin/bash\n" })).stdout, "6.login1\n");
});

Deno.test("Torque walltime: a job past its limit ends with exit_status -11; limits and queues are checked", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "long", "-l", "walltime=00:10:00"], {
    stdin: "#!/bin/bash\n",
  });
  await cluster.runUntilIdle();
  assert.equal(cluster.job(1)!.state, "TIMEOUT");
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /exit_status = -11\n/);
  assert.deepEqual(await transport.run(["qsub", "-q", "nosuch"], { stdin: "#!/bin/bash\n" }), {
    code: 172,
    stdout: "",
    stderr: "qsub: submit error (Unknown queue MSG=requested queue not found)\n",
  });
  const tooLong = await transport.run(["qsub", "-q", "short", "-l", "walltime=01:00:00"], {
    stdin: "#!/bin/bash\n",
  });
  assert.equal(tooLong.code, 190);
  assert.match(tooLong.stderr, /^qsub: submit error \(Job exceeds queue resource limits/);
  const badOption = await transport.run(["qsub", "-Z"], { stdin: "" });
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /^qsub: invalid option -- 'Z'\n\[exiting\]\n\nusage: qsub/);
  assert.equal(
    (await transport.run(["qsub", "-l", "walltime=soon"], { stdin: "" })).stderr.split("\n")[0],
    "[qsub: illegal -l value]",
  );
  assert.deepEqual(await transport.run(["qsub", "nosuch.pbs"]), {
    code: 1,
    stdout: "",
    stderr: "qsub: script file 'nosuch.pbs' cannot be loaded - No such file or directory\n",
  });
});

Deno.test("PBS Pro arrays: -J 1-5:2%2 gives 1[].server, state B, subjobs X, PBS_ARRAY_INDEX", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  const submitted = await transport.run(["qsub", "-J", "1-5:2%2", "-N", "arr"], {
    stdin: "#!/bin/bash\n",
  });
  assert.equal(submitted.stdout, "1[].login1\n");
  assert.deepEqual(cluster.jobs().map((job) => job.arrayTaskId), [1, 3, 5]);
  await cluster.advance(1000);
  assert.match((await transport.run(["qstat"])).stdout, /\n1\[\]\.login1 +arr +user +0 B workq/);
  const expanded = await transport.run(["qstat", "-t", "1[]"]);
  assert.match(
    expanded.stdout,
    /\n1\[\]\.login1 +arr +user +0 B workq +\n1\[1\]\.login1 +arr +user +0 R workq +\n/,
  );
  assert.match(expanded.stdout, /\n1\[5\]\.login1 +arr +user +0 Q workq +\n$/);
  assert.match(
    (await transport.run(["qstat", "-f", "1[]"])).stdout,
    /array_state_count = Queued:1 Running:2 Exiting:0 Expired:0\n/,
  );
  // An array without [] is not a job id PBS Pro knows.
  assert.equal((await transport.run(["qstat", "1"])).stderr, "qstat: Unknown Job Id 1.login1\n");
  const task = cluster.jobs().find((job) => job.arrayTaskId === 3)!;
  const env = task.request.environment!(task);
  assert.equal(env.PBS_ARRAY_INDEX, "3");
  assert.equal(env.PBS_ARRAY_ID, "1[].login1");
  assert.equal(env.PBS_JOBID, "1[3].login1");
  assert.equal(task.request.outputPaths!(task).stdout, "/home/user/arr.o1.3");
  await cluster.runUntilIdle();
  // Finished subjobs are X while the array runs, F once it has finished (raw/openpbs/052).
  const done = await transport.run(["qstat", "-x", "-t", "1[]"]);
  assert.match(
    done.stdout,
    /\n1\[\]\.login1 +arr +user +0 F workq +\n1\[1\]\.login1 +arr +user +00:00:00 F workq/,
  );
  assert.match(
    (await transport.run(["qstat", "-x", "-f", "1[]"])).stdout,
    /\n {4}Exit_status = 0\n/,
  );
  const bad = await transport.run(["qsub", "-J", "5-1"], { stdin: "" });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^qsub: illegal -J value\n/);
});

Deno.test("PBS Pro select, -- executable, -V/-v and walltime kill (-29)", async () => {
  await using cluster = pbspro();
  const transport = cluster.transport();
  const submitted = await transport.run(
    [
      "qsub",
      "-l",
      "select=2:ncpus=4:mpiprocs=2:mem=2gb",
      "-l",
      "walltime=00:05:00",
      "-v",
      "A=1,B",
      "-N",
      "long",
      "--",
      "/bin/sleep",
      "600",
    ],
    { env: { B: "two" } },
  );
  assert.equal(submitted.stdout, "1.login1\n");
  const job = cluster.job(1)!;
  assert.equal(job.request.nodes, 2);
  assert.equal(job.request.tasksPerNode, 2);
  assert.equal(job.request.cpusPerTask, 2);
  assert.equal(job.request.memoryMB, 2048);
  assert.equal(job.request.script, "#!/bin/sh\n/bin/sleep 600\n");
  assert.deepEqual(job.request.exportedEnv, { A: "1", B: "two" });
  await cluster.runUntilIdle();
  assert.equal(job.state, "TIMEOUT");
  const full = (await transport.run(["qstat", "-x", "-f", "1"])).stdout;
  assert.match(full, /\n {4}Exit_status = -29\n/);
  assert.match(full, /\n {4}exec_host = node1\/0\*4\+node2\/0\*4\n/);
  assert.match(full, /\n {4}Resource_List\.select = 2:ncpus=4:mpiprocs=2:mem=2gb\n/);
  assert.deepEqual(job.request.jobFiles!(job), {
    "/var/spool/pbs/aux/1.login1": "node1\nnode1\nnode2\nnode2\n",
  });
  const env = job.request.environment!(job);
  assert.equal(env.NCPUS, "4");
  assert.equal(env.OMP_NUM_THREADS, "2");
  assert.equal(env.B, "two");
  const rejected = await transport.run(["qsub", "-q", "short", "-l", "walltime=01:00:00"], {
    stdin: "#!/bin/bash\n",
  });
  // OpenPBS's own pbs_errno values: PBSE_EXCQRESC 15036, PBSE_UNKQUE 15018 (raw/openpbs/019).
  assert.deepEqual(rejected, {
    code: 188,
    stdout: "",
    stderr: "qsub: Job violates queue and/or server resource limits\n",
  });
  assert.deepEqual(await transport.run(["qsub", "-q", "nosuch"], { stdin: "#!/bin/bash\n" }), {
    code: 170,
    stdout: "",
    stderr: "qsub: Unknown queue\n",
  });
  // A dependency on an unknown job is accepted, and the job ends without running (ids 2 and 3
  // went to the refused submissions: raw/openpbs/021, 043).
  assert.deepEqual(
    await transport.run(["qsub", "-W", "depend=afterok:77"], { stdin: "#!/bin/bash\n" }),
    { code: 0, stdout: "4.login1\n", stderr: "" },
  );
  assert.deepEqual([cluster.job(4)!.state, cluster.job(4)!.startTime], ["CANCELLED", undefined]);
});

const files = (texts: Record<string, string>) => (path: string) => texts[path];

Deno.test("parseQsub() merges argv and #PBS directives into typed options, the command line winning", () => {
  const script = "#!/bin/bash\n#PBS -N fromdirective\n#PBS -l walltime=1:00:00\n#PBS -v A=1\n" +
    "#PBS -j oe\n#PBS -t 1-3%2\necho hi\n";
  const options = parseQsub({
    args: [
      "-N",
      "cli",
      "-l",
      "nodes=2:ppn=4",
      "-v",
      "B",
      "-W",
      "depend=afterok:1:2[]",
      "-q",
      "short@server",
      "-F",
      "a  b",
      "-d",
      "sub",
      "-h",
      "-V",
      "-o",
      "out",
      "-A",
      "acct",
      "job.pbs",
    ],
    stdin: "",
    readFile: files({ "job.pbs": script }),
  }, TORQUE);
  assert.deepEqual(options, {
    script,
    name: "cli",
    scriptArgs: ["a", "b"],
    resources: new Map([["walltime", "1:00:00"], ["nodes", "2:ppn=4"]]),
    layout: { nodes: 2, tasksPerNode: 4, cpusPerTask: 1, gpus: 0, walltimeSeconds: 3600 },
    join: "oe",
    arraySpec: "1-3%2",
    array: { indices: [1, 2, 3], maxConcurrent: 2 },
    dependencies: [{
      type: "afterok",
      typeName: "afterok",
      refs: [{ seq: 1, text: "1" }, { seq: 2, index: "all", text: "2[]" }],
    }],
    workdir: "sub",
    exportAll: true,
    variableLists: ["A=1", "B"],
    queue: "short",
    outputPath: "out",
    hold: true,
    account: "acct",
  });
});

Deno.test("parseQsub() reads stdin as STDIN and PBS Pro's -- command as a two-line script", () => {
  const stdin = parseQsub({ args: [], stdin: "#!/bin/bash\ntrue\n", readFile: files({}) }, PBSPRO);
  assert.equal(stdin.name, "STDIN");
  assert.equal(stdin.script, "#!/bin/bash\ntrue\n");
  assert.equal(stdin.join, "n");
  assert.deepEqual(stdin.dependencies, []);
  const command = parseQsub({
    args: ["-P", "proj", "-J", "1-5:2", "--", "/bin/sleep", "10"],
    stdin: "",
    readFile: files({}),
  }, PBSPRO);
  assert.equal(command.script, "#!/bin/sh\n/bin/sleep 10\n");
  assert.equal(command.name, "sleep");
  assert.equal(command.project, "proj");
  assert.deepEqual(command.array, { indices: [1, 3, 5] });
  // Torque's -J names a proxy user's job and needs -P (raw/torque/017).
  assert.equal(
    failureOf(() => parseQsub({ args: ["-J", "1-4"], stdin: "", readFile: files({}) }, TORQUE))
      .stderr.split("\n")[0],
    "[The -J option can only be used in conjunction with -P]",
  );
});

const TORQUE_USAGE = Deno.readTextFileSync(
  new URL("../../fixtures/real-outputs/torque/014-qsub-bad-option.err", import.meta.url),
).replace(/^[^]*?\n\n/, "");
const PRO_USAGE = Deno.readTextFileSync(
  new URL("../../fixtures/real-outputs/openpbs/018-qsub-bad-option.err", import.meta.url),
).replace(/^.*\n/, "");

Deno.test("parseQsub() fails with qsub's texts and exit codes", () => {
  const parse = (args: string[], dialect = TORQUE, texts: Record<string, string> = {}) =>
    failureOf(() => parseQsub({ args, stdin: "#!/bin/bash\n", readFile: files(texts) }, dialect));
  // The usage texts of raw/torque/014 and raw/openpbs/018.
  const torqueUsage = (message: string) => ({
    code: 2,
    stderr: `[qsub: ${message}]\n\n` + TORQUE_USAGE,
  });
  const proUsage = (message: string) => ({ code: 2, stderr: `qsub: ${message}\n` + PRO_USAGE });
  assert.deepEqual(parse(["-Z"]), {
    code: 2,
    stderr: "qsub: invalid option -- 'Z'\n[exiting]\n\n" + TORQUE_USAGE,
  });
  assert.deepEqual(parse(["-N"]), {
    code: 2,
    stderr: "qsub: option requires an argument -- 'N'\n[exiting]\n\n" + TORQUE_USAGE,
  });
  assert.deepEqual(parse(["-Z"], PBSPRO), proUsage("invalid option -- 'Z'"));
  assert.deepEqual(parse(["-l", "walltime=soon"]), torqueUsage("illegal -l value"));
  assert.deepEqual(parse(["-l", "=4"]), torqueUsage("illegal -l value"));
  assert.deepEqual(parse(["-j", "xx"]), torqueUsage("illegal -j value"));
  // Torque's qsub sends -t unchecked; the server refuses it (raw/torque/016).
  assert.deepEqual(parse(["-t", "1-3%0"]), {
    code: 235,
    stderr: "qsub: submit error (Bad Job Array Request)\n",
  });
  assert.deepEqual(parse(["-J", "5-1"], PBSPRO), proUsage("illegal -J value"));
  assert.deepEqual(parse(["-W", "depend"]), torqueUsage("illegal -W value"));
  assert.deepEqual(parse(["-W", "depend=foo:1"]), torqueUsage("illegal -W value"));
  assert.deepEqual(parse(["-W", "depend=afterok:x"]), torqueUsage("illegal -W value"));
  assert.deepEqual(parse(["--"], PBSPRO), proUsage("no executable given after --"));
  assert.deepEqual(
    parse(["a.pbs", "b"], TORQUE, { "a.pbs": "" }),
    torqueUsage("too many arguments"),
  );
  assert.deepEqual(parse(["nosuch.pbs"]), {
    code: 1,
    stderr: "qsub: script file 'nosuch.pbs' cannot be loaded - No such file or directory\n",
  });
  assert.deepEqual(parse(["nosuch.pbs"], PBSPRO), {
    code: 1,
    stderr: "qsub: script file:: No such file or directory\n",
  });
  assert.deepEqual(parse(["bad.pbs"], TORQUE, { "bad.pbs": "#!/bin/bash\n#PBS -Z\n" }), {
    code: 1,
    stderr: "qsub: directive error: invalid option -- 'Z'\n",
  });
});

Deno.test("Torque deletes a chain of broken dependents at once, in submission order; a held one waits for its release", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  const qsub = (...args: string[]) => transport.run(["qsub", ...args], { stdin: "#!/bin/bash\n" });
  await qsub("-N", "fail");
  await qsub("-W", "depend=afterok:1"); // 2: broken once 1 fails
  await qsub("-W", "depend=afterok:2"); // 3: broken once 2 is deleted
  await qsub("-h", "-W", "depend=afterok:1"); // 4: held, so kept until released
  await qsub("-W", "depend=afterany:3"); // 5: runs once 3 is gone
  await cluster.advance(61_000);
  await transport.run(["qstat"]);
  assert.deepEqual(
    cluster.jobs().map((job) => [job.id, job.state]),
    [[1, "FAILED"], [2, "CANCELLED"], [3, "CANCELLED"], [4, "PENDING"], [5, "PENDING"]],
  );
  assert.ok(cluster.job(2)!.endTime! <= cluster.job(3)!.endTime!);
  await transport.run(["qrls", "4"]);
  await transport.run(["qstat"]);
  assert.equal(cluster.job(4)!.state, "CANCELLED");
  await cluster.runUntilIdle();
  assert.equal(cluster.job(5)!.state, "COMPLETED");
});

Deno.test("qsub of a request no node can run: Torque refuses it (190), PBS Pro queues it as Can Never Run", async () => {
  await using torqueCluster = torque();
  const feasible =
    "qsub: submit error (Job exceeds queue resource limits MSG=cannot locate feasible nodes " +
    "(nodes file is empty, all systems are busy, or no nodes have the requested feature))\n";
  for (const nodes of ["nodes=3:ppn=1", "nodes=1:ppn=16"]) {
    assert.deepEqual(
      await torqueCluster.run(["qsub", "-l", nodes], { stdin: "#!/bin/bash\n" }),
      { code: 190, stdout: "", stderr: feasible },
    );
  }
  const tooLong = await torqueCluster.run(["qsub", "-q", "short", "-l", "walltime=01:00:00"], {
    stdin: "#!/bin/bash\n",
  });
  assert.equal(
    tooLong.stderr,
    "qsub: submit error (Job exceeds queue resource limits MSG=cannot satisfy queue max " +
      "walltime requirement)\n",
  );
  await using proCluster = pbspro();
  const submitted = await proCluster.run(["qsub", "-l", "select=1:ncpus=64"], {
    stdin: "#!/bin/bash\n",
  });
  assert.deepEqual(submitted, { code: 0, stdout: "1.login1\n", stderr: "" });
  await proCluster.advance(60_000);
  const full = (await proCluster.run(["qstat", "-f", "1"])).stdout;
  assert.match(full, /\n {4}job_state = Q\n/);
  assert.match(
    full,
    // Wrapped at 78 columns, the space kept after the tab (raw/openpbs/061).
    /\n {4}comment = Can Never Run: Insufficient amount of resource: ncpus \(R: 64 A: 4\n\t T: 4\)\n/,
  );
  await proCluster.run(["qsub", "-l", "select=3:ncpus=1"], { stdin: "#!/bin/bash\n" });
  assert.match(
    (await proCluster.run(["qstat", "-f", "2"])).stdout,
    /\n {4}comment = Can Never Run: Not enough total nodes available\n/,
  );
});
