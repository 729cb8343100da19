// PBS resource requests (sim/pbs/_resources.ts): durations, sizes and the job layout.
import assert from "node:assert/strict";
import {
  layoutOf,
  parsePbsDuration,
  parsePbsSize,
  parseResourceLists,
} from "../../../sim/pbs/_resources.ts";

Deno.test("parsePbsDuration() reads [[hours:]minutes:]seconds and days", () => {
  assert.equal(parsePbsDuration("01:30:00"), 5400);
  assert.equal(parsePbsDuration("90:00"), 5400);
  assert.equal(parsePbsDuration("5400"), 5400);
  assert.equal(parsePbsDuration("1:00:00:00"), 86400);
  assert.equal(parsePbsDuration("10:00.5"), 600);
  assert.equal(parsePbsDuration("1h"), undefined);
});

Deno.test("parsePbsSize() reads b/kb/mb/gb and words, no suffix = bytes", () => {
  assert.equal(parsePbsSize("4gb"), 4 * 2 ** 30);
  assert.equal(parsePbsSize("512MB"), 512 * 2 ** 20);
  assert.equal(parsePbsSize("1kw"), 8192);
  assert.equal(parsePbsSize("1024"), 1024);
  assert.equal(parsePbsSize("4 GB"), undefined);
});

Deno.test("layoutOf() maps nodes=N:ppn=P, select chunks and job-wide mem", () => {
  assert.deepEqual(layoutOf(parseResourceLists(["nodes=2:ppn=4,walltime=1:00:00", "mem=8gb"])), {
    nodes: 2,
    tasksPerNode: 4,
    cpusPerTask: 1,
    gpus: 0,
    walltimeSeconds: 3600,
    memoryMB: 4096,
  });
  assert.deepEqual(
    layoutOf(parseResourceLists(["select=3:ncpus=8:mpiprocs=2:ompthreads=4:mem=2gb:ngpus=1"])),
    {
      nodes: 3,
      tasksPerNode: 2,
      cpusPerTask: 4,
      gpus: 1,
      memoryMB: 2048,
    },
  );
  assert.equal(layoutOf(parseResourceLists(["ncpus=6"])).cpusPerTask, 6);
  assert.throws(() => layoutOf(parseResourceLists(["walltime=abc"])), /walltime=abc/);
  assert.throws(() => parseResourceLists(["=4"]), /=4/);
});
