// SGE's value syntax (sim/sge/_values.ts).
import assert from "node:assert/strict";
import {
  parseIdList,
  parseSgeMemory,
  parseSgeTime,
  parseTaskRange,
  taskIds,
  taskRangeSpec,
  taskRangeText,
} from "../../../sim/sge/_values.ts";

Deno.test("parseSgeTime() reads seconds and H:M:S with empty fields as 0", () => {
  assert.equal(parseSgeTime("600"), 600);
  assert.equal(parseSgeTime("0:5:0"), 300);
  assert.equal(parseSgeTime("1::1"), 3601);
  assert.equal(parseSgeTime("::"), 0);
  assert.equal(parseSgeTime("abc"), undefined);
  assert.equal(parseSgeTime("1:2"), undefined);
});

Deno.test("parseSgeMemory() gives whole MB, rounded up, every unit a power of 1024", () => {
  assert.equal(parseSgeMemory("2G"), 2048);
  assert.equal(parseSgeMemory("512m"), 512);
  assert.equal(parseSgeMemory("1.5g"), 1536);
  assert.equal(parseSgeMemory("1T"), 1024 * 1024);
  assert.equal(parseSgeMemory("100k"), 1);
  assert.equal(parseSgeMemory("12345"), 1);
  assert.equal(parseSgeMemory("lots"), undefined);
});

Deno.test("parseTaskRange() reads N, N-M and N-M:S; ids start at 1", () => {
  assert.deepEqual(parseTaskRange("2-10:4"), { first: 2, last: 10, step: 4 });
  assert.deepEqual(parseTaskRange("5"), { first: 5, last: 5, step: 1 });
  for (const bad of ["0-3", "3-1", "1-3:0", "abc", "1,2"]) {
    assert.equal(parseTaskRange(bad), undefined);
  }
});

Deno.test("taskIds(), taskRangeSpec() and taskRangeText() print ranges as qsub and qstat do", () => {
  const range = { first: 2, last: 10, step: 4 };
  assert.deepEqual(taskIds(range), [2, 6, 10]);
  assert.equal(taskRangeSpec({ first: 1, last: 3, step: 1 }), "1-3:1");
  assert.equal(taskRangeText([3]), "3");
  assert.equal(taskRangeText([2, 3]), "2,3");
  assert.equal(taskRangeText([2, 6, 10]), "2-10:4");
  assert.equal(taskRangeText([1, 2, 4]), "1,2,4");
});

Deno.test("parseIdList() splits a comma-separated job list, dropping empty items", () => {
  assert.deepEqual(parseIdList("10,,11,abc"), ["10", "11", "abc"]);
  assert.deepEqual(parseIdList(""), []);
});
