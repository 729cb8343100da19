import assert from "node:assert/strict";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { resolveResources, type ResourcesInput } from "../../../src/core/resources.ts";

function invalid(input: ResourcesInput, field: string, name = "job"): InvalidValueError {
  try {
    resolveResources(name, input);
  } catch (error) {
    assert.ok(error instanceof InvalidValueError, String(error));
    assert.equal(error.field, field);
    return error;
  }
  assert.fail(`resolveResources(${JSON.stringify(input)}) did not throw`);
}

Deno.test("resolveResources() normalises every core key", () => {
  const resources = resolveResources("printenv", {
    queue: "test",
    time: "00:05:00",
    nodes: 2,
    ppn: 16,
    threads: 2,
    mem: "4G",
    stdout: "out.txt",
    stderr: "err.txt",
    account: "proj",
    gpus: 2,
  });
  assert.deepEqual(resources, {
    name: "printenv",
    queue: "test",
    timeSeconds: 300,
    nodes: 2,
    ppn: 16,
    threads: 2,
    memMB: 4096,
    stdout: "out.txt",
    stderr: "err.txt",
    account: "proj",
    gpus: 2,
    extra: [],
  });
});

Deno.test("resolveResources() treats a number of minutes and MB like the original", () => {
  const resources = resolveResources("j", { time: 90, mem: 100 });
  assert.equal(resources.timeSeconds, 5400);
  assert.equal(resources.memMB, 100);
});

Deno.test("resolveResources() passes other keys through in insertion order", () => {
  const resources = resolveResources("j", {
    "-A": "acct",
    exclusive: true,
    contiguous: false,
    F: "nodefile.txt",
    queue: "q",
    dependency: "after:12454",
    "mail-type": null,
    priority: 5,
    skipped: undefined,
  });
  assert.deepEqual(resources.extra, [
    ["-A", "acct"],
    ["exclusive", true],
    ["contiguous", false],
    ["F", "nodefile.txt"],
    ["dependency", "after:12454"],
    ["mail-type", null],
    ["priority", 5],
  ]);
  assert.equal(resources.queue, "q");
});

Deno.test("resolveResources() leaves core keys that are undefined or null unset", () => {
  const input = { queue: null, time: undefined } as unknown as ResourcesInput;
  assert.deepEqual(resolveResources("j", input), { name: "j", extra: [] });
});

Deno.test("resolveResources() rejects bad core values naming the key", () => {
  assert.match(invalid({ time: "1.5" }, "time").message, /"1\.5"/);
  invalid({ time: 0 }, "time");
  invalid({ time: "0:00" }, "time");
  assert.match(invalid({ mem: "4Q" }, "mem").message, /"4Q"/);
  assert.match(
    invalid({ nodes: 0 }, "nodes").message,
    /Invalid value for "nodes": 0; expected a whole number of 1 or more/,
  );
  invalid({ nodes: 1.5 }, "nodes");
  invalid({ ppn: -1 }, "ppn");
  invalid({ threads: "4" as unknown as number }, "threads");
  invalid({ gpus: -1 }, "gpus");
  invalid({ gpus: 0.5 }, "gpus");
  invalid({ queue: "" }, "queue");
  invalid({ queue: 5 as unknown as string }, "queue");
  invalid({ stdout: "a\nb" }, "stdout");
  invalid({ stderr: "a\0b" }, "stderr");
  invalid({ account: "  " }, "account");
  invalid({ time: true as unknown as string }, "time");
  invalid({ mem: [] as unknown as string }, "mem");
  // No GPUs is no request: left unset, so no backend renders one.
  assert.equal(resolveResources("j", { gpus: 0 }).gpus, undefined);
});

Deno.test("resolveResources() rejects header values with a newline, CR or NUL", () => {
  invalid({}, "name", "two\nlines");
  invalid({}, "name", "cr\r");
  invalid({}, "name", "nul\0");
  invalid({}, "name", "");
  invalid({ queue: "q\n#SBATCH --evil" }, "queue");
  invalid({ "-A": "x\ny" }, "-A");
  invalid({ "bad\nkey": "x" }, "resources");
  invalid({ "": "x" }, "resources");
});

Deno.test("resolveResources() rejects unknown value types naming the key", () => {
  const error = invalid({ constraint: { a: 1 } as unknown as string }, "constraint");
  assert.match(error.message, /expected a string without newlines/);
  invalid({ array: [1, 2] as unknown as string }, "array");
  invalid({ f: (() => 1) as unknown as string }, "f");
  invalid({ n: Number.NaN }, "n");
  invalid({ n: Number.POSITIVE_INFINITY }, "n");
});

Deno.test("resolveResources() rejects a non-object input", () => {
  invalid(null as unknown as ResourcesInput, "resources");
  invalid(["x"] as unknown as ResourcesInput, "resources");
});

Deno.test("resolveResources() shows bad numbers as given: NaN, Infinity, -1", () => {
  const cases: Array<[ResourcesInput, string, string]> = [
    [{ nodes: Number.NaN }, "nodes", "NaN"],
    [{ ppn: -1 }, "ppn", "-1"],
    [{ threads: Number.POSITIVE_INFINITY }, "threads", "Infinity"],
    [{ mem: Number.POSITIVE_INFINITY }, "mem", "Infinity"],
    [{ mem: Number.NaN }, "mem", "NaN"],
    [{ time: Number.NaN }, "time", "NaN"],
    [{ gpus: Number.NEGATIVE_INFINITY }, "gpus", "-Infinity"],
    [{ time: "1:99" }, "time", '"1:99"'],
  ];
  for (const [input, field, shown] of cases) {
    const error = invalid(input, field);
    assert.ok(
      error.message.startsWith(`Invalid value for "${field}": ${shown}; expected `),
      error.message,
    );
  }
});

Deno.test("resolveResources() treats gpus: 0 as no request", () => {
  assert.deepEqual(resolveResources("j", { gpus: 0 }), { name: "j", extra: [] });
  assert.equal(resolveResources("j", { gpus: 1 }).gpus, 1);
});

Deno.test("resolveResources() refuses control characters in stdout and stderr", () => {
  for (const bad of ["a\tb", "a\u001b[31m", "a\u007f", "a\rb", " "]) {
    const error = invalid({ stdout: bad }, "stdout");
    assert.match(error.message, /expected a non-empty file path without control characters/);
    invalid({ stderr: bad }, "stderr");
  }
  // Spaces, quotes and $ are characters a path may hold: the backend renders (or refuses) them.
  assert.equal(resolveResources("j", { stdout: "my out $x.txt" }).stdout, "my out $x.txt");
});
