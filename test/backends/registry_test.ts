import assert from "node:assert/strict";
import type { Backend } from "../../src/core/backend.ts";
import {
  BackendError,
  BackendRegistry,
  builtinBackends,
  validateBackend,
} from "../../backends/registry.ts";
import { createSgeBackend, sge } from "../../backends/sge.ts";
import { slurm } from "../../backends/slurm.ts";
import { ClusterjobError, InvalidValueError } from "../../src/core/errors.ts";

Deno.test("registry: the five built-ins, read-only", () => {
  assert.deepEqual(builtinBackends.names(), ["lsf", "pbs", "pbspro", "sge", "slurm"]);
  assert.equal(builtinBackends.get("slurm"), slurm);
  assert.ok(builtinBackends.has("sge") && !builtinBackends.has("lpbs"));
  assert.throws(
    () => builtinBackends.register({ ...slurm, name: "mine" }),
    (error) => error instanceof ClusterjobError && error.message.includes("read-only"),
  );
  assert.equal(builtinBackends.has("mine"), false);
  const extensions = Object.fromEntries(builtinBackends.list().map((b) => [b.name, b.extension]));
  assert.deepEqual(extensions, { lsf: "lsf", pbs: "pbs", pbspro: "pbs", sge: "sge", slurm: "slr" });
  for (const backend of builtinBackends.list()) {
    assert.ok(Object.isFrozen(backend) && Object.isFrozen(backend.envVars), backend.name);
  }
});

Deno.test("registry: extend a copy; replacing a name; independent instances", () => {
  const registry = new BackendRegistry(builtinBackends.list());
  const site = { ...createSgeBackend({ parallelEnvironment: "omp" }), name: "site-sge" };
  assert.equal(registry.register(site), registry);
  assert.equal(registry.get("site-sge"), site);
  assert.ok(site.renderHeaders({ name: "x", threads: 4, extra: [] }).includes("#$ -pe omp 4"));
  const replacement = createSgeBackend({ parallelEnvironment: "smp2" });
  registry.register(replacement);
  assert.equal(registry.get("sge"), replacement);
  assert.equal(builtinBackends.get("sge"), sge);
  assert.deepEqual(new BackendRegistry().names(), []);
});

Deno.test("registry: an unknown name lists the registered ones", () => {
  assert.throws(
    () => builtinBackends.get("torque"),
    (error) =>
      error instanceof InvalidValueError && error.field === "backend" &&
      error.message.includes('"torque"') && error.message.includes("lsf, pbs, pbspro, sge, slurm"),
  );
});

Deno.test("validateBackend: names every missing or malformed member", () => {
  assert.equal(validateBackend(slurm), slurm);
  const broken = {
    ...slurm,
    name: "My Backend",
    extension: ".slr",
    prefix: "SBATCH",
    envVars: { ...slurm.envVars, CLUSTERJOB_NODELIST: undefined },
    parseStatus: "nope",
  };
  try {
    validateBackend(broken);
    assert.fail("expected a BackendError");
  } catch (error) {
    assert.ok(error instanceof BackendError);
    assert.equal(error.problems.length, 5);
    for (const word of ["name", "extension", "prefix", "CLUSTERJOB_NODELIST", "parseStatus"]) {
      assert.ok(error.message.includes(word), word);
    }
  }
  assert.throws(() => validateBackend(null), /expected an object, got null/);
  assert.throws(() => validateBackend("slurm"), BackendError);
  const { cancelCommand: _, ...noCancel } = slurm;
  assert.throws(
    () => new BackendRegistry([noCancel as unknown as Backend]),
    /cancelCommand must be a function/,
  );
});

Deno.test("validateBackend() accepts a positive maxPollInterval and rejects anything else", () => {
  assert.equal(validateBackend({ ...slurm, maxPollInterval: 240 }).maxPollInterval, 240);
  for (const bad of [0, -5, Number.NaN, "240"]) {
    assert.throws(
      () => validateBackend({ ...slurm, maxPollInterval: bad }),
      (error) => error instanceof BackendError && error.message.includes("maxPollInterval"),
    );
  }
});

Deno.test("validateBackend() rejects a submitOutcomeUnknown that is not a function", () => {
  assert.throws(
    () => validateBackend({ ...slurm, submitOutcomeUnknown: true }),
    (error) => error instanceof BackendError && error.message.includes("submitOutcomeUnknown"),
  );
});
