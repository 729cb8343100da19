import assert from "node:assert/strict";
import { join } from "node:path";
import { realClock } from "../../../src/core/clock.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { CommandTimeoutError, TransportError } from "../../../src/core/transport.ts";
import { CommandNotFoundError } from "../../../src/core/transport_errors.ts";
import { NASTY_WORDS } from "../../_nasty_words.ts";

const local = new LocalTransport();

/** True while process `pid` exists (zombies count as gone). */
function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cj-local-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("LocalTransport has the name local and the wall clock by default", () => {
  assert.equal(local.name, "local");
  assert.equal(local.clock, realClock);
});

Deno.test("LocalTransport.run() returns exit code, stdout and stderr without a shell", async () => {
  const output = await local.run(["sh", "-c", 'echo out; echo err >&2; exit "$1"', "sh", "3"]);
  assert.deepEqual(output, { code: 3, stdout: "out\n", stderr: "err\n" });
  // arguments reach the program verbatim: no splitting, globbing or expansion
  const args = await local.run(["printf", "%s\\0", ...NASTY_WORDS]);
  assert.deepEqual(args.stdout.split("\0").slice(0, -1), NASTY_WORDS);
});

Deno.test("LocalTransport.run() feeds stdin as text or bytes, and /dev/null otherwise", async () => {
  assert.equal(
    (await local.run(["cat"], { stdin: "line 1\nlïne 2\n" })).stdout,
    "line 1\nlïne 2\n",
  );
  const bytes = new Uint8Array(300_000).fill(65); // larger than a pipe buffer
  assert.equal((await local.run(["wc", "-c"], { stdin: bytes })).stdout.trim(), "300000");
  assert.equal((await local.run(["cat"])).stdout, "");
  // a command that ignores its stdin does not break the call
  assert.equal((await local.run(["true"], { stdin: "x".repeat(200_000) })).code, 0);
});

Deno.test("LocalTransport.run() adds env to the inherited environment", async () => {
  const output = await local.run(["sh", "-c", 'printf "%s|%s" "$CJ_TEST_VAR" "$HOME"'], {
    env: { CJ_TEST_VAR: "a b $x" },
  });
  assert.equal(output.stdout, `a b $x|${Deno.env.get("HOME")}`);
  await assert.rejects(local.run(["true"], { env: { "BAD-NAME": "1" } }), InvalidValueError);
});

Deno.test("LocalTransport.run() expands ~ in cwd", async () => {
  const home = Deno.env.get("HOME")!;
  assert.equal(
    (await local.run(["pwd", "-P"], { cwd: "~" })).stdout.trim(),
    Deno.realPathSync(home),
  );
  await withTempDir(async (dir) => {
    assert.equal(
      (await local.run(["pwd", "-P"], { cwd: dir })).stdout.trim(),
      Deno.realPathSync(dir),
    );
  });
  await assert.rejects(
    local.run(["true"], { cwd: "/no/such/dir" }),
    (error: unknown) =>
      error instanceof TransportError && /directory not found/.test(error.message),
  );
});

Deno.test("LocalTransport.run() rejects with CommandNotFoundError for a program not on the PATH", async () => {
  await withTempDir(async (emptyDir) => {
    // `sh` exists, but not on this PATH
    const error = await local.run(["sh", "-c", "true"], { env: { PATH: emptyDir } }).catch((e) =>
      e
    );
    assert.ok(error instanceof CommandNotFoundError, String(error));
    assert.ok(error instanceof TransportError);
    assert.equal(
      error.message,
      `"sh" is not installed on this machine — is this the login node? Run where the scheduler's ` +
        `commands are installed (the cluster's login node), or reach that host over SSH (give the ` +
        `job a "remote", or pass an SshTransport)`,
    );
    assert.deepEqual([error.command, error.where, error.transport], [
      "sh",
      "this machine",
      "local",
    ]);
    assert.deepEqual(error.argv, ["sh", "-c", "true"]);
    assert.ok(error.cause instanceof Deno.errors.NotFound);
  });
  await assert.rejects(
    local.run(["/no/such/dir/sbatch", "job.slr"]),
    (error: unknown) =>
      error instanceof CommandNotFoundError && error.command === "/no/such/dir/sbatch",
  );
  await assert.rejects(local.run([]), InvalidValueError);
});

