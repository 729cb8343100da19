// Torque emulator (sim/pbs.ts `pbsEmulator`) and the PBS helpers both dialects share.
import assert from "node:assert/strict";
import { SimCluster, type SimJob, type SimJobModel } from "../../../sim/mod.ts";
import {
  layoutOf,
  parsePbsDuration,
  parsePbsSize,
  parseResourceLists,
} from "../../../sim/pbs/_resources.ts";
import { getopt } from "../../../sim/pbs/_options.ts";
import { directiveWords, splitWords } from "../../../sim/_common/directive_words.ts";
import { printAttribute } from "../../../sim/pbs/_full_listing.ts";
import { pbsEmulator } from "../../../sim/pbs/mod.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`../../fixtures/pbs/sim/${name}`, import.meta.url));

/** A model-mode Torque cluster; jobs named `fail` exit 3, `long` runs 2 h, others 60 s. */
function torque(model?: SimJobModel): SimCluster {
  return new SimCluster({
    scheduler: "pbs",
    execution: "model",
    queues: [{ name: "batch", default: true, maxTimeSeconds: 4 * 3600 }, {
      name: "short",
      maxTimeSeconds: 600,
    }],
    model: model ?? ((job: SimJob) => ({
      runtimeSeconds: job.request.name === "long" ? 7200 : 60,
      exitCode: job.request.name === "fail" ? 3 : 0,
    })),
  });
}

const SCRIPT =
  "#!/bin/bash\n#PBS -N fromdirective\n#PBS -l walltime=00:30:00\n#PBS -q batch\necho hi\n";

Deno.test("parsePbsDuration() reads [[hours:]minutes:]seconds and days", () => {
  assert.equal(parsePbsDuration("01:30:00"), 5400);
  assert.equal(parsePbsDuration("90:00"), 5400);
  assert.equal(parsePbsDuration("5400"), 5400);
  assert.equal(parsePbsDuration("1:00:00:00"), 86400);
  assert.equal(parsePbsDuration("10:00.5"), 600);
  assert.equal(parsePbsDuration("1h"), undefined);
});

Deno.test("parsePbsSize() reads b/kb/mb/gb and words, no suffix = bytes", () => {
  assert.equal(parsePbsSize("4gb"), 4 * 2 ** 30);
  assert.equal(parsePbsSize("512MB"), 512 * 2 ** 20);
  assert.equal(parsePbsSize("1kw"), 8192);
  assert.equal(parsePbsSize("1024"), 1024);
  assert.equal(parsePbsSize("4 GB"), undefined);
});

Deno.test("layoutOf() maps nodes=N:ppn=P, select chunks and job-wide mem", () => {
  assert.deepEqual(layoutOf(parseResourceLists(["nodes=2:ppn=4,walltime=1:00:00", "mem=8gb"])), {
    nodes: 2,
    tasksPerNode: 4,
    cpusPerTask: 1,
    gpus: 0,
    walltimeSeconds: 3600,
    memoryMB: 4096,
  });
  assert.deepEqual(
    layoutOf(parseResourceLists(["select=3:ncpus=8:mpiprocs=2:ompthreads=4:mem=2gb:ngpus=1"])),
    {
      nodes: 3,
      tasksPerNode: 2,
      cpusPerTask: 4,
      gpus: 1,
      memoryMB: 2048,
    },
  );
  assert.equal(layoutOf(parseResourceLists(["ncpus=6"])).cpusPerTask, 6);
  assert.throws(() => layoutOf(parseResourceLists(["walltime=abc"])), /walltime=abc/);
  assert.throws(() => parseResourceLists(["=4"]), /=4/);
});

Deno.test("getopt() takes attached, separate and bundled options and stops at the script", () => {
  const parsed = getopt(["-Nname", "-l", "walltime=1:00", "-hV", "job.sh", "-q", "x"], "N:l:hVq:");
  assert.deepEqual(parsed, {
    options: [["N", "name"], ["l", "walltime=1:00"], ["h", ""], ["V", ""]],
    operands: ["job.sh", "-q", "x"],
    sawDoubleDash: false,
  });
  assert.deepEqual(getopt(["-Z"], "N:"), { error: "invalid option -- 'Z'" });
  assert.deepEqual(getopt(["-N"], "N:"), { error: "option requires an argument -- 'N'" });
});

