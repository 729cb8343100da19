// bsub's option values (sim/lsf/_values.ts).
import assert from "node:assert/strict";
import {
  parseDependency,
  parseJobName,
  parseMemoryLimit,
  parseRunLimit,
} from "../../../sim/lsf/_values.ts";

Deno.test("bsub option values: -W [H:]M, -M units (KB default), -J arrays, -w expressions", () => {
  assert.equal(parseRunLimit("30"), 1800);
  assert.equal(parseRunLimit("1:30"), 5400);
  assert.equal(parseRunLimit("10/hostA"), 600);
  assert.equal(parseRunLimit("1.5"), undefined);
  assert.equal(parseMemoryLimit("4GB"), 4096);
  assert.equal(parseMemoryLimit("512M"), 512);
  assert.equal(parseMemoryLimit("2048"), 2);
  assert.equal(parseMemoryLimit("lots"), undefined);
  assert.deepEqual(parseJobName("arr[1-7:3]%2"), {
    name: "arr",
    array: { indices: [1, 4, 7], maxConcurrent: 2 },
    spec: "[1-7:3]",
  });
  assert.deepEqual(parseJobName("plain"), { name: "plain" });
  assert.equal(parseJobName("bad[0-3]"), undefined);
  assert.deepEqual(parseDependency("done(12) && (exit(13)) && ended(build*) && 14"), [
    { type: "afterok", job: "12" },
    { type: "afternotok", job: "13" },
    { type: "afterany", job: "build*" },
    { type: "afterok", job: "14" },
  ]);
  assert.equal(parseDependency("done(1) || done(2)"), undefined);
  assert.equal(parseDependency("finished(1)"), undefined);
});
