// Each built-in backend carries a table of what its scheduler accepts; these tests hold the
// tables' pass-through rule to what the backend really renders.

import assert from "node:assert/strict";
import type { Backend } from "../../../src/core/backend.ts";
import { isKnownPassThrough, type KnownOptions } from "../../../src/core/known_options.ts";
import type { ExtraValue } from "../../../src/core/resources.ts";
import { builtinBackends } from "../../../backends/registry.ts";
import { createSgeBackend } from "../../../backends/sge.ts";

const backends = builtinBackends.list();

function tableOf(backend: Backend): KnownOptions {
  assert.ok(backend.knownOptions, `${backend.name} has a table`);
  return backend.knownOptions;
}

/** The header lines a single pass-through entry adds. */
function added(backend: Backend, key: string, value: ExtraValue): string[] {
  const base = new Set(backend.renderHeaders({ name: "a", extra: [] }));
  return backend.renderHeaders({ name: "a", extra: [[key, value]] }).filter((line) =>
    !base.has(line)
  );
}

/** What the rendered line says the key became. */
function renderedAs(backend: Backend, key: string, value: ExtraValue): string | undefined {
  const [line, ...more] = added(backend, key, value);
  assert.equal(more.length, 0, `${key} renders one line`);
  if (line === undefined) return undefined;
  const words = line.slice(backend.prefix.length + 1);
  const resource = /^-l ([^=]+)=/.exec(words);
  if (resource) return `resource ${resource[1]}`;
  return `option ${/^(-[^\s=]*)/.exec(words)?.[1]}`;
}

Deno.test("every built-in backend has a table with a reference, options and resources", () => {
  assert.deepEqual(backends.map((backend) => backend.name).sort(), [
    "lsf",
    "pbs",
    "pbspro",
    "sge",
    "slurm",
  ]);
  for (const backend of backends) {
    const table = tableOf(backend);
    assert.match(table.reference, /\(\d?[A-Z1-8]*\).*\d/, backend.name);
    assert.ok(table.options.length > 20, backend.name);
    assert.equal(new Set(table.options).size, table.options.length, `${backend.name}: no twice`);
    assert.equal(new Set(table.resources).size, table.resources.length);
    for (const option of table.options) assert.match(option, /^--?[\w@-]+$/, option);
  }
  assert.equal(createSgeBackend({ parallelEnvironment: "omp" }).knownOptions, tableOf(sgeOf()));
});

function sgeOf(): Backend {
  return builtinBackends.get("sge");
}

Deno.test("a table's passThrough() says what the backend really renders", () => {
  const samples: Array<[string, ExtraValue]> = [
    ["exclusive", true],
    ["x", "node1"],
    ["mem-per-cpu", "2G"],
    ["-A", "proj"],
    ["--qos", "high"],
    ["pmem", "2gb"],
    ["V", true],
    ["-W", "depend=afterok:1"],
    ["W=", "x"],
    ["outdir", "out"],
    ["h_vmem", "2G"],
  ];
  for (const backend of backends) {
    const table = tableOf(backend);
    for (const [key, value] of samples) {
      const target = table.passThrough(key, value);
      const expected = "option" in target
        ? `option ${target.option}`
        : `resource ${target.resource}`;
      assert.equal(renderedAs(backend, key, value), expected, `${backend.name} ${key}`);
    }
  }
});

Deno.test("every listed option and resource renders as itself", () => {
  for (const backend of backends) {
    const table = tableOf(backend);
    for (const option of table.options) {
      if (backend.name === "sge" && option === "-cwd") continue; // always rendered by the backend
      assert.equal(renderedAs(backend, option, "x"), `option ${option}`, backend.name);
      assert.ok(isKnownPassThrough(table, option, "x"));
    }
    for (const resource of table.resources) {
      assert.equal(renderedAs(backend, resource, "1"), `resource ${resource}`, backend.name);
      assert.ok(isKnownPassThrough(table, resource, "1"));
    }
  }
});

Deno.test("isKnownPassThrough() follows each scheduler's spelling of a key", () => {
  const slurm = tableOf(builtinBackends.get("slurm"));
  assert.ok(isKnownPassThrough(slurm, "exclusive", true));
  assert.ok(isKnownPassThrough(slurm, "N", 2)); // -N
  assert.ok(!isKnownPassThrough(slurm, "n-tasks", 2));
  const pbs = tableOf(builtinBackends.get("pbs"));
  assert.ok(isKnownPassThrough(pbs, "V", true)); // a flag: -V
  assert.ok(!isKnownPassThrough(pbs, "V", "x")); // a resource: -l V=x
  assert.ok(isKnownPassThrough(pbs, "walltime", "1:00:00"));
  assert.ok(!isKnownPassThrough(tableOf(builtinBackends.get("pbspro")), "procs", 4));
  assert.ok(isKnownPassThrough(tableOf(builtinBackends.get("pbspro")), "ngpus", 1));
  assert.ok(isKnownPassThrough(tableOf(builtinBackends.get("lsf")), "gpu", "num=1"));
  const sge = tableOf(sgeOf());
  assert.ok(isKnownPassThrough(sge, "h_vmem", "2G"));
  // SGE's shortcut "thread" (for m_thread) reads like a misspelt "threads": not listed.
  assert.ok(!isKnownPassThrough(sge, "thread", 4));
});
