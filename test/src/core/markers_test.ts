// The markers prelude run for real by bash and dash (exit codes, `set -eu` bodies, signals,
// a KILL that leaves no end), and the parser on garbage.
import assert from "node:assert/strict";
import {
  markerFolder,
  markerFolderInScript,
  markerFolderName,
  markersPrelude,
  parseMarker,
  runsPosixShell,
  signalExitCode,
  TRAPPED_SIGNALS,
} from "../../../src/core/_markers.ts";

const SHELLS = ["bash", "dash"].filter((shell) => {
  try {
    return new Deno.Command(shell, { args: ["-c", "true"] }).outputSync().success;
  } catch {
    return false;
  }
});

interface Ran {
  code: number;
  signal: string | null;
  files: Record<string, string>;
  mode: number;
}

/** Runs a script made of the prelude and `body` with `shell` in a fresh folder. */
async function runJob(
  shell: string,
  body: string,
  options: { env?: Record<string, string>; kill?: Deno.Signal; task?: boolean } = {},
): Promise<Ran> {
  const folder = await Deno.makeTempDir({ prefix: "markers test " });
  try {
    const prelude = markersPrelude({
      jobName: "it's a job",
      idVariable: "SLURM_JOB_ID",
      ...(options.task ? { taskVariable: "SGE_TASK_ID" } : {}),
    });
    await Deno.writeTextFile(`${folder}/job.sh`, ["#!/bin/sh", ...prelude, body, ""].join("\n"));
    const child = new Deno.Command(shell, {
      args: ["job.sh"],
      cwd: folder,
      env: { SLURM_JOB_ID: "4711", ...options.env },
      stdout: "null",
      stderr: "null",
    }).spawn();
    if (options.kill) {
      // Once the start marker is there, the body runs.
      const start = `${folder}/.clusterjob/it_s_a_job/start`;
      for (let i = 0; i < 200 && !(await exists(start)); i++) await delay(10);
      child.kill(options.kill);
    }
    const status = await child.status;
    const dir = `${folder}/.clusterjob/it_s_a_job`;
    const files: Record<string, string> = {};
    for await (const entry of Deno.readDir(dir)) {
      files[entry.name] = await Deno.readTextFile(`${dir}/${entry.name}`);
    }
    const mode = (await Deno.stat(dir)).mode! & 0o777;
    return { code: status.code, signal: status.signal, files, mode };
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const shell of SHELLS) {
  Deno.test(`${shell}: the prelude records start and exit code, and keeps the exit code`, async () => {
    for (const [body, code] of [["true", 0], ["exit 3", 3], ["false", 1], ["(exit 255)", 255]]) {
      const ran = await runJob(shell, body as string);
      assert.equal(ran.code, code, `${body}`);
      assert.deepEqual(Object.keys(ran.files).sort(), ["end", "start"]);
      const start = parseMarker(ran.files.start!);
      assert.equal(start.kind, "start");
      assert.equal(start.kind === "start" && start.id, "4711");
      assert.equal(start.kind === "start" && start.task, "");
      assert.deepEqual({ ...parseMarker(ran.files.end!), time: 0 }, {
        kind: "end",
        time: 0,
        exit: code,
      });
      assert.equal(ran.mode, 0o700, "the marker folder is private");
    }
  });

  Deno.test(`${shell}: set -e and set -u bodies end with their own code and an end marker`, async () => {
    const ran = await runJob(shell, "set -eu\necho $UNSET_VARIABLE_X\necho never");
    assert.notEqual(ran.code, 0);
    const end = parseMarker(ran.files.end!);
    assert.equal(end.kind === "end" && end.exit, ran.code);
    const failing = await runJob(shell, "set -e\nfalse\necho never");
    assert.equal(failing.code, 1);
    assert.equal(parseMarker(failing.files.end!).kind, "end");
  });

  Deno.test(`${shell}: a trapped signal is recorded by name and still ends the job`, async () => {
    for (const signal of ["SIGTERM", "SIGUSR2", "SIGINT"] as const) {
      const ran = await runJob(shell, "sleep 5 & wait", { kill: signal });
      const name = signal.slice(3);
      const end = parseMarker(ran.files.end!);
      assert.equal(end.kind === "end" && end.signal, name, JSON.stringify(ran));
      // Re-raised with its default action: the shell dies of it, as without markers.
      assert.equal(ran.signal, signal);
      assert.equal(signalExitCode(name), 128 + TRAPPED_SIGNALS[name]!);
    }
  });

  Deno.test(`${shell}: a KILL leaves a start and no end`, async () => {
    const ran = await runJob(shell, "sleep 5 & wait", { kill: "SIGKILL" });
    assert.deepEqual(Object.keys(ran.files), ["start"]);
    assert.equal(ran.signal, "SIGKILL");
  });

  Deno.test(`${shell}: array tasks write start.<index> and end.<index>; SGE's "undefined" is none`, async () => {
    const task = await runJob(shell, "exit 2", { env: { SGE_TASK_ID: "7" }, task: true });
    assert.deepEqual(Object.keys(task.files).sort(), ["end.7", "start.7"]);
    const start = parseMarker(task.files["start.7"]!);
    assert.equal(start.kind === "start" && start.task, "7");
    const plain = await runJob(shell, "true", { env: { SGE_TASK_ID: "undefined" }, task: true });
    assert.deepEqual(Object.keys(plain.files).sort(), ["end", "start"]);
  });

  Deno.test(`${shell}: a hostile job name and environment stay data`, async () => {
    const ran = await runJob(shell, "true", { env: { SLURM_JOB_ID: "$(touch /tmp/pwned) `id`" } });
    assert.equal(ran.code, 0);
    // The id as written is garbage to the parser, not code to any shell.
    assert.equal(parseMarker(ran.files.start!).kind, "garbled");
    assert.equal(await exists("/tmp/pwned"), false);
  });
}

Deno.test("marker paths: a safe folder name under .clusterjob in the working directory", () => {
  assert.equal(markerFolderName("fit 1/b'c"), "fit_1_b_c");
  assert.equal(markerFolderName(".hidden"), "_hidden");
  assert.equal(markerFolderName(""), "_");
  assert.equal(markerFolder("~/runs/", "a b"), "~/runs/.clusterjob/a_b");
  assert.equal(markerFolder("/", "a"), "/.clusterjob/a");
  assert.equal(markerFolder(".", "a"), "./.clusterjob/a");
  const script = ["#!/bin/bash", ...markersPrelude({ jobName: "x y" }), "true"].join("\n");
  assert.equal(markerFolderInScript(script), ".clusterjob/x_y");
  assert.equal(markerFolderInScript("#!/bin/bash\ntrue\n"), undefined);
});

Deno.test("only POSIX shells carry the prelude", () => {
  assert.ok(runsPosixShell("#!/bin/bash", "/bin/sh"));
  assert.ok(runsPosixShell("#!/usr/bin/env bash", "/bin/sh"));
  assert.ok(runsPosixShell("echo no shebang", "/bin/zsh"));
  assert.ok(!runsPosixShell("#!/usr/bin/env python3", "/bin/bash"));
  assert.ok(!runsPosixShell("#!/bin/tcsh", "/bin/bash"));
  assert.ok(!runsPosixShell("x", "/usr/bin/perl"));
});

Deno.test("the parser never throws: garbage is a garbled marker, kept for messages", () => {
  const garbage = [
    "",
    "\n",
    "time=",
    "time=abc exit=0",
    "time=1 exit=0\ntime=2 exit=1",
    "time=1 exit=256",
    "time=1 exit=-1",
    "time=1 exit=0 signal=TERM",
    "time=1 signal=term",
    "time=1",
    "exit=0",
    "time=1 time=2 exit=0",
    "time=1 host= id=1 task=",
    "time=1 host=h id=$(x) task=",
    "time=1 host=h id=1 task=a",
    "\u0000\u0001\u00ff binary",
    "x".repeat(10_000),
    "time=1  exit=0",
    "=1 exit=0",
  ];
  for (const text of garbage) {
    const marker = parseMarker(text);
    assert.equal(marker.kind, "garbled", JSON.stringify(text));
    assert.ok(marker.kind === "garbled" && marker.text.length <= 200);
  }
  assert.deepEqual(parseMarker("time=5 exit=0\n"), { kind: "end", time: 5, exit: 0 });
  assert.deepEqual(parseMarker("time=5 signal=XCPU"), { kind: "end", time: 5, signal: "XCPU" });
  assert.deepEqual(parseMarker("time=5 host=n1 id=12.server task=3\n"), {
    kind: "start",
    time: 5,
    host: "n1",
    id: "12.server",
    task: "3",
  });
});
