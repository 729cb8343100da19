// One poll per machine, with real separate processes: child processes (test/_shared_poll_child.ts)
// wait for jobs of ONE simulated cluster served to them on a Unix socket (test/_sim_socket.ts),
// and the status commands that reach that cluster are counted in its command log.

import assert from "node:assert/strict";
import { join } from "node:path";
import { Status } from "../../../src/core/status.ts";
import { type ScenarioOptions, sharedPollScenario } from "../../_shared_poll_scenario.ts";
import { snapshotPath } from "../../../src/run/_shared_poll.ts";

const scenario = (
  processes: number,
  perProcess: number,
  mode: "shared" | "alone",
  prepare?: ScenarioOptions["prepare"],
  inspect?: ScenarioOptions["inspect"],
) => sharedPollScenario({ processes, perProcess, mode, prepare, inspect });

Deno.test("processes tracking jobs on one target share one status query per interval", async () => {
  const shared = await scenario(4, 10, "shared");
  assert.deepEqual(shared.children.map((child) => child.statuses), shared.expected);
  // what the children ran is what reached the cluster: measured on both sides
  const ran = shared.children.reduce((sum, child) => sum + child.commands, 0);
  assert.equal(ran, shared.statusCommands);
  const rounds = Math.max(...shared.children.map((child) => child.rounds));
  // alone, each process polls each round; shared, one per round plus at most one per process
  // (a process whose ids were not yet in the snapshot asks once for them)
  assert.ok(
    shared.statusCommands <= rounds + 4,
    `${shared.statusCommands} status commands for ${rounds} rounds of 4 processes`,
  );
  const alone = await scenario(4, 10, "alone");
  assert.deepEqual(alone.children.map((child) => child.statuses), alone.expected);
  assert.ok(alone.statusCommands >= 4 * Math.min(...alone.children.map((c) => c.rounds)));
  assert.ok(shared.statusCommands < alone.statusCommands);
});

Deno.test("a corrupt or future snapshot is ignored; the folder and files are private", async () => {
  const garbage = async (polls: string, key: string) => {
    await Deno.mkdir(polls, { recursive: true, mode: 0o700 });
    await Deno.writeTextFile(await snapshotPath(polls, key), "{not json");
  };
  const corrupt = await scenario(2, 3, "shared", garbage, async (polls) => {
    assert.equal((await Deno.stat(polls)).mode! & 0o777, 0o700);
    for await (const entry of Deno.readDir(polls)) {
      assert.equal((await Deno.stat(join(polls, entry.name))).mode! & 0o777, 0o600, entry.name);
    }
  });
  assert.deepEqual(corrupt.children.map((child) => child.statuses), corrupt.expected);
  assert.ok(corrupt.statusCommands > 0);

  // A snapshot stamped in the future that calls every job COMPLETED: never believed.
  const future = async (polls: string, key: string, ids: string[][]) => {
    await Deno.mkdir(polls, { recursive: true, mode: 0o700 });
    const infos = Object.fromEntries(
      ids.flat().map((id) => [id, { status: Status.COMPLETED, state: "COMPLETED", exitCode: 0 }]),
    );
    await Deno.writeTextFile(
      await snapshotPath(polls, key),
      JSON.stringify({ key, at: Date.now() + 3_600_000, infos, unknown: [], consulted: [] }),
    );
  };
  const lied = await scenario(2, 5, "shared", future);
  assert.deepEqual(lied.children.map((child) => child.statuses), lied.expected);
  assert.ok(lied.expected.flat().includes(Status.FAILED));
});

Deno.test("a poller that died holding the lock is replaced", async () => {
  let holder: Deno.ChildProcess | undefined;
  const dead = await scenario(2, 3, "shared", async (polls, key) => {
    await Deno.mkdir(polls, { recursive: true, mode: 0o700 });
    const lock = (await snapshotPath(polls, key)).replace(/\.json$/, ".lock");
    holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const f = await Deno.open(${
          JSON.stringify(lock)
        }, { read: true, write: true, create: true }); await f.lock(true); console.log("locked"); await new Promise(() => {});`,
      ],
      stdout: "piped",
    }).spawn();
    const reader = holder.stdout.getReader();
    await reader.read(); // "locked"
    reader.releaseLock();
    holder.kill("SIGKILL");
    await holder.status;
    await holder.stdout.cancel();
  });
  assert.deepEqual(dead.children.map((child) => child.statuses), dead.expected);
});
