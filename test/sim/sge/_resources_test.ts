// qsub's -l and -pe as qmaster checks them (sim/sge/_resources.ts).
import assert from "node:assert/strict";
import { QmasterRejection } from "../../../sim/sge/_errors.ts";
import { requestedResources } from "../../../sim/sge/_resources.ts";

function rejection(message: string) {
  return (error: unknown) => error instanceof QmasterRejection && error.message === message;
}

Deno.test("requestedResources(): an s_rt shorter than h_rt is the limit; the category as qacct prints it", () => {
  const resources = new Map([["s_rt", "0:0:3"], ["h_rt", "0:0:8"]]);
  assert.deepEqual(requestedResources(resources, undefined), {
    timeLimitSeconds: 3,
    softLimitEnds: true,
    category: "-l h_rt=8,s_rt=3",
    hardResourceList: "h_rt=8,s_rt=3",
  });
  assert.deepEqual(requestedResources(new Map([["h_rt", "60"], ["s_rt", "600"]]), undefined), {
    timeLimitSeconds: 60,
    category: "-l h_rt=60,s_rt=600",
    hardResourceList: "h_rt=60,s_rt=600",
  });
});

Deno.test("requestedResources(): memory, GPUs and a parallel environment's slots", () => {
  const resources = new Map([["h_vmem", "2G"], ["gpu", "1"]]);
  assert.deepEqual(requestedResources(resources, { name: "mpi", slots: "1-4" }), {
    memoryMB: 2048,
    gpus: 1,
    slots: 4,
    category: "-l gpu=1,h_vmem=2G -pe mpi 1-4",
    hardResourceList: "gpu=1,h_vmem=2G",
  });
  assert.deepEqual(requestedResources(new Map(), { name: "smp", slots: "2" }), {
    slots: 2,
    category: "-pe smp 2",
  });
  assert.deepEqual(requestedResources(new Map(), undefined), {});
});

Deno.test("requestedResources() refuses as qmaster does, resources in name order, then the PE", () => {
  assert.throws(
    () => requestedResources(new Map([["h_rt", "abc"]]), undefined),
    rejection('attribute "h_rt" is not a time value'),
  );
  assert.throws(
    () => requestedResources(new Map([["mem_free", "lots"]]), undefined),
    rejection('attribute "mem_free" is not a memory value'),
  );
  assert.throws(
    () => requestedResources(new Map([["zz", "1"], ["bogus", "1"]]), undefined),
    rejection('unknown resource "bogus"'),
  );
  assert.throws(
    () => requestedResources(new Map([["bogus", "1"]]), { name: "nosuch", slots: "1" }),
    rejection('unknown resource "bogus"'),
  );
  assert.throws(
    () => requestedResources(new Map(), { name: "nosuch", slots: "1" }),
    rejection('job rejected: the requested parallel environment "nosuch" does not exist'),
  );
});
