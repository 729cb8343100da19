/** Nodes: allocation, free resources, shadow time, failures. */

import assert from "node:assert/strict";
import type { SimNodeSpec, SimQueueSpec, SimSubmitRequest } from "../../../sim/mod.ts";
import { JobRecord } from "../../../sim/engine/_job_record.ts";
import { NodePool } from "../../../sim/engine/_nodes.ts";
import { request, setup, sized, t0 } from "./_engine_setup.ts";

Deno.test("node failure ends its running jobs as NODE_FAIL; nothing starts there until it resumes", async () => {
  const { engine, clock } = setup({
    nodes: [{ name: "a", cpus: 1, memoryMB: 1000 }, { name: "b", cpus: 1, memoryMB: 1000 }],
  });
  const onA = engine.submit(request("100s")).jobs[0]!;
  const onB = engine.submit(request("100s")).jobs[0]!;
  await clock.sleep(0);
  assert.deepEqual(engine.failNode("a").map((j) => j.id), [onA.id]);
  assert.equal(onA.state, "NODE_FAIL");
  const next = engine.submit(request("1s")).jobs[0]!;
  await clock.sleep(50_000);
  assert.equal(next.state, "PENDING", "node a is down, b is busy");
  engine.resumeNode("a");
  await clock.sleep(2000);
  assert.equal(next.state, "COMPLETED");
  assert.equal(onB.state, "RUNNING");
  assert.throws(() => engine.failNode("nosuch"), /unknown node/);
});

const SPECS: SimNodeSpec[] = [
  { name: "a", cpus: 4, memoryMB: 4000 },
  { name: "b", cpus: 4, memoryMB: 8000, gpus: 1 },
  { name: "c", cpus: 8, memoryMB: 8000 },
];
const QUEUES: SimQueueSpec[] = [{ name: "all" }, { name: "small", nodes: ["a", "b"] }];

let seq = 0;
/** A pending record of `queue` sized like `extra` (one core, 100 MB by default). */
function job(queue: string, extra: Partial<SimSubmitRequest> = {}): JobRecord {
  return new JobRecord({ passes: 0 }, ++seq, seq, sized(extra), queue, t0);
}

/** Starts `record` on `pool` at `startTime` with a time limit. */
function run(pool: NodePool, record: JobRecord, limitSeconds?: number): void {
  const allocation = pool.allocate(record);
  assert.ok(allocation, "the job fits");
  record.startTime = t0;
  if (limitSeconds !== undefined) record.timeLimitSeconds = limitSeconds;
  pool.claim(record, allocation);
}

Deno.test("NodePool: a queue lists unknown nodes, or its nodes in order", () => {
  assert.throws(() => new NodePool(SPECS, [{ name: "q", nodes: ["a", "z"] }]), /unknown node "z"/);
  const pool = new NodePool(SPECS, QUEUES);
  assert.deepEqual(pool.nodesOf("small").map((n) => n.name), ["a", "b"]);
  assert.deepEqual(pool.nodesOf("all").map((n) => n.name), ["a", "b", "c"]);
  assert.deepEqual(pool.nodesOf("nosuch"), []);
  assert.equal(pool.freeCpus, 16);
});

Deno.test("NodePool.allocate() takes the first nodes of the job's queue with room for cores, memory and GPUs", () => {
  const pool = new NodePool(SPECS, QUEUES);
  assert.deepEqual(pool.allocate(job("all", { memoryMB: 6000 })), [
    { node: 1, cpus: 1, memoryMB: 6000, gpus: 0 },
  ]);
  assert.deepEqual(pool.allocate(job("all", { gpus: 1, cpusPerTask: 2 }))?.map((a) => a.node), [1]);
  assert.deepEqual(pool.allocate(job("all", { nodes: 2, cpusPerTask: 5 })), undefined);
  assert.deepEqual(pool.allocate(job("all", { nodes: 2 }))?.map((a) => a.node), [0, 1]);
  assert.equal(pool.allocate(job("small", { cpusPerTask: 8 })), undefined, "c is not in small");
});

Deno.test("NodePool.claim() and release() move free resources and the running set", () => {
  const pool = new NodePool(SPECS, QUEUES);
  const wide = job("small", { tasksPerNode: 2, cpusPerTask: 2, memoryMB: 4000 });
  run(pool, wide);
  assert.equal(pool.freeCpus, 12);
  assert.deepEqual([...pool.running], [wide]);
  assert.deepEqual(pool.namesOf(wide.allocation!), ["a"]);
  assert.equal(pool.allocate(job("small", { memoryMB: 1 }))?.[0]?.node, 1, "a has no memory left");
  pool.release(wide);
  assert.equal(pool.freeCpus, 16);
  assert.deepEqual([...pool.running], []);
  assert.equal(pool.allocate(job("small", { memoryMB: 4000, cpusPerTask: 4 }))?.[0]?.node, 0);
});

Deno.test("NodePool.shadowTime() is the first end of a running job after which the job fits", () => {
  const pool = new NodePool(SPECS, [{ name: "q" }]);
  const unlimited = job("q", { cpusPerTask: 4 });
  run(pool, unlimited); // a
  const long = job("q", { cpusPerTask: 4 });
  run(pool, long, 600); // b
  const short = job("q", { cpusPerTask: 6 });
  run(pool, short, 60); // c, 2 cores left
  assert.equal(pool.shadowTime(job("q", { cpusPerTask: 3 })), t0 + 60_000);
  assert.equal(pool.shadowTime(job("q", { cpusPerTask: 4, nodes: 2 })), t0 + 600_000);
  assert.equal(pool.shadowTime(job("q", { cpusPerTask: 4, nodes: 3 })), Infinity, "a never ends");
  assert.equal(pool.freeCpus, 2, "the estimate frees nothing");
});

Deno.test("NodePool.fail() and resume(): a down node offers nothing, its cores are not free", () => {
  const pool = new NodePool(SPECS, QUEUES);
  const onA = job("small");
  run(pool, onA);
  assert.deepEqual(pool.fail("a"), [onA]);
  assert.equal(pool.freeCpus, 12, "a's 3 free cores are gone");
  assert.deepEqual(pool.fail("a"), [onA], "failing twice changes nothing");
  assert.equal(pool.freeCpus, 12);
  pool.release(onA);
  assert.equal(pool.freeCpus, 12, "a job's cores on a down node do not count as free");
  assert.equal(pool.allocate(job("small", { nodes: 2 })), undefined);
  assert.equal(pool.resume("a"), true);
  assert.equal(pool.resume("a"), false);
  assert.equal(pool.freeCpus, 16);
  assert.throws(() => pool.fail("z"), /Cannot fail unknown node "z"/);
  assert.throws(() => pool.resume("z"), /Cannot resume unknown node "z"/);
});
