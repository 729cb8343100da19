// The persistent shell session's framing, against a local `sh` standing in for the remote one
// (no sshd needed): exit codes, separate stdout and stderr, stdin, marker-like output, binary
// and huge output, output without a trailing newline, commands that read stdin or change the
// shell's state, time limits, aborts, a session that drops, and a login shell that is not POSIX.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  frameCommand,
  newNonce,
  sessionBootstrap,
  SessionGoneError,
  SessionStartError,
  ShellSession,
} from "../../../src/transports/_shell_session.ts";
import { SessionPool } from "../../../src/transports/_session_pool.ts";
import { CommandTimeoutError } from "../../../src/core/transport.ts";
import { quoteShellCommand } from "../../../src/core/_shell_quote.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { NASTY_WORDS } from "../../_nasty_words.ts";

const encoder = new TextEncoder();

/** A session of the local `sh` (or `shell`), started as ssh would start the remote one. */
async function startSession(shell = "sh"): Promise<ShellSession> {
  const ready = newNonce();
  const session = new ShellSession("local-sh", [shell, "-c", sessionBootstrap(ready)], ready, 5000);
  await session.ready;
  return session;
}

async function withSession(fn: (session: ShellSession) => Promise<void>): Promise<void> {
  const session = await startSession();
  try {
    await fn(session);
  } finally {
    await session.close();
  }
}

/** A pool of local `sh` sessions; `started()` counts the processes it started. */
function localPool(shell = "sh"): { pool: SessionPool; started: () => number } {
  let count = 0;
  const pool = new SessionPool({
    transport: "local-sh",
    argv: (bootstrap) => {
      count++;
      return [shell, "-c", bootstrap];
    },
    readyTimeout: 5000,
    idleTimeout: 60_000,
  });
  return { pool, started: () => count };
}

const shown = ["test"];

Deno.test("session: exit code, stdout and stderr apart, many commands on one shell", async () => {
  await withSession(async (session) => {
    assert.deepEqual(await session.run("echo out; echo err >&2; exit 3", { shownArgv: shown }), {
      code: 3,
      stdout: "out\n",
      stderr: "err\n",
    });
    for (let i = 0; i < 50; i++) {
      const output = await session.run(`echo ${i}`, { shownArgv: shown });
      assert.deepEqual(output, { code: 0, stdout: `${i}\n`, stderr: "" });
    }
    // killed by a signal: 128 + N, as from a one-shot shell
    assert.equal((await session.run("sh -c 'kill -9 $$'", { shownArgv: shown })).code, 137);
    assert.ok(session.alive);
  });
});

Deno.test("session: output without a trailing newline, binary output, empty output", async () => {
  await withSession(async (session) => {
    assert.equal(
      (await session.run("printf 'no newline'", { shownArgv: shown })).stdout,
      "no newline",
    );
    assert.equal((await session.run("printf ''", { shownArgv: shown })).stdout, "");
    // the same bytes decode the same as through LocalTransport
    const script = "printf 'a\\000b\\377\\376c\\001\\n\\r'";
    const local = await new LocalTransport().run(["sh", "-c", script]);
    const remote = await session.run(script, { shownArgv: shown });
    assert.equal(remote.stdout, local.stdout);
    assert.ok(remote.stdout.includes("\0"));
    assert.equal((await session.run("echo next", { shownArgv: shown })).stdout, "next\n");
  });
});

Deno.test("session: output that looks like the markers cannot end a command early", async () => {
  await withSession(async (session) => {
    const fake = `${newNonce()}:e0\n${newNonce()}:b`;
    for (const text of [fake, "cj:e0\n", ":e0\n:b", "cj0123:e", `${"cj".repeat(40)}:e1\n`]) {
      const output = await session.run(
        `printf '%s' ${quoteShellCommand([text])}; printf %s ${
          quoteShellCommand([text])
        } >&2; exit 4`,
        {
          shownArgv: shown,
        },
      );
      assert.deepEqual(output, { code: 4, stdout: text, stderr: text });
    }
  });
});

