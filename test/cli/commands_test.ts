// Every subcommand end to end, as a process (`deno run -A cli.ts …`), against simulator
// profiles of a temporary config: a simulated cluster is saved between commands, so submit,
// status, wait, cancel and clean run as separate processes, as a user would type them.

import assert from "node:assert/strict";
import { CliHome, said } from "./_cli_process.ts";

const CONFIG = `
default: try
clusters:
  try:
    simulator:
      scheduler: pbspro
    rootdir: ~/runs
    resources:
      time: "00:10:00"
  slow:
    simulator:
      scheduler: sge
      execution: model
      runtime: 3600
`;

const HELLO = `
name: hello
body: |
  echo "Hello from job $CLUSTERJOB_ID, n is {n}"
vars:
  n: 1
`;

Deno.test("clusterjob --help and every subcommand's --help print their usage", async () => {
  await using home = await CliHome.create();
  const overview = await home.run(["--help"]);
  assert.equal(overview.code, 0, said(overview));
  const names = [
    "render",
    "submit",
    "status",
    "wait",
    "cancel",
    "list",
    "clean",
    "clusters",
    "sim",
  ];
  for (const name of names) assert.match(overview.stdout, new RegExp(`^  ${name} +\\S`, "m"));
  for (const name of names) {
    const help = await home.run([name, "--help"]);
    assert.equal(help.code, 0, said(help));
    assert.ok(help.stdout.startsWith(`Usage: clusterjob ${name} [flags]`), said(help));
    assert.match(help.stdout, /-h, --help +show this help/);
  }
  const topic = await home.run(["help", "wait"]);
  assert.match(topic.stdout, /--timeout SECONDS/);
  assert.equal((await home.run(["--version"])).stdout, "clusterjob 0.1.0\n");
});

Deno.test("usage errors exit with 2 and name the flag and the value", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("hello.yaml", HELLO);
  const cases: [string[], RegExp][] = [
    [
      ["render", "hello.yaml", "--bakend", "lsf"],
      /clusterjob render: unknown flag "--bakend"; did you mean --backend\?/,
    ],
    [
      ["render", "hello.yaml", "--backend", "pbz"],
      /invalid value "pbz" for --backend; expected one of slurm, pbs, pbspro, lsf, sge/,
    ],
    [["render", "hello.yaml", "--all", "--backend", "lsf"], /give --backend or --all, not both/],
    [["render"], /clusterjob render: missing argument JOB.yaml/],
    [["render", "hello.yaml", "extra.yaml"], /unexpected argument "extra.yaml"/],
    [["submit", "hello.yaml", "--var", "n"], /--var takes NAME=VALUE, not "n"/],
    [["submit", "hello.yaml", "--after", "7"], /--after is not supported yet/],
    [["wait", "--timeout", "soon"], /invalid value "soon" for --timeout/],
    [["status", "--json=yes"], /flag --json takes no value, got "yes"/],
    [["sumbit", "hello.yaml"], /unknown command "sumbit"; did you mean "submit"\?/],
  ];
  for (const [args, message] of cases) {
    const output = await home.run(args);
    assert.equal(output.code, 2, `${args.join(" ")}: ${said(output)}`);
    assert.match(output.stderr, message, said(output));
    assert.match(output.stderr, /Run "clusterjob( \w+)? --help" for usage\.\n$/);
    assert.equal(output.stdout, "");
  }
});

