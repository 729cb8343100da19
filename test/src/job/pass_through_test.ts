// Pass-through resources: misspelt portable keys are errors, keys the backend's scheduler does
// not list are warnings (errors with strict: true), gpus: 0 renders nothing.

import assert from "node:assert/strict";
import type { Backend } from "../../../src/core/backend.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import type { ResourcesInput } from "../../../src/core/resources.ts";
import { BackendError, builtinBackends } from "../../../backends/registry.ts";
import { slurm } from "../../../backends/slurm.ts";
import { JobScript, type JobScriptOptions } from "../../../src/job/job_script.ts";
import type { JobWarning } from "../../../src/job/job_warning.ts";
import { MisspelledKeyError, UnknownKeyError } from "../../../src/job/key_errors.ts";

const BACKENDS = ["slurm", "pbs", "pbspro", "lsf", "sge"];

function job(resources: ResourcesInput, more: Partial<JobScriptOptions> = {}) {
  const warnings: JobWarning[] = [];
  const script = new JobScript({
    name: "a",
    body: "true",
    resources,
    onWarning: (warning) => warnings.push(warning),
    ...more,
  });
  return { script, warnings };
}

function misspelt(resources: ResourcesInput, backend = "slurm"): MisspelledKeyError {
  try {
    job(resources, { backend });
  } catch (error) {
    assert.ok(error instanceof MisspelledKeyError, String(error));
    assert.ok(error instanceof InvalidValueError);
    assert.equal(error.field, "resources");
    return error;
  }
  assert.fail(`${JSON.stringify(resources)} on ${backend} did not throw`);
}

Deno.test("a pass-through key near a portable key is an error that says did you mean", () => {
  const cases: Array<[ResourcesInput, string[]]> = [
    [{ ppm: 4 }, ["ppn"]],
    [{ quene: "debug" }, ["queue"]],
    [{ memory: "4G" }, ["mem"]],
    [{ thread: 2 }, ["threads"]],
    [{ node: 2 }, ["nodes"]],
    [{ tiem: "1:00:00" }, ["time"]],
    [{ gpu: 1 }, ["gpus"]],
    [{ acount: "p" }, ["account"]],
    [{ stdot: "o" }, ["stdout"]],
    [{ Queue: "q" }, ["queue"]], // case is ignored
    [{ "--Mem": "4G" }, ["mem"]], // and so are dashes
    [{ walltime: "1:00:00" }, ["time"]], // another scheduler's name
    [{ cpus: 4 }, ["ppn", "threads"]],
    [{ cores: 4 }, ["ppn", "threads"]],
  ];
  // Keys a scheduler really has are not misspellings there.
  const own: Record<string, string[]> = {
    pbs: ["walltime"],
    pbspro: ["walltime"],
    lsf: ["gpu"], // bsub -gpu
    sge: ["gpu"], // the usual GPU complex
  };
  for (const backend of BACKENDS) {
    for (const [resources, suggestions] of cases) {
      const key = Object.keys(resources)[0]!;
      if (own[backend]?.includes(key)) {
        assert.deepEqual(job(resources, { backend }).warnings, [], `${key} on ${backend}`);
        continue;
      }
      const error = misspelt(resources, backend);
      assert.equal(error.value, key);
      assert.deepEqual(error.suggestions, suggestions, `${key} on ${backend}`);
      assert.ok(
        error.message.startsWith(
          `Invalid value for "resources": ${JSON.stringify(key)}; did you mean ${
            suggestions.map((word) => JSON.stringify(word)).join(" or ")
          }? A pass-through key that looks like a portable key `,
        ),
        error.message,
      );
    }
  }
});

Deno.test("the did-you-mean message says what to do", () => {
  assert.equal(
    misspelt({ ppm: 4 }).message,
    'Invalid value for "resources": "ppm"; did you mean "ppn"? A pass-through key that looks like a ' +
      "portable key (queue, time, nodes, ppn, threads, mem, stdout, stderr, account, gpus) is taken " +
      'for a mistake rather than passed to the scheduler: rename it to "ppn", or, if the scheduler ' +
      `really has "ppm", add it to the backend's knownOptions`,
  );
});

Deno.test("keys the backend's scheduler lists, and keys unlike portable ones, pass through", () => {
  // pmem, vmem and walltime are Torque's own; ngpus is PBS Pro's; --nodes is sbatch's.
  assert.ok(
    job({ pmem: "2gb", walltime: "1:00:00" }, { backend: "pbs" }).script.render()
      .includes("#PBS -l pmem=2gb"),
  );
  assert.ok(job({ ngpus: 1 }, { backend: "pbspro" }).script.render().includes("#PBS -l ngpus=1"));
  assert.ok(job({ "--nodes": 2 }).script.render().includes("#SBATCH --nodes=2"));
  // The same keys elsewhere are misspellings.
  misspelt({ pmem: "2gb" }, "slurm");
  misspelt({ ngpus: 1 }, "pbs");
  // Far from every portable key: passes through (with a warning when unlisted).
  const { script, warnings } = job({ exclusive: true, dependency: "afterok:1" });
  assert.ok(script.render().includes("#SBATCH --exclusive\n#SBATCH --dependency=afterok:1\n"));
  assert.deepEqual(warnings, []);
});

Deno.test("a backend without a table checks misspellings but gives no warnings", () => {
  const { knownOptions: _, ...rest } = slurm;
  const bare: Backend = { ...rest, name: "bare" };
  const { script, warnings } = job({ whatever: 1 }, { backend: bare });
  assert.ok(script.render().includes("#SBATCH --whatever=1"));
  assert.deepEqual(warnings, []);
  assert.throws(() => job({ ppm: 1 }, { backend: bare }), MisspelledKeyError);
});