Deno.test("session: huge output and huge stdin come through whole", async () => {
  await withSession(async (session) => {
    const size = 3_000_000;
    const big = await session.run(`head -c ${size} /dev/zero | tr '\\000' a; echo e >&2`, {
      shownArgv: shown,
    });
    assert.equal(big.stdout.length, size);
    assert.ok(/^a+$/.test(big.stdout));
    assert.equal(big.stderr, "e\n");
    const data = "x'y\n".repeat(500_000);
    const echoed = await session.run("cat", { stdin: encoder.encode(data), shownArgv: shown });
    assert.equal(echoed.stdout.length, data.length);
    assert.equal(echoed.stdout, data);
    assert.equal((await session.run("wc -c", { shownArgv: shown })).stdout.trim(), "0");
  });
});

Deno.test("session: stdin is the command's own; a command never reads the session's stream", async () => {
  await withSession(async (session) => {
    // without stdin a command reads an empty one (not the commands that follow)
    assert.deepEqual(await session.run("cat; echo done", { shownArgv: shown }), {
      code: 0,
      stdout: "done\n",
      stderr: "",
    });
    assert.equal(
      (await session.run('read line; echo "[$line]"', { shownArgv: shown })).stdout,
      "[]\n",
    );
    // stdin with quotes, markers, code and bytes that are not UTF-8, passed byte for byte
    const bytes = new Uint8Array([
      ...encoder.encode(`it's '\\'' $(touch canary) \`x\` \n) </dev/null; exit 9\n`),
      0xff,
      0xfe,
      ...frameCommand(newNonce(), "touch canary"),
    ]);
    const output = await session.run("od -An -tx1 -v", { stdin: bytes, shownArgv: shown });
    const hex = output.stdout.split(/\s+/).filter(Boolean).map((byte) => parseInt(byte, 16));
    assert.deepEqual(hex, [...bytes]);
    assert.equal(
      (await session.run("test -e canary && echo ran", { shownArgv: shown })).stdout,
      "",
    );
    // stdin without a trailing newline
    const partial = await session.run("cat", { stdin: encoder.encode("a\nb"), shownArgv: shown });
    assert.equal(partial.stdout, "a\nb");
  });
});

Deno.test("session: no command changes the shell the next one runs in", async () => {
  await withSession(async (session) => {
    const before = await session.run('pwd; umask; echo "[$X]"; trap', { shownArgv: shown });
    for (
      const script of [
        "cd /",
        "X=1; export X",
        "umask 000",
        "trap 'echo trapped' EXIT",
        "exec true",
        "exit 5",
        "set -e; false",
        "alias pwd='echo hijacked'",
        "pwd() { echo hijacked; }",
      ]
    ) {
      await session.run(script, { shownArgv: shown });
      assert.deepEqual(
        await session.run('pwd; umask; echo "[$X]"; trap', { shownArgv: shown }),
        before,
        script,
      );
    }
  });
});

Deno.test("session: every argument quoted as one-shot quotes it; no payload runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withSession(async (session) => {
      const argv = [
        "printf",
        "%s\\0",
        ...NASTY_WORDS,
        `touch ${dir}/canary`,
        `$(touch ${dir}/canary)`,
      ];
      const output = await session.run(quoteShellCommand(argv), { shownArgv: shown });
      assert.deepEqual(output.stdout.split("\0").slice(0, -1), argv.slice(2));
      assert.equal(output.code, 0);
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("session: late output of a background child is not taken for the next command's", async () => {
  await withSession(async (session) => {
    const first = await session.run("(sleep 0.3; echo late; echo late >&2) & echo now", {
      shownArgv: shown,
    });
    assert.equal(first.stdout, "now\n");
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(await session.run("echo next", { shownArgv: shown }), {
      code: 0,
      stdout: "next\n",
      stderr: "",
    });
  });
});

Deno.test("session: a time limit kills the session instead of leaving its stream out of step", async () => {
  const session = await startSession();
  const started = performance.now();
  const error = await session.run("sleep 30; echo too late", {
    timeout: 200,
    shownArgv: ["sleep", "30"],
  }).catch((e) => e);
  assert.ok(error instanceof CommandTimeoutError, String(error));
  assert.deepEqual(error.argv, ["sleep", "30"]);
  assert.ok(performance.now() - started < 5000);
  assert.equal(session.alive, false);
  await assert.rejects(session.run("true", { shownArgv: shown }), SessionGoneError);
  await session.close();
});

Deno.test("session: an abort rejects with its reason and kills the session", async () => {
  const session = await startSession();
  const reason = new Error("user cancelled");
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), 100);
  await assert.rejects(
    session.run("sleep 30", { signal: controller.signal, shownArgv: shown }),
    (e) => e === reason,
  );
  assert.equal(session.alive, false);
  await assert.rejects(
    session.run("true", { signal: AbortSignal.abort(reason), shownArgv: shown }),
    SessionGoneError,
  );
  await session.close();
});