Deno.test("directiveWords() reads #PBS lines until the first command, with shell quoting", () => {
  const script =
    '#!/bin/bash\n# comment\n#PBS -N "my job" # trailing comment\n\n#PBS -l nodes=1\necho\n#PBS -q late\n';
  assert.deepEqual(directiveWords(script, "#PBS"), ["-N", "my job", "-l", "nodes=1"]);
  assert.deepEqual(splitWords(`-v 'A=1 2',B="x\\"y" \\# z`), ["-v", 'A=1 2,B=x"y', "#", "z"]);
});

Deno.test("printAttribute() wraps at commas like prt_attr, characters when a piece is too long", async () => {
  const value =
    "PBS_O_HOME=/home/alice,PBS_O_LOGNAME=alice,PBS_O_WORKDIR=/home/alice/project/run,PBS_O_LANG=C.UTF-8," +
    "PBS_O_PATH=/opt/tools/bin:/home/alice/.local/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin," +
    "PBS_O_QUEUE=workq,PBS_O_HOST=login1.cluster.example.org";
  assert.equal(
    printAttribute("Variable_List", undefined, value, 78),
    await fixture("prt_attr_variable_list.txt"),
  );
  assert.equal(
    printAttribute("Resource_List", "walltime", "01:00:00", 77),
    "    Resource_List.walltime = 01:00:00\n",
  );
});

Deno.test("Torque qsub prints 123.server; directives apply and the command line wins", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.writeFile("/home/user/job.pbs", SCRIPT);
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

Deno.test("Torque qstat prints the Torque table, C for kept jobs, then Unknown Job Id Error (153)", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.writeFile("/home/user/job.pbs", SCRIPT);
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
  assert.deepEqual(await transport.run(["qstat", "abc"]), {
    code: 1,
    stdout: "",
    stderr: "qstat: illegally formed job identifier: abc\n",
  });
});

Deno.test("Torque qstat -x prints one XML document with raw times", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\nexit 3\n" });
  await cluster.runUntilIdle();
  const xml = await transport.run(["qstat", "-x", "1"]);
  assert.equal(xml.code, 0);
  assert.ok(
    xml.stdout.startsWith(
      '<?xml version="1.0"?>\n<Data><Job><Job_Id>1.login1</Job_Id><Job_Name>fail</Job_Name>',
    ),
  );
  assert.match(xml.stdout, /<job_state>C<\/job_state>/);
  assert.match(xml.stdout, /<exit_status>3<\/exit_status>/);
  assert.match(xml.stdout, /<resources_used><cput>00:00:00<\/cput>.*<\/resources_used>/);
  assert.match(xml.stdout, /<ctime>1767225600<\/ctime>/);
  assert.ok(xml.stdout.endsWith("</Job></Data>\n"));
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
    // Torque names array task k "<name>-<k>"; the summary row keeps the submitted name.
    /\n1\[1\]\.login1 +arr-1 +user +00:00:00 R batch +\n1\[2\]\.login1 +arr-2 +user +0 Q batch/,
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
  assert.match(blocks[0]!, /\n {4}job_array_id = 1\n {4}job_array_request = 1-3\n/);
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
  // Without -t the array is one summary record, which has no exit status.
  const summary = await transport.run(["qstat", "-f", "1[]"]);
  assert.match(summary.stdout, /^Job Id: 1\[\]\.login1\n {4}Job_Name = arr\n[^]*job_state = C\n/);
  assert.doesNotMatch(summary.stdout, /exit_status/);
  // Subjobs are purged keep_completed (300 s) after their own end: task 1 (ended at ~60 s) is
  // gone at ~380 s, task 2 (ended at ~120 s) is not.
  await cluster.advance(200_000);
  const partly = await transport.run(["qstat", "-f", "-t", "1[]"]);
  assert.deepEqual([...partly.stdout.matchAll(/^Job Id: (\S+)$/gm)].map((match) => match[1]), [
    "1[2].login1",
    "1[3].login1",
  ]);
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
  assert.match(after.stdout, /\n3\.login1 +STDIN +user +00:00:00 R batch/);
  // PBS removes a job whose dependency can never be satisfied.
  assert.match(after.stdout, /\n4\.login1 +STDIN +user +0 C batch/);
  assert.equal(cluster.job(4)!.state, "CANCELLED");
  assert.equal(cluster.job(4)!.startTime, undefined);
  const unknown = await transport.run(["qsub", "-W", "depend=afterok:77"], {
    stdin: "#!/bin/bash\n",
  });
  assert.deepEqual(unknown, {
    code: 153,
    stdout: "",
    stderr: "qsub: submit error (Unknown Job Id Error MSG=77.login1)\n",
  });
});