Deno.test("render prints one scheduler's script; --all prints five and what each could not express", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("hello.yaml", HELLO + "resources:\n  exclusive: true\n");
  const one = await home.run(["render", "hello.yaml"]); // the default cluster is PBS Pro
  assert.equal(one.code, 0, said(one));
  assert.ok(
    one.stdout.startsWith("#!/bin/bash\n#PBS -N hello\n#PBS -l walltime=00:10:00\n"),
    said(one),
  );
  assert.match(one.stdout, /^echo "Hello from job \$PBS_JOBID, n is 1"$/m);
  assert.match(one.stderr, /^warning: Resource "exclusive" renders "#PBS -exclusive"/m);

  const lsf = await home.run(["render", "hello.yaml", "--backend", "lsf", "--var", "n=5"]);
  assert.match(lsf.stdout, /^#BSUB -J hello$/m);
  assert.match(lsf.stdout, /n is 5"$/m);

  const all = await home.run(["render", "hello.yaml", "--all"]);
  assert.equal(all.code, 0, said(all));
  const headers = [...all.stdout.matchAll(/^==> (\w+): (\S+) <==$/gm)].map((m) =>
    `${m[1]} ${m[2]}`
  );
  assert.deepEqual(headers, [
    "slurm hello.slr",
    "pbs hello.pbs",
    "pbspro hello.pbs",
    "lsf hello.lsf",
    "sge hello.sge",
  ]);
  const couldNot = [...all.stdout.matchAll(/^(\w+) could not express:$/gm)].map((m) => m[1]);
  assert.deepEqual(couldNot, ["pbs", "pbspro", "lsf", "sge"]); // SLURM has --exclusive
  assert.match(all.stdout, /^ {2}- Resource "exclusive" renders "#BSUB -exclusive"/m);

  const json = await home.run(["render", "hello.yaml", "--all", "--json"]);
  const document = JSON.parse(json.stdout);
  assert.equal(document.version, 1);
  assert.deepEqual(
    document.scripts.map((
      s: { backend: string; error: null; warnings: unknown[] },
    ) => [s.backend, s.error, s.warnings.length]),
    [["slurm", null, 0], ["pbs", null, 1], ["pbspro", null, 1], ["lsf", null, 1], ["sge", null, 1]],
  );
  assert.equal(document.scripts[3].warnings[0].key, "exclusive");
  assert.match(document.scripts[0].script, /^#SBATCH --exclusive$/m);
});

Deno.test("render --all shows a scheduler that cannot render the job, and exits with 3", async () => {
  await using home = await CliHome.create();
  // PBS Pro refuses a script whose #! program is no shell; the others render it.
  await home.write("py.yaml", "name: py\nbody: |\n  #!/usr/bin/python3\n  print('hi')\n");
  const all = await home.run(["render", "py.yaml", "--all"]);
  assert.equal(all.code, 3, said(all));
  assert.match(
    all.stdout,
    /^==> pbspro: cannot render <==\nInvalid job file py\.yaml, line 3: invalid value for "interpreter"/m,
  );
  assert.match(all.stdout, /^==> sge: py\.sge <==$/m);
});

Deno.test("a bad job file is an error naming the file, the line and the key (exit 3)", async () => {
  await using home = await CliHome.create();
  const cases: [string, RegExp][] = [
    [
      "name: a\nbody: x\nresources:\n  tiem: 10\n",
      /^clusterjob: Invalid job file bad\.yaml, line 4: Invalid value for "resources": "tiem"; did you mean "time"\?/,
    ],
    [
      "name: a\nbody: |\n  echo hi\n  echo {nosuch}\n",
      /^clusterjob: Invalid job file bad\.yaml, line 4: cannot render placeholder "\{nosuch\}" in the body, line 2/,
    ],
    [
      "nmae: a\nbody: x\n",
      /^clusterjob: Invalid job file bad\.yaml, line 1: unknown key "nmae"; .*did you mean "name"\?/,
    ],
    ["name: a\nbody: x\nrootdir: 3\n", /line 3: attribute "rootdir" must be a string, not 3/],
    [
      "name: a\nbody: x\nvars:\n  ok: 1\n  bad-name: 2\n",
      /line 5: Invalid value for "vars": "bad-name"/,
    ],
    ["body: x\n", /^clusterjob: Invalid job file bad\.yaml: missing "name:"/],
    [
      "name: a\nbody: x\ntime: 10\n",
      /line 3: unknown key "time": it is a resource; put it under "resources:"/,
    ],
    [
      "name: a\nbody: x\nsettings: nowhere.yaml\n",
      /line 3: its settings file nowhere\.yaml does not exist/,
    ],
    ["name: [a\n", /^clusterjob: Invalid job file bad\.yaml, line 2: cannot parse YAML/],
  ];
  for (const [text, message] of cases) {
    await home.write("bad.yaml", text);
    const output = await home.run(["render", "bad.yaml"]);
    assert.equal(output.code, 3, said(output));
    assert.match(output.stderr, message, said(output));
  }
  const missing = await home.run(["submit", "nope.yaml"]);
  assert.equal(missing.code, 3);
  assert.equal(missing.stderr, "clusterjob: Invalid job file nope.yaml: no such file\n");
});

Deno.test("a job file's settings file is read relative to it, over the cluster's defaults", async () => {
  await using home = await CliHome.create(CONFIG);
  await Deno.mkdir(`${home.work}/project`);
  await home.write(
    "project/defaults.yaml",
    "attributes:\n  vars:\n    n: 42\nresources:\n  queue: big\n",
  );
  await home.write(
    "project/job.yaml",
    HELLO.replace("vars:\n  n: 1\n", "") + "settings: defaults.yaml\n",
  );
  const output = await home.run(["render", "project/job.yaml"]);
  assert.equal(output.code, 0, said(output));
  assert.match(output.stdout, /^#PBS -q big$/m); // the settings file's
  assert.match(output.stdout, /^#PBS -l walltime=00:10:00$/m); // the cluster's
  assert.match(output.stdout, /n is 42"$/m);

  await home.write("project/defaults.yaml", "attributes:\n  colour: red\n");
  const bad = await home.run(["render", "project/job.yaml"]);
  assert.equal(bad.code, 3);
  assert.match(
    bad.stderr,
    /^clusterjob: Invalid settings in project\/defaults\.yaml, line 2: unknown attribute "colour"/,
  );
});

Deno.test("a simulator cluster is kept between commands: submit, status, wait, status", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("hello.yaml", HELLO);

  const submitted = await home.run(["submit", "hello.yaml"]);
  assert.equal(submitted.code, 0, said(submitted));
  assert.equal(submitted.stdout, "1.login1\n");
  assert.equal(submitted.stderr, "Submitted hello as job 1.login1 to try (pbspro)\n");

  const again = await home.run(["submit", "hello.yaml", "--json"]);
  assert.equal(again.code, 0, said(again));
  const cached = JSON.parse(again.stdout);
  assert.equal(cached.submitted, false);
  assert.equal(cached.runs[0].jobId, "1.login1");
  assert.match(again.stderr, /already \(cached, PENDING\): not submitted again/);

  const before = JSON.parse((await home.run(["status", "--json"])).stdout);
  assert.deepEqual(Object.keys(before.runs[0]), [
    "jobId",
    "name",
    "cluster",
    "scheduler",
    "status",
    "statusCode",
    "state",
    "exitCode",
    "reason",
    "cause",
    "updatedAt",
    "ageSeconds",
    "cacheId",
    "cacheFile",
  ]);
  assert.deepEqual(
    [before.runs[0].status, before.runs[0].state, before.runs[0].cluster, before.runs[0].scheduler],
    ["PENDING", "Q", "try", "pbspro"],
  );
  assert.equal(before.runs[0].updatedAt, "2026-01-01T00:00:00.000Z"); // simulated time

  const waited = await home.run(["wait"]);
  assert.equal(waited.code, 0, said(waited));
  assert.equal(waited.stderr, "0/1 done\n1/1 done: 1 completed\n");
  assert.match(
    waited.stdout,
    /^ID +NAME +CLUSTER +SCHEDULER +STATUS +STATE +EXIT +CAUSE +AGE\n1\.login1 +hello +try +pbspro +COMPLETED +F +0 +exit +\d+s\n$/,
  );

  const after = await home.run(["status", "1"]); // the job id's number names it too
  assert.equal(after.code, 0, said(after));
  assert.match(after.stdout, /^1\.login1 +hello +try +pbspro +COMPLETED +F +0 /m);
  const list = await home.run(["list"]);
  assert.match(list.stdout, /CACHE-ID\n1\.login1 +hello .* hello-[0-9a-f]{16}\n$/);
});

Deno.test("wait exits with 1 when a run failed, and counts it in the progress line", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("good.yaml", "name: good\nbody: echo fine\n");
  await home.write("bad.yaml", "name: bad\nbody: exit 3\n");
  assert.equal((await home.run(["submit", "good.yaml"])).code, 0);
  assert.equal((await home.run(["submit", "bad.yaml"])).code, 0);
  const waited = await home.run(["wait", "--json"]);
  assert.equal(waited.code, 1, said(waited));
  assert.equal(waited.stderr.split("\n").at(-2), "2/2 done: 1 completed, 1 failed");
  const document = JSON.parse(waited.stdout);
  assert.deepEqual(document.summary, {
    total: 2,
    completed: 1,
    failed: 1,
    cancelled: 0,
    unfinished: 0,
  });
  assert.equal(document.success, false);
  assert.deepEqual(
    document.runs.map((run: { name: string; exitCode: number }) => [run.name, run.exitCode]),
    [["good", 0], ["bad", 3]],
  );
  // A single run that succeeded: exit 0, whatever the others did.
  assert.equal((await home.run(["wait", "1"])).code, 0);
  assert.equal((await home.run(["wait", "2"])).code, 1);
});

Deno.test("wait --timeout exits with 124; cancel cancels a running job, leaves a finished one", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("long.yaml", "name: long\nbody: ./simulate\n");
  const submitted = await home.run(["submit", "long.yaml", "--cluster", "slow"]);
  assert.equal(submitted.stdout, "1\n", said(submitted));
  const waited = await home.run(["wait", "--timeout", "10m"]);
  assert.equal(waited.code, 124, said(waited));
  assert.match(waited.stdout, /^1 +long +slow +sge +RUNNING +r /m);

  const cancelled = await home.run(["cancel", "1", "--json"]);
  assert.equal(cancelled.code, 0, said(cancelled));
  assert.equal(cancelled.stderr, "Cancelled long (job 1 on slow)\n");
  assert.equal(JSON.parse(cancelled.stdout).runs[0].status, "CANCELLED");
  const twice = await home.run(["cancel", "1"]);
  assert.equal(twice.stderr, "long (job 1 on slow) has already finished: CANCELLED\n");
  const unknown = await home.run(["cancel", "99"]);
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, /No cached run has the id "99"; the cached runs are 1/);
  // The cancelled run is resubmitted (it failed), unless --no-retry.
  const kept = await home.run(["submit", "long.yaml", "--cluster", "slow", "--no-retry"]);
  assert.equal(kept.stdout, "1\n");
  const retried = await home.run(["submit", "long.yaml", "--cluster", "slow"]);
  assert.equal(retried.stdout, "2\n");
});

Deno.test("wait shows the progress line again every 10 minutes of cluster time while nothing changes", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("long.yaml", "name: long\nbody: ./simulate\n");
  assert.equal((await home.run(["submit", "long.yaml", "--cluster", "slow"])).code, 0);
  const waited = await home.run(["wait"]);
  assert.equal(waited.code, 0, said(waited));
  const lines = waited.stderr.trimEnd().split("\n");
  assert.equal(lines[0], "0/1 done");
  assert.deepEqual(lines.slice(1, 6), [10, 20, 30, 40, 50].map((m) => `0/1 done (waited ${m}m)`));
  assert.equal(lines.at(-1), "1/1 done: 1 completed"); // the job runs an hour (simulated)
});

