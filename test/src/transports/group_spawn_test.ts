// A command with a time limit leads its own process group (so a timeout kills its children too),
// started through setsid instead of a fork of Deno where setsid exists; what the caller sees is
// the same either way: the program's pid, exit code and output, and NotFound for a missing one.

import assert from "node:assert/strict";
import { join } from "node:path";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { CommandNotFoundError } from "../../../src/core/transport_errors.ts";
import { groupLeaderArgv } from "../../../src/transports/_group_spawn.ts";

const local = new LocalTransport();

Deno.test("a command with a time limit is its own process group's leader, exit code kept", async () => {
  // $$ is the shell's pid; its process group id must be the same number
  const out = await local.run(["sh", "-c", 'echo "$$ $(ps -o pgid= -p $$)"; exit 7'], {
    timeout: 10_000,
  });
  assert.equal(out.code, 7);
  const [pid, pgid] = out.stdout.trim().split(/\s+/);
  assert.equal(pid, pgid);
});

Deno.test("a missing program with a time limit is CommandNotFoundError, on the PATH or by path", async () => {
  await assert.rejects(
    local.run(["no-such-program-here"], { timeout: 5_000 }),
    CommandNotFoundError,
  );
  await assert.rejects(local.run(["./no-such-program"], { timeout: 5_000 }), CommandNotFoundError);
});

Deno.test("groupLeaderArgv resolves the program on the given PATH and relative to cwd", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(folder, "tool"), '#!/bin/sh\necho tool "$@"\n', { mode: 0o755 });
    await Deno.writeTextFile(join(folder, "plain"), "not executable", { mode: 0o644 });
    const argv = groupLeaderArgv(["tool", "a b"], { PATH: `/nowhere:${folder}` }, undefined);
    if (argv === undefined) return; // no setsid here: Deno's detached is used instead
    assert.deepEqual(argv?.slice(1), ["-w", join(folder, "tool"), "a b"]);
    assert.equal(groupLeaderArgv(["plain"], { PATH: folder }, undefined), null);
    assert.deepEqual(groupLeaderArgv(["./tool"], {}, folder)?.slice(2), ["./tool"]);
    const out = await local.run(["./tool", "x"], { cwd: folder, timeout: 5_000 });
    assert.deepEqual(out, { code: 0, stdout: "tool x\n", stderr: "" });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
