import assert from "node:assert/strict";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { parseMemory } from "../../../src/core/memory.ts";

Deno.test("parseMemory() converts numbers and unit strings to whole megabytes", () => {
  const cases: Array<[string | number, number]> = [
    [100, 100],
    [0.5, 1], // rounded up
    [1024.2, 1025],
    ["512", 512],
    ["512M", 512],
    ["512MB", 512],
    ["512mb", 512],
    ["4G", 4096],
    ["4GB", 4096],
    ["4g", 4096],
    ["1.5G", 1536],
    ["2.2G", 2253], // 2252.8 rounded up, no floating-point noise
    ["1T", 1048576],
    ["1tb", 1048576],
    ["100K", 1], // 0.098 MB rounded up
    ["1024K", 1],
    ["1025K", 2],
    [" 4G ", 4096],
  ];
  for (const [input, megabytes] of cases) {
    assert.equal(parseMemory(input), megabytes, `parseMemory(${JSON.stringify(input)})`);
  }
});

Deno.test("parseMemory() rejects bad sizes with InvalidValueError naming field and value", () => {
  const invalid: Array<string | number> = [
    "4Q",
    "",
    "-1",
    "0",
    "0G",
    "0.0",
    "G",
    "4 G",
    "4GiB",
    "512B",
    ".5G",
    "1e3",
    "4G4",
    -1,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    "9".repeat(400),
  ];
  for (const input of invalid) {
    try {
      parseMemory(input, "memory");
      assert.fail(`parseMemory(${JSON.stringify(input)}) did not throw`);
    } catch (error) {
      assert.ok(error instanceof InvalidValueError, String(error));
      assert.equal(error.field, "memory");
      assert.equal(error.value, input);
      assert.match(error.accepted, /K, M, G or T/);
    }
  }
});

Deno.test("parseMemory() rejects values of other types and names 'mem' by default", () => {
  for (const input of [null, undefined, true, {}, ["4G"]]) {
    assert.throws(() => parseMemory(input as unknown as string), InvalidValueError);
  }
  assert.throws(() => parseMemory("4Q"), { message: /^Invalid value for "mem": "4Q"; expected / });
});
