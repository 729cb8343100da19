// `clusterjob sim --script`: a session on each of the five simulated schedulers, run as a
// process from test/cli/sessions/<scheduler>.txt, its transcript checked line by line where the
// output is the simulator's (deterministic: a virtual clock); and the README's transcript,
// which must be what its session file gives.

import assert from "node:assert/strict";
import { CliHome, said } from "./_cli_process.ts";

const SESSIONS = new URL("./sessions/", import.meta.url).pathname;

async function session(scheduler: string, file = `${scheduler}.txt`): Promise<string> {
  await using home = await CliHome.create();
  const output = await home.run([
    "sim",
    "--scheduler",
    scheduler,
    "--script",
    `${SESSIONS}${file}`,
  ]);
  assert.equal(output.code, 0, said(output));
  assert.equal(output.stderr, "");
  return output.stdout;
}

/** Asserts that `lines` occur in `transcript` in this order (each a whole line). */
function assertLines(transcript: string, lines: readonly (string | RegExp)[]): void {
  const all = transcript.split("\n");
  let at = 0;
  for (const line of lines) {
    const found = all.findIndex((candidate, index) =>
      index >= at && (typeof line === "string" ? candidate === line : line.test(candidate))
    );
    assert.ok(found >= 0, `missing, after line ${at + 1}: ${line}\n--- transcript\n${transcript}`);
    at = found + 1;
  }
}

Deno.test("sim --script: SLURM, sbatch/squeue/sacct by hand, then clusterjob submit and wait", async () => {
  assertLines(await session("slurm"), [
    "[user@login1 ~]$ # SLURM: a job script by hand, then the same job as a clusterjob job file",
    "[user@login1 ~]$ write job.sh",
    "#SBATCH --job-name=hello",
    ".",
    "[user@login1 ~]$ sbatch job.sh",
    "Submitted batch job 1",
    "[user@login1 ~]$ squeue",
    /^ +1 +debug +hello +user PD +0:00 +1 \(None\)$/,
    "[user@login1 ~]$ sleep 60",
    "[user@login1 ~]$ squeue",
    "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)",
    "[user@login1 ~]$ sacct -X -P -o JobID,JobName,State,ExitCode",
    "1|hello|FAILED|3:0",
    "[user@login1 ~]$ cat slurm-1.out",
    "hello from job 1",
    "[user@login1 ~]$ clusterjob submit hello.yaml",
    "Submitted hello as job 2 to sim (slurm)",
    "2",
    "[user@login1 ~]$ clusterjob wait",
    "0/1 done; 1 pending",
    "1/1 done: 1 completed",
    /^2 +hello +sim +slurm +COMPLETED +COMPLETED +0 +exit +0s$/,
    "[user@login1 ~]$ echo $?",
    "0",
    "[user@login1 ~]$ cat slurm-2.out",
    "n is 7",
  ]);
});

Deno.test("sim --script: PBS/Torque, qsub/qstat -f, then a failing job through clusterjob", async () => {
  assertLines(await session("pbs"), [
    "[user@login1 ~]$ qsub job.sh",
    "1.login1",
    "[user@login1 ~]$ qstat",
    /^1\.login1 +hello +user +0 Q batch/,
    "[user@login1 ~]$ qstat -f 1",
    "Job Id: 1.login1",
    "    job_state = C",
    "    exit_status = 0",
    "[user@login1 ~]$ ls",
    "hello.e1  hello.o1  job.sh",
    "[user@login1 ~]$ cat hello.o1",
    "hello from job 1.login1",
    "[user@login1 ~]$ clusterjob submit hello.yaml",
    "2.login1",
    "1/1 done: 1 failed",
    /^2\.login1 +hello +sim +pbs +FAILED +C +4 /,
    "[user@login1 ~]$ echo $?",
    "1",
  ]);
});