Deno.test("an unlisted pass-through key is a warning naming the line it renders", () => {
  const cases: Array<[string, ResourcesInput, string, string[]]> = [
    [
      "slurm",
      { mem_per_cpu: "2G" },
      '"#SBATCH --mem_per_cpu=2G", but "--mem_per_cpu" is not an option',
      [
        "--mem-per-cpu",
        "--mem-per-gpu",
      ],
    ],
    ["pbs", { exclusive: true }, '"#PBS -exclusive", but "-exclusive" is not an option', []],
    ["pbs", { pmme: "2gb" }, '"#PBS -l pmme=2gb", but "pmme" is not a resource', ["pmem", "pvmem"]],
    ["pbspro", { selcet: "2" }, '"#PBS -l selcet=2", but "selcet" is not a resource', ["select"]],
    ["lsf", { outdri: "out" }, '"#BSUB -outdri out", but "-outdri" is not an option', [
      "-outdir",
    ]],
    ["sge", { h_vmme: "2G" }, '"#$ -l h_vmme=2G", but "h_vmme" is not a resource', [
      "h_vmem",
      "s_vmem",
    ]],
  ];
  for (const [backend, resources, rendered, suggestions] of cases) {
    const key = Object.keys(resources)[0]!;
    const { script, warnings } = job(resources, { backend });
    assert.equal(warnings.length, 1, backend);
    const [warning] = warnings;
    assert.deepEqual(script.warnings, warnings);
    assert.equal(warning?.code, "unknown-key");
    assert.equal(warning?.field, "resources");
    assert.equal(warning?.key, key);
    assert.equal(warning?.backend, backend);
    assert.deepEqual(warning?.suggestions, suggestions, backend);
    const table = builtinBackends.get(backend).knownOptions!;
    assert.ok(
      warning?.message.startsWith(
        `Resource ${
          JSON.stringify(key)
        } renders ${rendered} ${backend}'s scheduler lists (${table.reference}), so it may refuse the job; check the spelling`,
      ),
      warning?.message,
    );
    assert.ok(warning?.message.endsWith("to the backend's knownOptions"));
  }
});

Deno.test("keys set to false or null render nothing and get no warning", () => {
  const { script, warnings } = job({ nosuch: false, other: null }, { backend: "lsf" });
  assert.deepEqual(warnings, []);
  assert.ok(!script.render().includes("nosuch"));
});

Deno.test("strict: true turns a warning into an UnknownKeyError", () => {
  assert.throws(
    () => job({ exclusive: true }, { backend: "pbs", strict: true }),
    (error) =>
      error instanceof UnknownKeyError && error instanceof InvalidValueError &&
      error.field === "resources" && error.value === "exclusive" &&
      error.warning.key === "exclusive" &&
      error.accepted ===
        "an option or resource listed in qsub(1B) and pbs_resources(7B), Torque 6.1" &&
      error.message.startsWith(
        'Invalid value for "resources": "exclusive"; it renders "#PBS -exclusive", but ',
      ) &&
      error.message.endsWith("(an error, not a warning, because the job is strict)"),
  );
  // Settings may make every job strict.
  assert.throws(
    () => job({ exclusive: true }, { backend: "pbs", defaults: { attributes: { strict: true } } }),
    UnknownKeyError,
  );
  assert.equal(job({ exclusive: true }, { strict: true }).script.strict, true);
  assert.throws(() => job({}, { strict: "yes" as unknown as boolean }), InvalidValueError);
  assert.throws(
    () => job({}, { onWarning: "print" as unknown as () => void }),
    (error) => error instanceof InvalidValueError && error.field === "onWarning",
  );
});

Deno.test("with() gives each warning once per handler, and again to a new one", () => {
  const { script, warnings } = job({ myflag: true });
  assert.equal(warnings.length, 1);
  const copy = script.with({ name: "b" });
  assert.equal(warnings.length, 1, "not repeated");
  assert.deepEqual(copy.warnings.map((w) => w.key), ["myflag"]);
  const other = script.with({ resources: { another: 1 } });
  assert.deepEqual(warnings.map((w) => w.key), ["myflag", "another"]);
  assert.equal(other.warnings.length, 2);
  const mine: JobWarning[] = [];
  script.with({ onWarning: (warning) => mine.push(warning) });
  assert.deepEqual(mine.map((w) => w.key), ["myflag"]);
  assert.throws(() => script.with({ strict: true }), UnknownKeyError);
});

Deno.test("by default a warning is printed with console.warn", () => {
  const printed: unknown[][] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => printed.push(args);
  try {
    new JobScript({ name: "a", body: "true", resources: { myflag: true } });
  } finally {
    console.warn = original;
  }
  assert.equal(printed.length, 1);
  assert.match(
    String(printed[0]?.[0]),
    /^clusterjob: Resource "myflag" renders "#SBATCH --myflag"/,
  );
});

Deno.test("a malformed table is a BackendError", () => {
  const broken = {
    ...slurm,
    name: "broken",
    knownOptions: { reference: "x" },
  } as unknown as Backend;
  assert.throws(() => job({ x: 1 }, { backend: broken }), BackendError);
});

Deno.test("gpus: 0 renders no GPU request on any backend", () => {
  for (const backend of BACKENDS) {
    const none = job({ gpus: 0, nodes: 1 }, { backend }).script.render();
    const two = job({ gpus: 2, nodes: 1 }, { backend }).script.render();
    assert.ok(!/gpu/i.test(none), `${backend}: ${none}`);
    assert.ok(/gpu/i.test(two), `${backend}: ${two}`);
    // The placeholder still says what the user wrote.
    assert.ok(
      job({ gpus: 0 }, { backend, body: "echo {gpus}" }).script.render().endsWith("echo 0\n"),
    );
  }
});