Deno.test("Torque hold and release: qsub -h, qrls, qhold", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-h"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(5000);
  assert.equal(cluster.job(1)!.state, "PENDING");
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /Hold_Types = u\n/);
  assert.deepEqual(await transport.run(["qrls", "1"]), { code: 0, stdout: "", stderr: "" });
  await cluster.advance(1000);
  assert.equal(cluster.job(1)!.state, "RUNNING");
  assert.deepEqual(await transport.run(["qhold", "1"]), {
    code: 170,
    stdout: "",
    stderr: "qhold: Request invalid for state of job 1.login1\n",
  });
});

Deno.test("Torque qdel: running job ends with exit_status 271, unknown and finished ids fail", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "long"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(5000);
  assert.deepEqual(await transport.run(["qdel", "1"]), { code: 0, stdout: "", stderr: "" });
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /exit_status = 271\n/);
  assert.deepEqual(await transport.run(["qdel", "1"]), {
    code: 170,
    stdout: "",
    stderr:
      "qdel: Request invalid for state of job MSG=invalid state for job - COMPLETE 1.login1\n",
  });
  assert.deepEqual(await transport.run(["qdel", "99"]), {
    code: 153,
    stdout: "",
    stderr: "qdel: Unknown Job Id Error 99.login1\n",
  });
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
  assert.match(badOption.stderr, /^qsub: invalid option -- 'Z'\nusage: qsub/);
  assert.equal(
    (await transport.run(["qsub", "-l", "walltime=soon"], { stdin: "" })).stderr.split("\n")[0],
    "qsub: illegal -l value",
  );
  assert.deepEqual(await transport.run(["qsub", "nosuch.pbs"]), {
    code: 1,
    stdout: "",
    stderr: "qsub: script file 'nosuch.pbs' cannot be loaded - No such file or directory\n",
  });
});

Deno.test("Torque tracejob reports Exit_status once the job left qstat", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\n" });
  await cluster.runUntilIdle();
  await cluster.advance(400_000);
  assert.equal((await transport.run(["qstat", "1"])).code, 153);
  const trace = await transport.run(["tracejob", "-q", "-n", "7", "1"]);
  assert.equal(trace.code, 0);
  assert.ok(
    trace.stdout.startsWith(
      "\nJob: 1.login1\n\n01/01/2026 00:00:00  S    enqueuing into batch, state 1 hop 1\n",
    ),
  );
  assert.match(
    trace.stdout,
    /\n01\/01\/2026 00:01:00 {2}S {4}Exit_status=3 resources_used\.cput=00:00:00 .*resources_used\.walltime=00:01:00\n/,
  );
});

Deno.test("Torque tracejob shows the end record only once accounting has it", async () => {
  await using cluster = new SimCluster({
    scheduler: "pbs",
    execution: "model",
    engine: { accountingLagMs: 60_000 },
    model: () => ({ runtimeSeconds: 60, exitCode: 3 }),
  });
  const transport = cluster.transport();
  await transport.run(["qsub"], { stdin: "#!/bin/bash\n" });
  await cluster.advance(90_000);
  const early = await transport.run(["tracejob", "1"]);
  assert.match(early.stdout, /Job Run at request/);
  assert.doesNotMatch(early.stdout, /Exit_status=/);
  await cluster.advance(60_000);
  assert.match((await transport.run(["tracejob", "1"])).stdout, /S {4}Exit_status=3 /);
});