Deno.test("sim --script: PBS Pro, qstat -x and -f, clusterjob status, wait and list", async () => {
  assertLines(await session("pbspro"), [
    "[user@login1 ~]$ qsub job.sh",
    "1.login1",
    /^1\.login1 +hello +user +0 Q workq/,
    "[user@login1 ~]$ qstat -x",
    /^1\.login1 +hello +user +00:00:00 F workq/,
    "[user@login1 ~]$ qstat -f -x 1",
    "    job_state = F",
    "    Exit_status = 0",
    "[user@login1 ~]$ cat hello.o1",
    "hello from job 1.login1",
    "[user@login1 ~]$ clusterjob status",
    /^2\.login1 +hello +sim +pbspro +PENDING +Q +- +- +0s$/,
    "[user@login1 ~]$ clusterjob wait",
    /^2\.login1 +hello +sim +pbspro +COMPLETED +F +0 +exit +0s$/,
    "[user@login1 ~]$ clusterjob list",
    /^2\.login1 +hello +sim +pbspro +COMPLETED +F +0 +exit +0s +hello-[0-9a-f]{16}$/,
  ]);
});

Deno.test("sim --script: LSF, bsub < job.sh, bjobs -a, then clusterjob", async () => {
  assertLines(await session("lsf"), [
    "[user@login1 ~]$ bsub < job.sh",
    "Job <1> is submitted to default queue <normal>.",
    "[user@login1 ~]$ bjobs",
    /^1 +user +PEND +normal +login1 +hello/,
    "[user@login1 ~]$ bjobs -a",
    /^1 +user +DONE +normal +login1 +node1 +hello/,
    "[user@login1 ~]$ cat hello.1.out",
    "hello from job 1",
    "Submitted hello as job 2 to sim (lsf)",
    /^2 +hello +sim +lsf +COMPLETED +DONE +0 /,
    "[user@login1 ~]$ clusterjob cancel 2",
    "hello (job 2 on sim) has already finished: COMPLETED",
  ]);
});

Deno.test("sim --script: SGE, qsub/qstat/qacct -j, then clusterjob cancel and status", async () => {
  assertLines(await session("sge"), [
    "[user@login1 ~]$ qsub job.sh",
    'Your job 1 ("hello") has been submitted',
    /^ +1 0\.25000 hello +user +qw /,
    "[user@login1 ~]$ qacct -j 1",
    /^jobname +hello *$/,
    /^exit_status +0 *$/,
    "[user@login1 ~]$ cat hello.o1",
    "hello from job 1",
    "Submitted long as job 2 to sim (sge)",
    "[user@login1 ~]$ clusterjob cancel 2",
    "Cancelled long (job 2 on sim)",
    /^2 +long +sim +sge +CANCELLED +CANCELLED +- +cancelled +0s$/,
  ]);
});

Deno.test("sim reads a session from standard input that is not a terminal; exit N is its exit code", async () => {
  await using home = await CliHome.create();
  const output = await home.run(["sim", "--scheduler", "lsf"], {
    stdin:
      "hostname\nqsub job.sh\ndate\nsleep 2h\ndate\necho one | cat\nclusterjob sim\nexit 3\necho never\n",
  });
  assert.equal(output.code, 3, said(output));
  assert.equal(
    output.stdout,
    [
      "[user@login1 ~]$ hostname",
      "login1",
      "[user@login1 ~]$ qsub job.sh",
      "bash: qsub: command not found (this simulated lsf cluster has bhist, bhosts, bjobs, bkill, bqueues, bresume, bstop, bsub; type help)",
      "[user@login1 ~]$ date",
      "Thu Jan  1 00:00:00 UTC 2026",
      "[user@login1 ~]$ sleep 2h",
      "[user@login1 ~]$ date",
      "Thu Jan  1 02:00:00 UTC 2026",
      "[user@login1 ~]$ echo one | cat",
      "bash: one command a line: pipes (|), lists (; && ||), substitutions ($(…), `…`) and & are not simulated",
      "[user@login1 ~]$ clusterjob sim",
      "clusterjob: this is a simulated session already",
      "[user@login1 ~]$ exit 3",
      "",
    ].join("\n"),
  );
});