Deno.test("submit --wait waits, and its exit code says how the job ended", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("bad.yaml", "name: bad\nbody: exit 4\n");
  const output = await home.run(["submit", "bad.yaml", "--wait"]);
  assert.equal(output.code, 1, said(output));
  assert.equal(
    output.stderr,
    "Submitted bad as job 1.login1 to try (pbspro)\n0/1 done\n1/1 done: 1 failed\n",
  );
  assert.match(output.stdout, /^1\.login1\n.*\n1\.login1 +bad +try +pbspro +FAILED +F +4 /s);
});

Deno.test("submit refuses a job for another scheduler than the cluster's", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("lsf.yaml", "name: a\nbody: x\nbackend: lsf\n");
  const output = await home.run(["submit", "lsf.yaml"]);
  assert.equal(output.code, 3, said(output));
  assert.match(
    output.stderr,
    /Invalid job file lsf\.yaml, line 3: backend "lsf", but cluster "try" runs pbspro/,
  );
  assert.equal((await home.run(["render", "lsf.yaml"])).code, 0); // render shows what it would be
});

Deno.test("clean --finished forgets finished runs; clean forgets all and starts a simulator afresh", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("a.yaml", "name: a\nbody: echo a\n");
  await home.write("b.yaml", "name: b\nbody: ./run\n");
  assert.equal((await home.run(["submit", "a.yaml", "--wait"])).code, 0);
  assert.equal((await home.run(["submit", "b.yaml", "--cluster", "slow"])).code, 0);
  const finished = await home.run(["clean", "--finished"]);
  assert.equal(finished.stderr, "Removed 1 finished cached run\n", said(finished));
  const left = JSON.parse((await home.run(["list", "--json"])).stdout);
  assert.deepEqual(left.runs.map((run: { name: string }) => run.name), ["b"]);

  const all = await home.run(["clean", "--cluster", "slow", "--json"]);
  assert.equal(all.code, 0, said(all));
  const document = JSON.parse(all.stdout);
  assert.deepEqual(document.removed.map((run: { name: string }) => run.name), ["b"]);
  assert.deepEqual(document.reset, ["slow"]);
  assert.match(all.stderr, /forgetting b \(job 1 on slow\), which had not finished/);
  assert.equal((await home.run(["list"])).stdout, "No runs.\n");
  // A fresh simulated cluster: ids start again at 1.
  assert.equal((await home.run(["submit", "b.yaml", "--cluster", "slow"])).stdout, "1\n");
});

