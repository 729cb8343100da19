/**
 * What a user sees when the transport cannot run anything: Deno started without a permission
 * (each case in a real `deno run` with narrow flags), or the scheduler's commands not installed
 * where the transport runs them (locally with a PATH that lacks them, on the simulator with
 * another scheduler's backend). Every such error is typed, says what to do, and leaves no
 * cache marker behind (nothing was submitted).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AsyncResult,
  CommandNotFoundError,
  JobScript,
  lsf,
  MissingPermissionError,
  Status,
  TransportError,
} from "../../mod.ts";
import { SimCluster } from "../../sim/mod.ts";
import { builtinBackends } from "../../backends/registry.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** What the child script printed about the error it caught. */
interface Caught {
  name: string;
  message: string;
  permission?: string;
  flag?: string;
  command?: string;
}

/**
 * Runs `body` (the inside of an async function of `dir`, returning nothing) in a fresh
 * `deno run` with exactly `flags`, and returns what it threw, or `"ok"`.
 */
async function inChild(
  flags: string[],
  body: string,
  options: { dir: string; path?: string },
): Promise<Caught | "ok"> {
  const script = join(options.dir, "child.ts");
  await Deno.writeTextFile(
    script,
    `import * as cj from ${JSON.stringify(new URL("mod.ts", `file://${REPO}`).href)};
const dir = ${JSON.stringify(options.dir)};
try {
  await (async () => { ${body} })();
  console.log(JSON.stringify("ok"));
} catch (e) {
  const { name, message, permission, flag, command } = e;
  console.log(JSON.stringify({ name, message, permission, flag, command }));
}
`,
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-prompt", "--config", join(REPO, "deno.json"), ...flags, script],
    stdin: "null",
    env: { NO_COLOR: "1", ...(options.path !== undefined ? { PATH: options.path } : {}) },
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

/** A temporary directory with `bin/` holding fake scheduler commands that print `answer`. */
async function withFakeScheduler(
  commands: Record<string, string>,
  fn: (dir: string, bin: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cj-safety-" });
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  for (const [name, script] of Object.entries(commands)) {
    await Deno.writeTextFile(join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  }
  try {
    await fn(dir, bin);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const SUBMIT_LOCALLY = `
  const job = new cj.JobScript({ name: "perm", body: "true", rootdir: dir + "/runs", workdir: "w" });
  await job.submit({ transport: new cj.LocalTransport(), cacheFolder: "" });`;

Deno.test("without --allow-run, submitting through LocalTransport says which flag to add", async () => {
  await withFakeScheduler({ sbatch: "echo 4242", squeue: "true" }, async (dir, bin) => {
    const path = `${bin}:${Deno.env.get("PATH")}`;
    const caught = await inChild(["--allow-read", "--allow-write", "--allow-env"], SUBMIT_LOCALLY, {
      dir,
      path,
    });
    assert.deepEqual(caught, {
      name: "MissingPermissionError",
      message: 'local: Cannot run "sbatch": Deno was started without run permission for it; ' +
        "start it with --allow-run, or allow only the scheduler's commands with " +
        "--allow-run=sbatch,squeue,sacct,scancel",
      permission: "run",
      flag: "--allow-run",
    });
    // with that narrow flag, the submission goes through, and the status poll names squeue
    const narrow = await inChild(
      ["--allow-read", "--allow-write", "--allow-env", "--allow-run=sbatch"],
      `${SUBMIT_LOCALLY.replace("await job.submit", "const run = await job.submit")}
      if (run.jobId !== "4242") throw new Error("job id " + run.jobId);
      await run.refresh();`,
      { dir, path },
    );
    assert.deepEqual(narrow, {
      name: "MissingPermissionError",
      message: 'local: Cannot run "squeue": Deno was started without run permission for it; ' +
        "start it with --allow-run, or allow only the scheduler's commands with " +
        "--allow-run=sbatch,squeue,sacct,scancel",
      permission: "run",
      flag: "--allow-run",
    });
  });
});

Deno.test("without --allow-write or --allow-read, LocalTransport's file operations say which flag to add", async () => {
  await withFakeScheduler({ sbatch: "echo 4242" }, async (dir) => {
    const noWrite = await inChild(["--allow-read", "--allow-run", "--allow-env"], SUBMIT_LOCALLY, {
      dir,
    });
    assert.deepEqual(noWrite, {
      name: "MissingPermissionError",
      message: `local: Cannot create directory "${dir}/runs/w": Deno was started without write ` +
        `permission for it; start it with --allow-write, or allow only this place with ` +
        `--allow-write=${dir}/runs/w`,
      permission: "write",
      flag: "--allow-write",
    });
    // writing a file atomically renames it, which Deno counts as reading too
    const noRead = await inChild(
      ["--allow-write", "--allow-env"],
      `await new cj.LocalTransport().writeFile(dir + "/job.slr", "#!/bin/sh\\n");`,
      { dir },
    );
    assert.deepEqual(noRead, {
      name: "MissingPermissionError",
      message: `local: Cannot write file "${dir}/job.slr": Deno was started without read ` +
        `permission for it; start it with --allow-read, or allow only this place with ` +
        `--allow-read=${dir}`,
      permission: "read",
      flag: "--allow-read",
    });
    const noReadAtAll = await inChild(
      ["--allow-write", "--allow-env"],
      `await new cj.LocalTransport().readFile(dir + "/job.slr");`,
      { dir },
    );
    assert.deepEqual(noReadAtAll, {
      name: "MissingPermissionError",
      message: `local: Cannot read file "${dir}/job.slr": Deno was started without read ` +
        `permission for it; start it with --allow-read, or allow only this place with ` +
        `--allow-read=${dir}`,
      permission: "read",
      flag: "--allow-read",
    });
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name).sort(), [
      "bin",
      "child.ts",
    ], "no temporary file is left behind");
    const noEnv = await inChild(
      ["--allow-read", "--allow-write"],
      `await new cj.LocalTransport().readFile("~/.profile");`,
      { dir },
    );
    assert.deepEqual(noEnv, {
      name: "MissingPermissionError",
      message: 'local: Cannot expand "~/.profile" to the home directory: Deno was started ' +
        "without env permission for it; start it with --allow-env, or allow only this " +
        "variable with --allow-env=HOME",
      permission: "env",
      flag: "--allow-env",
    });
  });
});

Deno.test("without --allow-run (or --allow-write for its socket), SshTransport says which flag to add", async () => {
  await withFakeScheduler({ ssh: "exit 0" }, async (dir, bin) => {
    const path = `${bin}:${Deno.env.get("PATH")}`;
    const run = `await using ssh = new cj.SshTransport({ host: "login.example.org" });
      await ssh.run(["squeue"]);`;
    const noRun = await inChild(["--allow-read", "--allow-write", "--allow-env"], run, {
      dir,
      path,
    });
    assert.deepEqual(noRun, {
      name: "MissingPermissionError",
      message: 'ssh:login.example.org: Cannot run "ssh": Deno was started without run ' +
        "permission for it; start it with --allow-run, or allow only this command with " +
        "--allow-run=ssh",
      permission: "run",
      flag: "--allow-run",
    });
    const noWrite = await inChild(["--allow-read", "--allow-run", "--allow-env"], run, {
      dir,
      path,
    });
    assert.ok(noWrite !== "ok");
    assert.equal(noWrite.name, "MissingPermissionError");
    assert.match(noWrite.message, /socket in \/tmp: Deno was started without write permission/);
    assert.match(noWrite.message, /start it with --allow-write, or allow only this place with/);
  });
});

Deno.test("a scheduler command missing from the PATH fails submit and status with CommandNotFoundError", async () => {
  await withFakeScheduler({ sbatch: "echo 4242" }, async (dir, bin) => {
    // nothing on the PATH: sbatch is not installed "here"
    const submit = await inChild(["--allow-all"], SUBMIT_LOCALLY, { dir, path: dir });
    assert.deepEqual(submit, {
      name: "CommandNotFoundError",
      message: `"sbatch" is not installed on this machine — is this the login node? Run where ` +
        `the scheduler's commands are installed (the cluster's login node), or reach that host ` +
        `over SSH (give the job a "remote", or pass an SshTransport)`,
      command: "sbatch",
    });
    // sbatch there, squeue not: the status poll and wait() fail with it, not with a status
    const status = await inChild(
      ["--allow-all"],
      `const job = new cj.JobScript({ name: "s", body: "true", rootdir: dir + "/runs" });
      const run = await job.submit({ transport: new cj.LocalTransport(), cacheFolder: "",
        polling: { maxQueryFailures: 1 } });
      let refreshed;
      try { await run.refresh(); } catch (e) { refreshed = e; }
      if (!(refreshed instanceof cj.CommandNotFoundError)) throw new Error("refresh: " + refreshed);
      if (run.status !== cj.Status.PENDING) throw new Error("status changed: " + run.status);
      await run.wait();`,
      { dir, path: bin },
    );
    assert.ok(status !== "ok");
    assert.equal(status.name, "CommandNotFoundError");
    assert.equal(status.command, "squeue");
    assert.match(
      status.message,
      /^"squeue" is not installed on this machine — is this the login node\?/,
    );
  });
});

Deno.test("a submit command the simulated cluster lacks rejects with CommandNotFoundError and caches nothing", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", clock: "virtual" });
  const transport = cluster.transport();
  const cacheFolder = await Deno.makeTempDir({ prefix: "cj-safety-cache-" });
  try {
    const job = new JobScript({ name: "wrong", body: "true", backend: "lsf", cacheFolder });
    for (let attempt = 0; attempt < 2; attempt++) {
      // the second attempt fails the same way: no "interrupted submission" marker was left
      const error = await job.submit({ transport, cacheId: "one" }).catch((e) => e);
      assert.ok(error instanceof CommandNotFoundError, String(error));
      assert.ok(error instanceof TransportError);
      assert.equal(
        error.message,
        '"bsub" is not installed on sim:slurm ("bash: bsub: command not found") — is this the ' +
          "login node? This simulated cluster has slurm's commands (sbatch, squeue, sacct, " +
          'scancel, scontrol, sinfo): give the job the backend "slurm", or simulate its scheduler',
      );
      assert.deepEqual([...Deno.readDirSync(cacheFolder)], []);
    }
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
});

Deno.test("a status command the simulated cluster lacks fails refresh() and wait() with CommandNotFoundError", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", clock: "virtual" });
  const run = new AsyncResult({ jobId: "7", backend: lsf, transport: cluster.transport() });
  await assert.rejects(
    run.refresh(),
    (e) => e instanceof CommandNotFoundError && e.command === "bjobs" && e.where === "sim:slurm",
  );
  // wait() gives up after its consecutive failures with the same error; the status is kept
  await assert.rejects(run.wait(), (e) => e instanceof CommandNotFoundError);
  assert.equal(run.status, Status.PENDING);
  await assert.rejects(
    run.cancel(),
    (e) => e instanceof CommandNotFoundError && e.command === "bkill",
  );
});

Deno.test("MissingPermissionError names a scheduler's commands for the narrow --allow-run", () => {
  const cases: [string, string][] = [
    ["sbatch", "sbatch,squeue,sacct,scancel"],
    ["/opt/slurm/bin/sacct", "sbatch,squeue,sacct,scancel"],
    ["qsub", "qsub,qstat,qdel,qacct,tracejob"],
    ["bjobs", "bsub,bjobs,bhist,bkill"],
    ["ssh", "ssh"],
  ];
  for (const [command, narrow] of cases) {
    const error = new MissingPermissionError("local", "run", command);
    assert.ok(error.message.endsWith(`--allow-run=${narrow}`), error.message);
  }
});

Deno.test("the narrow --allow-run advice covers every command each built-in backend runs", () => {
  for (const backend of builtinBackends.list()) {
    const commands = new Set([
      backend.submitCommand("job").argv[0]!,
      ...backend.statusCommands(["1"]).map((command) => command.argv[0]!),
      ...backend.accountingCommands(["1"]).map((command) => command.argv[0]!),
      backend.cancelCommand(["1"])[0]!,
    ]);
    for (const command of commands) {
      const advice = new MissingPermissionError("local", "run", command).message;
      const allowed = advice.slice(advice.lastIndexOf("--allow-run=") + 12).split(",");
      for (const needed of commands) {
        assert.ok(allowed.includes(needed), `${backend.name}: ${command} → ${advice}`);
      }
    }
  }
});

Deno.test("without --allow-run, a shell-mode SimCluster refuses up front and names the flag", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cj-safety-" });
  try {
    const simModule = JSON.stringify(new URL("sim/mod.ts", `file://${REPO}`).href);
    const caught = await inChild(
      ["--allow-read", "--allow-write", "--allow-env"],
      `const sim = await import(${simModule});
       new sim.SimCluster({ scheduler: "slurm" });`,
      { dir },
    );
    assert.notEqual(caught, "ok");
    if (caught === "ok") return;
    assert.equal(caught.name, "MissingPermissionError");
    assert.equal(caught.flag, "--allow-run");
    assert.match(caught.message, /Cannot run job scripts with "bash"/);
    assert.match(caught.message, /--allow-run=bash/);
    const modelled = await inChild(
      ["--allow-read", "--allow-write", "--allow-env"],
      `const sim = await import(${simModule});
       await using cluster = new sim.SimCluster({ scheduler: "slurm", model: () => ({ runtimeSeconds: 1, exitCode: 0 }) });`,
      { dir },
    );
    assert.equal(modelled, "ok", "model mode runs no process and needs no run permission");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without --allow-run, a prologue fails with MissingPermissionError naming its program; the narrow flag is enough", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cj-safety-" });
  try {
    const simModule = JSON.stringify(new URL("sim/mod.ts", `file://${REPO}`).href);
    const submit = `const sim = await import(${simModule});
      await using cluster = new sim.SimCluster({ scheduler: "slurm", model: () => ({ runtimeSeconds: 1, exitCode: 0 }) });
      const job = new cj.JobScript({ name: "p", body: "true", prologue: "echo staged > /dev/null" });
      const run = await job.submit({ transport: cluster.transport(), cacheFolder: "" });
      if (run.jobId !== "1") throw new Error("job id " + run.jobId);`;
    const caught = await inChild(["--allow-read", "--allow-write", "--allow-env"], submit, { dir });
    assert.deepEqual(caught, {
      name: "MissingPermissionError",
      message: 'local: Cannot run the prologue script with "/bin/bash": Deno was started ' +
        "without run permission for it; start it with --allow-run, or allow only this " +
        "command with --allow-run=/bin/bash",
      permission: "run",
      flag: "--allow-run",
    });
    const narrow = await inChild(
      ["--allow-read", "--allow-write", "--allow-env", "--allow-run=/bin/bash"],
      submit,
      { dir },
    );
    assert.equal(narrow, "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without --allow-write (or --allow-read), the run cache says which flag and folder to allow", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cj-safety-" });
  try {
    const folder = join(dir, "cache");
    const dump =
      `const run = new cj.AsyncResult({ jobId: "7", backend: cj.slurm, transport: new cj.LocalTransport() });
      await run.dump(dir + "/cache/run.json");`;
    const noWrite = await inChild(["--allow-read", "--allow-env"], dump, { dir });
    assert.deepEqual(noWrite, {
      name: "MissingPermissionError",
      message: `local: Cannot write cache file "${folder}/run.json" in the cache folder ` +
        `"${folder}": Deno was started without write permission for it; start it with ` +
        `--allow-write, or allow only this place with --allow-write=${folder}`,
      permission: "write",
      flag: "--allow-write",
    });
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["child.ts"]);
    const narrow = await inChild(["--allow-read", "--allow-env", `--allow-write=${folder}`], dump, {
      dir,
    });
    assert.equal(narrow, "ok");
    assert.deepEqual([...Deno.readDirSync(folder)].map((entry) => entry.name), ["run.json"]);
    const noRead = await inChild(
      ["--allow-env"],
      `await cj.AsyncResult.load(dir + "/cache/run.json", { transport: new cj.LocalTransport() });`,
      { dir },
    );
    assert.deepEqual(noRead, {
      name: "MissingPermissionError",
      message: `local: Cannot read cache file "${folder}/run.json": Deno was started without ` +
        `read permission for it; start it with --allow-read, or allow only this place with ` +
        `--allow-read=${folder}`,
      permission: "read",
      flag: "--allow-read",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