Deno.test("sim --dialect openlava: OpenLava's bjobs, and clusterjob still submits and waits", async () => {
  await using home = await CliHome.create();
  const output = await home.run(["sim", "--scheduler", "lsf", "--dialect", "openlava"], {
    stdin: [
      "bjobs -o jobid",
      "echo $?",
      "write hello.yaml",
      "name: hello",
      "body: echo hi",
      ".",
      "clusterjob submit hello.yaml",
      "clusterjob wait",
    ].join("\n") + "\n",
  });
  assert.equal(output.code, 0, said(output));
  assertLines(output.stdout, [
    "[user@login1 ~]$ bjobs -o jobid",
    // OpenLava 4.0 has no -o (real-pbs/raw/openlava/033-*): its usage, exit 255
    "bjobs: invalid option -- 'o'",
    "[user@login1 ~]$ echo $?",
    "255",
    "[user@login1 ~]$ clusterjob submit hello.yaml",
    /^Submitted hello as job 1 to sim \(lsf\)$/,
    "1/1 done: 1 completed",
  ]);
});

Deno.test("sim --dialect names the accepted dialects, or that the scheduler has one", async () => {
  await using home = await CliHome.create();
  for (
    const [scheduler, dialect, problem] of [
      ["lsf", "lsf9", "it must be one of lsf10, openlava"],
      ["slurm", "openlava", "it must be left out: the simulated slurm has one dialect"],
    ]
  ) {
    const output = await home.run(["sim", "--scheduler", scheduler!, "--dialect", dialect!]);
    assert.equal(output.code, 2, said(output));
    assert.match(
      output.stderr,
      new RegExp(`--dialect ${dialect} with --scheduler ${scheduler}: ${problem}`),
    );
  }
});

Deno.test("sim: clusterjob runs where the person is, and refuses a prologue that would run here", async () => {
  await using home = await CliHome.create();
  const output = await home.run(["sim", "--scheduler", "sge"], {
    stdin: [
      "mkdir project",
      "cd project",
      "write job.yaml",
      "name: here",
      "body: echo $SGE_O_WORKDIR",
      ".",
      "clusterjob submit job.yaml --wait",
      "ls",
      "cat here.o1",
      "write pro.yaml",
      "name: pro",
      "body: pwd",
      "prologue: touch /tmp/clusterjob-should-not-exist",
      ".",
      "clusterjob submit pro.yaml",
      "echo $?",
    ].join("\n") + "\n",
  });
  assert.equal(output.code, 0, said(output));
  assertLines(output.stdout, [
    "[user@login1 project]$ clusterjob submit job.yaml --wait",
    "Submitted here as job 1 to sim (sge)",
    "[user@login1 project]$ ls",
    "here.e1  here.o1  here.sge  job.yaml",
    "[user@login1 project]$ cat here.o1",
    /\/home\/user\/project$/, // in the sandbox's folder on this machine
    "[user@login1 project]$ clusterjob submit pro.yaml",
    /^clusterjob submit: pro\.yaml has a prologue or an epilogue, which would run on your own machine: not in a simulated session/,
    "[user@login1 project]$ echo $?",
    "2",
  ]);
});

Deno.test("the README's command-line session is the transcript its session file gives", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const marker = "<!-- clusterjob sim --scheduler pbspro --script test/cli/sessions/readme.txt -->";
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, "README.md lacks the marker of the transcript");
  const block = /^```text\n([\s\S]*?)^```$/m.exec(readme.slice(at + marker.length));
  assert.ok(block !== null, "no ```text block after the marker");
  // Compared without trailing spaces (qstat pads its lines; editors trim them).
  const trimmed = (text: string) => text.split("\n").map((line) => line.trimEnd()).join("\n");
  assert.equal(trimmed(block[1]!), trimmed(await session("pbspro", "readme.txt")));
});
