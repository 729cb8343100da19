/** The simulator's transport and cluster façade: dispatch, files, clock, command log. */

import assert from "node:assert/strict";
import { CommandNotFoundError, TransportError } from "../../mod.ts";
import { SimCluster, SimTransport, VirtualClock } from "../../sim/mod.ts";

Deno.test("an unknown command rejects with CommandNotFoundError, and is logged as bash answers it", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  const transport = cluster.transport();
  await assert.rejects(transport.run(["qsub", "x.sh"]), CommandNotFoundError);
  assert.equal(cluster.commandLog[0]!.stderr, "bash: qsub: command not found\n");
  assert.equal(cluster.commandLog.length, 1);
  assert.deepEqual(cluster.commandLog[0]!.argv, ["qsub", "x.sh"]);
  assert.equal(cluster.commandLog[0]!.code, 127);
});

Deno.test("argv[0] may be a full path; the log records argv, cwd, user, time and exit code", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", user: "alice" });
  const transport = cluster.transport();
  assert.equal(transport.name, "sim:slurm");
  await cluster.advance(60_000);
  const out = await transport.run(["/usr/bin/sbatch", "--parsable", "--wrap", "true"], {
    cwd: "/tmp",
  });
  assert.equal(out.stdout, "1\n");
  const record = cluster.commandLog.at(-1)!;
  assert.deepEqual(
    [record.argv[0], record.cwd, record.user, record.time - Date.UTC(2026, 0, 1), record.code],
    ["/usr/bin/sbatch", "/tmp", "alice", 60_000, 0],
  );
  assert.equal(cluster.job(1)?.request.workdir, "/tmp");
  assert.equal(cluster.commandLog.filter((c) => c.argv[0]?.endsWith("sbatch")).length, 1);
});

Deno.test("files: ~ and relative paths are the home directory; writes are atomic and private", async () => {
  await using cluster = new SimCluster({ scheduler: "sge", execution: "model" });
  const transport = cluster.transport();
  await transport.mkdir("~/runs/a");
  await transport.writeFile("~/runs/a/job.sh", "echo hi\n", { mode: 0o700 });
  assert.equal(await transport.readFile("/home/user/runs/a/job.sh"), "echo hi\n");
  assert.equal(await transport.readFile("runs/a/job.sh"), "echo hi\n");
  const stat = Deno.statSync(cluster.fs.hostPath("/home/user/runs/a/job.sh"));
  assert.equal(stat.mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(cluster.fs.root).mode! & 0o777, 0o700);
  assert.deepEqual(
    [...Deno.readDirSync(cluster.fs.hostPath("/home/user/runs/a"))].map((e) => e.name),
    [
      "job.sh",
    ],
  );
  await transport.remove("~/runs/a/job.sh");
  await transport.remove("~/runs/a/job.sh");
  await assert.rejects(transport.readFile("~/runs/a/job.sh"), TransportError);
});

Deno.test("the file system maps absolute paths under its own directory, never outside", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  cluster.fs.writeText("/../../etc/escape", "x");
  assert.ok(cluster.fs.hostPath("/../../etc/escape").startsWith(cluster.fs.root + "/"));
  assert.equal(cluster.fs.virtualPath(cluster.fs.hostPath("/home/user")), "/home/user");
  assert.equal(cluster.fs.virtualPath("/etc/passwd"), undefined);
  assert.throws(() => cluster.fs.hostPath("relative"), /absolute/);
  const root = cluster.fs.root;
  await cluster.close();
  assert.throws(() => Deno.statSync(root), Deno.errors.NotFound);
});

Deno.test("stdin may be text or bytes; the emulators read scripts relative to cwd", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  const transport = cluster.transport();
  const bytes = new TextEncoder().encode("#!/bin/bash\n#SBATCH -J fromstdin\ntrue\n");
  assert.equal((await transport.run(["sbatch", "--parsable"], { stdin: bytes })).stdout, "1\n");
  assert.equal(cluster.job(1)?.request.name, "fromstdin");
  await transport.writeFile("~/sub/x.sh", "#!/bin/bash\ntrue\n");
  assert.equal(
    (await transport.run(["sbatch", "--parsable", "x.sh"], { cwd: "~/sub" })).stdout,
    "2\n",
  );
  assert.equal(cluster.job(2)?.request.name, "x.sh");
});

Deno.test("the transport's clock is the cluster's: a poll every 15 minutes costs no real time", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    model: () => ({ runtimeSeconds: 4 * 3600, exitCode: 0 }),
  });
  const transport = cluster.transport();
  assert.ok(transport.clock instanceof VirtualClock);
  const id = (await transport.run(["sbatch", "--parsable", "--wrap", "true"])).stdout.trim();
  const began = Date.now();
  let polls = 0;
  for (;;) {
    polls++;
    const out = await transport.run(["squeue", "-h", "-j", id, "-o", "%T"]);
    if (out.stdout === "") break;
    await transport.clock.sleep(900_000);
  }
  assert.ok(Date.now() - began < 2000);
  assert.equal(polls, 17);
  assert.equal(cluster.commandLog.filter((c) => c.argv[0] === "squeue").length, 17);
});

Deno.test("extra commands and a transport for another user", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    execution: "model",
    commands: { uname: () => ({ code: 0, stdout: "Linux\n", stderr: "" }) },
  });
  assert.equal((await cluster.run(["uname"])).stdout, "Linux\n");
  assert.equal((await cluster.run(["hostname"])).stdout, "login1\n");
  assert.equal((await cluster.run(["cat", "nosuch"])).code, 1);
  const bob = new SimTransport(cluster.transportContext("bob"));
  assert.equal((await cluster.transport({ user: "carol" }).run(["whoami"])).stdout, "carol\n");
  assert.equal((await bob.run(["whoami"])).stdout, "bob\n");
  await bob.run(["sbatch", "--wrap", "true"]);
  assert.equal(cluster.job(1)?.request.user, "bob");
  assert.equal(cluster.job(1)?.request.workdir, "/home/bob");
});

Deno.test("a real-time cluster runs on the wall clock", async () => {
  await using cluster = new SimCluster({
    scheduler: "slurm",
    clock: "real",
    model: () => ({ runtimeSeconds: 0.05, exitCode: 0 }),
  });
  assert.equal(cluster.clock.virtual, false);
  const began = Date.now();
  await cluster.run(["sbatch", "--wrap", "true"]);
  await cluster.runUntilIdle();
  assert.equal(cluster.job(1)?.state, "COMPLETED");
  assert.ok(Date.now() - began >= 45);
});

Deno.test("every scheduler kind builds, with its stock queue", async () => {
  const queues: Record<string, string> = {
    slurm: "debug",
    sge: "all.q",
    pbs: "batch",
    pbspro: "workq",
    lsf: "normal",
  };
  for (const [kind, queue] of Object.entries(queues)) {
    await using cluster = new SimCluster({
      scheduler: kind as "slurm",
      execution: "model",
    });
    assert.equal(cluster.engine.defaultQueue, queue);
    assert.equal(cluster.emulator.kind, kind);
  }
});