Deno.test("session: a shell that dies during a command answers 255, like a lost ssh", async () => {
  await withSession(async (session) => {
    const output = await session.run("echo partial; kill -9 $$", { shownArgv: shown });
    assert.equal(output.code, 255);
    assert.equal(output.stdout, "partial\n");
    assert.match(output.stderr, /session ended before the command finished/);
    assert.equal(session.alive, false);
  });
});

Deno.test("session: a non-POSIX login shell (tcsh) refuses the bootstrap before reading the stream", async () => {
  const ready = newNonce();
  const session = new ShellSession(
    "local-tcsh",
    ["tcsh", "-c", sessionBootstrap(ready)],
    ready,
    5000,
  );
  const error = await session.ready.catch((e) => e);
  assert.ok(error instanceof SessionStartError, String(error));
  assert.ok(error.code !== undefined && error.code !== 0 && error.code !== 255);
  assert.match(error.stderr, /Illegal variable name/);
  await session.close();
});

Deno.test("pool: commands reuse one session, concurrent ones get their own", async () => {
  const { pool, started } = localPool();
  try {
    for (let i = 0; i < 10; i++) {
      assert.equal((await pool.run(`echo ${i}`, { shownArgv: shown }))?.stdout, `${i}\n`);
    }
    assert.equal(started(), 1);
    const outputs = await Promise.all(
      Array.from({ length: 4 }, (_, i) => pool.run(`sleep 0.1; echo ${i}`, { shownArgv: shown })),
    );
    assert.deepEqual(outputs.map((output) => output?.stdout), ["0\n", "1\n", "2\n", "3\n"]);
    assert.equal(started(), 4);
    await pool.run("true", { shownArgv: shown });
    assert.equal(started(), 4);
  } finally {
    await pool.close();
  }
});

Deno.test("pool: a dropped session is replaced (reconnect), idle or after a timeout", async () => {
  const { pool, started } = localPool();
  try {
    const pid = Number((await pool.run("echo $$", { shownArgv: shown }))?.stdout);
    Deno.kill(pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await pool.run("echo again", { shownArgv: shown }))?.stdout, "again\n");
    assert.equal(started(), 2);
    await assert.rejects(
      pool.run("sleep 30", { timeout: 100, shownArgv: shown }),
      CommandTimeoutError,
    );
    assert.equal((await pool.run("echo after", { shownArgv: shown }))?.stdout, "after\n");
    assert.equal(started(), 3);
  } finally {
    await pool.close();
  }
});

Deno.test("pool: under a non-POSIX login shell every command goes one-shot, found once", async () => {
  const { pool, started } = localPool("tcsh");
  try {
    assert.equal(await pool.run("echo hi", { shownArgv: shown }), undefined);
    assert.match(pool.oneShotReason ?? "", /login shell is not POSIX \(Illegal variable name/);
    assert.equal(await pool.run("echo hi", { shownArgv: shown }), undefined);
    assert.equal(started(), 1);
  } finally {
    await pool.close();
  }
});

Deno.test("pool: close() lets a running command finish, then ends every session", async () => {
  const { pool } = localPool();
  const dir = await Deno.makeTempDir();
  try {
    const running = pool.run(`sleep 0.2; echo done > ${join(dir, "f")}; echo ok`, {
      shownArgv: shown,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();
    assert.equal((await running)?.stdout, "ok\n");
    assert.equal(await Deno.readTextFile(join(dir, "f")), "done\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