Deno.test("LocalTransport.run() reports a program it may not execute as a TransportError", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "not-executable"), "#!/bin/sh\n", { mode: 0o644 });
    await assert.rejects(
      local.run([join(dir, "not-executable")]),
      (error: unknown) =>
        error instanceof TransportError && !(error instanceof CommandNotFoundError) &&
        error.message.includes("permission denied"),
    );
  });
});

Deno.test("LocalTransport checks its options and every argument before running anything", async () => {
  const bad: [() => unknown, string, string][] = [
    [() => new LocalTransport({ clok: realClock } as never), "options.clok", "no such option"],
    [() => new LocalTransport(null as never), "options", "an object"],
    [() => new LocalTransport({ clock: {} as never }), "clock", "a Clock"],
    [() => local.run(["printf", "a\0b"]), "argv[1]", "without NUL"],
    [() => local.run(["print\0f"]), "argv[0]", "without NUL"],
    [() => local.run([""]), "argv", "non-empty list"],
    [() => local.run(["true", 3 as never]), "argv[1]", "a string"],
    [() => local.run(["true"], { cwd: "/tmp\0/x" }), "cwd", "without NUL"],
    [() => local.run(["true"], { env: { A: "x\0y" } }), "env.A", "without NUL"],
    [() => local.run(["true"], { env: { A: 1 as never } }), "env.A", "a string"],
    [() => local.run(["true"], { stdin: 5 as never }), "stdin", "Uint8Array"],
    [() => local.run(["true"], { timeout: NaN }), "timeout", "positive number"],
    [() => local.run(["true"], { signal: "stop" as never }), "signal", "AbortSignal"],
    [() => local.run(["true"], { cdw: "/" } as never), "options.cdw", "no such option"],
    [() => local.writeFile("/tmp/a\0b", "x"), "path", "without NUL"],
    [() => local.writeFile("", "x"), "path", "non-empty"],
    [() => local.writeFile("/tmp/x", 5 as never), "text", "a string"],
    [() => local.writeFile("/tmp/x", "x", { mode: 0o10000 }), "mode", "0 to 0o7777"],
    [() => local.writeFile("/tmp/x", "x", { mode: "644" as never }), "mode", "0 to 0o7777"],
    [() => local.readFile("a\0b"), "path", "without NUL"],
    [() => local.mkdir("a\0b"), "path", "without NUL"],
    [() => local.mkdir("/tmp/x", { mode: -1 }), "mode", "0 to 0o7777"],
    [() => local.remove("a\0b"), "path", "without NUL"],
  ];
  for (const [call, field, accepted] of bad) {
    let error: unknown;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof InvalidValueError, `${field}: ${error}`);
    assert.equal(error.field, field);
    assert.ok(error.message.startsWith(`Invalid value for "${field}": `), error.message);
    assert.ok(error.accepted.includes(accepted), error.message);
  }
  // the value is shown as given, JSON-quoted: a NUL is visible
  await assert.rejects(local.run(["printf", "a\0b"]), {
    message: 'Invalid value for "argv[1]": "a\\u0000b"; expected a string without NUL characters',
  });
});

Deno.test("LocalTransport.run() timeout kills the whole process group, grandchildren included", async () => {
  await withTempDir(async (dir) => {
    const pidFile = join(dir, "grandchild.pid");
    const started = performance.now();
    const error = await local.run(
      ["sh", "-c", `sleep 30 & echo $! > "${pidFile}"; wait`],
      { timeout: 300 },
    ).catch((e) => e);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof CommandTimeoutError, String(error));
    assert.equal(error.timeout, 300);
    assert.deepEqual(error.argv.slice(0, 2), ["sh", "-c"]);
    assert.ok(elapsed < 5_000, `returned after ${elapsed} ms`);
    const grandchild = Number(await Deno.readTextFile(pidFile));
    for (let i = 0; i < 50 && alive(grandchild); i++) await realClock.sleep(50);
    assert.equal(alive(grandchild), false, `grandchild ${grandchild} still alive`);
  });
});