Deno.test("clusters lists the profiles and checks each one (exit 4 when one fails)", async () => {
  await using home = await CliHome.create(
    CONFIG + `
  down:
    backend: slurm
    remote: 127.0.0.1
    ssh:
      port: 1
      connectTimeout: 5
`,
  );
  const output = await home.run(["clusters", "--json"]);
  assert.equal(output.code, 4, said(output));
  const document = JSON.parse(output.stdout);
  assert.equal(document.default, "try");
  const byName = Object.fromEntries(document.clusters.map((c: { name: string }) => [c.name, c]));
  assert.deepEqual(Object.keys(byName), ["try", "slow", "down", "local"]);
  assert.deepEqual([byName.try.kind, byName.try.scheduler, byName.try.check.ok], [
    "simulator",
    "pbspro",
    true,
  ]);
  assert.deepEqual(byName.try.check.tools.map((tool: { name: string }) => tool.name), [
    "qsub",
    "qstat",
    "qdel",
  ]);
  assert.deepEqual([byName.down.kind, byName.down.remote, byName.down.check.ok], [
    "ssh",
    "127.0.0.1",
    false,
  ]);
  assert.equal(byName.down.check.login.ok, false);
  assert.equal(byName.local.configured, false);

  const table = await home.run(["clusters", "--no-check"]);
  assert.equal(table.code, 0, said(table));
  assert.match(
    table.stdout,
    /^ +NAME +KIND +SCHEDULER +WHERE\n\* +try +simulator +pbspro +simulated\n/,
  );
  assert.match(table.stdout, /^ +down +ssh +slurm +127\.0\.0\.1$/m);
});

Deno.test("a bad config file is an error naming the file, the line and the key", async () => {
  await using home = await CliHome.create(
    "clusters:\n  try:\n    simulator:\n      scheduler: pbz\n",
  );
  const output = await home.run(["status"]);
  assert.equal(output.code, 3, said(output));
  assert.equal(
    output.stderr,
    `clusterjob: Invalid config file ${home.config}/clusterjob/config.yaml, line 4: "scheduler" must be one of slurm, pbs, pbspro, lsf, sge, not "pbz"\n`,
  );
  await home.writeConfig(CONFIG);
  const unknown = await home.run(["status", "--cluster", "nosuch"]);
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, /No cluster is called "nosuch"; the clusters are try, slow, local/);
});