Deno.test("Torque qstat -f with many ids answers each in operand order, arrays and unknown ids too", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  for (let i = 0; i < 300; i++) await transport.run(["qsub", "-N", `job${i}`], { stdin: SCRIPT });
  await transport.run(["qsub", "-t", "1-2"], { stdin: SCRIPT });
  const ids = ["301[]", "999", ...Array.from({ length: 300 }, (_, i) => `${300 - i}.login1`)];
  const out = await transport.run(["qstat", "-f", ...ids]);
  assert.equal(out.code, 153);
  assert.equal(out.stderr, "qstat: Unknown Job Id Error 999.login1\n");
  const listed = [...out.stdout.matchAll(/^Job Id: (\S+)$/gm)].map((match) => match[1]);
  assert.deepEqual(listed, ["301[].login1", ...ids.slice(2)]);
  assert.match(out.stdout, /^Job Id: 1\.login1\n {4}Job_Name = job0\n/m);
});

Deno.test("Torque in shell mode: the job runs in $HOME with PBS variables, name.o<seq>/.e<seq>, -j oe, -d", async () => {
  await using cluster = new SimCluster({ scheduler: "pbs", execution: "shell" });
  const transport = cluster.transport();
  await transport.mkdir("/home/user/project");
  await transport.writeFile(
    "/home/user/project/job.pbs",
    '#!/bin/bash\n#PBS -N envjob\n#PBS -l nodes=1:ppn=2\necho "id=$PBS_JOBID name=$PBS_JOBNAME np=$PBS_NP ppn=$PBS_NUM_PPN"\n' +
      'echo "queue=$PBS_QUEUE oqueue=$PBS_O_QUEUE host=$PBS_O_HOST env=$PBS_ENVIRONMENT"\n' +
      'echo "workdir=${PBS_O_WORKDIR##*/} cwd=${PWD##*/} nodefile=${PBS_NODEFILE##*/}"\necho oops >&2\nexit 4\n',
  );
  assert.equal(
    (await transport.run(["qsub", "job.pbs"], { cwd: "/home/user/project" })).stdout,
    "1.login1\n",
  );
  await cluster.runUntilIdle();
  assert.equal(cluster.job(1)!.exitCode, 4);
  assert.equal(
    await transport.readFile("/home/user/project/envjob.o1"),
    "id=1.login1 name=envjob np=2 ppn=2\nqueue=batch oqueue=batch host=login1 env=PBS_BATCH\n" +
      "workdir=project cwd=user nodefile=1.login1\n",
  );
  assert.equal(await transport.readFile("/home/user/project/envjob.e1"), "oops\n");
  const job = cluster.job(1)!;
  assert.deepEqual(job.request.jobFiles!(job), {
    "/var/spool/torque/aux/1.login1": "node1\nnode1\n",
  });
  assert.match((await transport.run(["qstat", "-f", "1"])).stdout, /exit_status = 4\n/);

  await transport.run(["qsub", "-j", "oe", "-N", "merged", "-d", "/home/user/project", "job.pbs"], {
    cwd: "/home/user/project",
  });
  await cluster.runUntilIdle();
  const merged = await transport.readFile("/home/user/project/merged.o2");
  assert.match(merged, /cwd=project /);
  assert.match(merged, /oops\n$/);
  await assert.rejects(() => transport.readFile("/home/user/project/merged.e2"));
});

Deno.test("pbsEmulator reports Torque's unreachable-server and busy-server texts", () => {
  assert.deepEqual(pbsEmulator.unreachable("qstat"), {
    code: 111,
    stdout: "",
    stderr: "qstat: cannot connect to server pbsserver (errno=111) Connection refused\n",
  });
  const busy = pbsEmulator.transientSubmitFailure("qsub");
  assert.match(busy.stderr, /^qsub: submit error \(Pbs Server is currently too busy/);
  assert.notEqual(busy.code, 0);
});