Deno.test("LocalTransport.run() kills a group that ignores SIGTERM with SIGKILL", async () => {
  const started = performance.now();
  await assert.rejects(
    local.run(["sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30"], { timeout: 200 }),
    CommandTimeoutError,
  );
  assert.ok(performance.now() - started < 5_000);
});

Deno.test("LocalTransport.run() rejects with the abort reason and kills the command", async () => {
  const controller = new AbortController();
  const reason = new Error("stop now");
  setTimeout(() => controller.abort(reason), 100);
  const started = performance.now();
  await assert.rejects(
    local.run(["sh", "-c", "sleep 30 & wait"], { signal: controller.signal }),
    (error: unknown) => error === reason,
  );
  assert.ok(performance.now() - started < 5_000);
  // an already aborted signal never starts the command
  await assert.rejects(
    local.run(["true"], { signal: AbortSignal.abort(reason) }),
    (error: unknown) => error === reason,
  );
  await assert.rejects(local.run(["true"], { timeout: -1 }), InvalidValueError);
});

Deno.test("LocalTransport.run() abort kills the whole process group, grandchildren included", async () => {
  await withTempDir(async (dir) => {
    const pidFile = join(dir, "grandchild.pid");
    const controller = new AbortController();
    const running = local.run(["sh", "-c", `sleep 30 & echo $! > "${pidFile}"; wait`], {
      signal: controller.signal,
    });
    for (let i = 0; i < 100 && !(await Deno.stat(pidFile).then(() => true, () => false)); i++) {
      await realClock.sleep(20);
    }
    const started = performance.now();
    controller.abort(new Error("stop"));
    await assert.rejects(running, /stop/);
    assert.ok(performance.now() - started < 5_000, "returned promptly");
    const grandchild = Number(await Deno.readTextFile(pidFile));
    for (let i = 0; i < 50 && alive(grandchild); i++) await realClock.sleep(50);
    assert.equal(alive(grandchild), false, `grandchild ${grandchild} still alive`);
  });
});

/** The process group of process `pid` (`self` for this one), from `/proc/<pid>/stat`. */
function processGroup(pid: string): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

Deno.test({
  name: "LocalTransport.run() gives a command its own process group only when it may be killed",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // A group of its own needs fork() of this whole process (~2.5 ms a command); a command
    // that nothing can kill (no timeout, no signal) is spawned plainly, in our group.
    const groupOf = async (options: { timeout?: number; signal?: AbortSignal }) => {
      const output = await local.run(["sh", "-c", 'echo "$$"; cat "/proc/$$/stat"'], options);
      const [pid, stat = ""] = output.stdout.split("\n");
      return {
        pid: Number(pid),
        group: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]),
      };
    };
    const ours = processGroup("self");
    assert.equal((await groupOf({})).group, ours);
    for (const options of [{ timeout: 10_000 }, { signal: new AbortController().signal }]) {
      const { pid, group } = await groupOf(options);
      assert.notEqual(group, ours);
      assert.equal(group, pid, "the command leads its own group");
    }
  },
});

Deno.test("LocalTransport.writeFile() replaces atomically with the requested mode", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "job 'script'.sh");
    await local.writeFile(path, "#!/bin/sh\necho one\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o644);
    await local.writeFile(path, "#!/bin/sh\necho two\n", { mode: 0o750 });
    assert.equal(await Deno.readTextFile(path), "#!/bin/sh\necho two\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o750);
    await local.writeFile(path, "secret", { mode: 0o600 });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    // no temporary files are left behind
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["job 'script'.sh"]);
  });
});

Deno.test("LocalTransport.writeFile() never shows a reader a partial file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "big.txt");
    const versions = ["a", "b", "c", "d"].map((letter) => letter.repeat(2_000_000));
    await local.writeFile(path, versions[0]!);
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await Deno.readTextFile(path);
        assert.ok(versions.includes(text), `partial read of ${text.length} bytes`);
        reads++;
      }
    })();
    for (const version of versions) await local.writeFile(path, version);
    writing = false;
    await reader;
    assert.ok(reads > 0);
  });
});

Deno.test("LocalTransport.writeFile() fails with TransportError and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      local.writeFile(join(dir, "missing", "f.txt"), "x"),
      (error: unknown) => error instanceof TransportError && /not found/.test(error.message),
    );
    await Deno.mkdir(join(dir, "target-is-dir"));
    await assert.rejects(local.writeFile(join(dir, "target-is-dir"), "x"), TransportError);
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["target-is-dir"]);
  });
});

Deno.test("LocalTransport.writeFiles() creates folders, then writes every file with its mode", async () => {
  await withTempDir(async (dir) => {
    await local.writeFiles(
      [
        { path: join(dir, "a", "job.sh"), text: "echo hi\n", mode: 0o755 },
        { path: join(dir, "a", "b", "aux.sh"), text: "", mode: 0o600 },
        { path: join(dir, "a", "data"), text: "x" },
      ],
      { directories: [join(dir, "a"), join(dir, "a", "b")] },
    );
    assert.equal(await Deno.readTextFile(join(dir, "a", "job.sh")), "echo hi\n");
    assert.equal((await Deno.stat(join(dir, "a", "job.sh"))).mode! & 0o777, 0o755);
    assert.equal((await Deno.stat(join(dir, "a", "b", "aux.sh"))).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(join(dir, "a", "data"))).mode! & 0o777, 0o644);
    await local.writeFiles([]);
  });
});

Deno.test("LocalTransport.writeFiles() fails as a whole: no file replaced, no temp file left", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "old"), "old");
    await assert.rejects(
      local.writeFiles([
        { path: join(dir, "old"), text: "new" },
        { path: join(dir, "missing", "f"), text: "x" },
      ]),
      (error: unknown) =>
        error instanceof TransportError && error.message.includes(join(dir, "missing", "f")),
    );
    assert.equal(await Deno.readTextFile(join(dir, "old")), "old");
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["old"]);
    await assert.rejects(
      local.writeFiles([], { directories: [join(dir, "old", "sub")] }),
      TransportError,
    );
    for (
      const [files, options, field] of [
        [[{ path: "", text: "x" }], {}, "files[0].path"],
        [[{ path: "a", text: 1 }], {}, "files[0].text"],
        [[{ path: "a", text: "x", mode: -1 }], {}, "files[0].mode"],
        [[{ path: "a", text: "x", extra: 1 }], {}, "files[0].extra"],
        [{}, {}, "files"],
        [[], { directories: "a" }, "directories"],
        [[], { directories: [""] }, "directories[0]"],
        [[], { dirs: [] }, "options.dirs"],
      ] as const
    ) {
      await assert.rejects(
        local.writeFiles(files as never, options as never),
        (error: unknown) => error instanceof InvalidValueError && error.field === field,
        field,
      );
    }
  });
});

Deno.test("LocalTransport.readFile() reads text and reports a missing file", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "f"), "héllo\n");
    assert.equal(await local.readFile(join(dir, "f")), "héllo\n");
    await assert.rejects(
      local.readFile(join(dir, "nope")),
      (error: unknown) =>
        error instanceof TransportError && error.transport === "local" &&
        error.message === `local: Cannot read file "${join(dir, "nope")}": not found`,
    );
  });
});

Deno.test("LocalTransport.mkdir() creates parents, is idempotent and honours mode", async () => {
  await withTempDir(async (dir) => {
    const deep = join(dir, "a b", "c");
    await local.mkdir(deep, { mode: 0o700 });
    await local.mkdir(deep);
    assert.ok((await Deno.stat(deep)).isDirectory);
    assert.equal((await Deno.stat(deep)).mode! & 0o777, 0o700);
    await Deno.writeTextFile(join(dir, "file"), "");
    await assert.rejects(local.mkdir(join(dir, "file", "sub")), TransportError);
  });
});

Deno.test("LocalTransport.remove() deletes a file and ignores a missing one", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "f"), "x");
    await local.remove(join(dir, "f"));
    await local.remove(join(dir, "f"));
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("LocalTransport expands ~ in file paths", async () => {
  const name = `.clusterjob-local-test-${crypto.randomUUID()}`;
  const path = `~/${name}`;
  try {
    await local.writeFile(path, "home");
    assert.equal(await Deno.readTextFile(join(Deno.env.get("HOME")!, name)), "home");
    assert.equal(await local.readFile(path), "home");
  } finally {
    await local.remove(path);
  }
  await assert.rejects(Deno.stat(join(Deno.env.get("HOME")!, name)), Deno.errors.NotFound);
});
