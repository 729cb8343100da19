// The `array` option: its forms, its typed errors, and how each backend renders it.
import assert from "node:assert/strict";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { JobScript } from "../../../src/job/job_script.ts";

const job = (backend: string, array: unknown, extra: Record<string, unknown> = {}) =>
  new JobScript({
    name: "sweep",
    body: "echo $CLUSTERJOB_ARRAY_INDEX",
    backend,
    array: array as never,
    ...extra,
  });

const lines = (backend: string, array: unknown, extra: Record<string, unknown> = {}) =>
  job(backend, array, extra).render().split("\n");

Deno.test("array: every form reads into sorted distinct indices and a limit", () => {
  const cases: [unknown, number[], number | undefined][] = [
    ["1-5", [1, 2, 3, 4, 5], undefined],
    ["0-8:2", [0, 2, 4, 6, 8], undefined],
    ["1-4%2", [1, 2, 3, 4], 2],
    ["7,1,3,3", [1, 3, 7], undefined],
    ["1-3,10-20:5%1", [1, 2, 3, 10, 15, 20], 1],
    [{ start: 2, end: 6, step: 2, maxParallel: 3 }, [2, 4, 6], 3],
    [[5, 2, 9], [2, 5, 9], undefined],
    [7, [7], undefined],
    [{ indices: [4, 1], maxParallel: 1 }, [1, 4], 1],
  ];
  for (const [array, indices, limit] of cases) {
    const spec = job("slurm", array).array;
    assert.deepEqual(spec?.indices, indices, JSON.stringify(array));
    assert.equal(spec?.maxParallel, limit, JSON.stringify(array));
  }
  assert.equal(job("slurm", undefined).array, undefined);
});

Deno.test("array: bad forms are InvalidValueErrors naming the field, the value and the forms", () => {
  for (
    const bad of [
      "",
      "5-1",
      "1-10:0",
      "1-10%0",
      "a-b",
      "1-3%2%3",
      "-1",
      [1.5],
      [-2],
      { start: 1 },
      { start: 1, end: 3, stride: 2 },
      { start: 1, end: 3, maxParallel: 0 },
      "1-2000000",
      true,
      -1,
      2.5,
    ]
  ) {
    assert.throws(
      () => job("slurm", bad),
      (error) =>
        error instanceof InvalidValueError && error.field === "array" &&
        error.value === bad && /"1-100"/.test(error.accepted),
      JSON.stringify(bad),
    );
  }
});

Deno.test("array: each scheduler's request, exact where it can say it", () => {
  assert.ok(lines("slurm", "1-10%3").includes("#SBATCH --array=1-10%3"));
  assert.ok(lines("slurm", "0-98:2").includes("#SBATCH --array=0-98:2"));
  assert.ok(lines("slurm", [1, 3, 7]).includes("#SBATCH --array=1,3,7"));
  assert.ok(lines("pbs", "1-10%3").includes("#PBS -t 1-10%3"));
  assert.ok(lines("pbs", "0-6:2").includes("#PBS -t 0,2,4,6"), "Torque has no step: a list");
  assert.ok(lines("pbspro", "1-10:3%2").includes("#PBS -J 1-10:3%2"));
  assert.ok(lines("lsf", "1-10%3").includes('#BSUB -J "sweep[1-10]%3"'));
  assert.ok(lines("lsf", "2-8:3,20").includes('#BSUB -J "sweep[2-8:3,20]"'));
  const sge = lines("sge", "1-9:2%4");
  assert.ok(sge.includes("#$ -t 1-9:2") && sge.includes("#$ -tc 4"), sge.join("\n"));
});

Deno.test("array: a list PBS Pro or SGE cannot say is one covering range whose extra tasks end at once", () => {
  for (const backend of ["pbspro", "sge"]) {
    const script = lines(backend, "1,3,7");
    const request = backend === "sge" ? "#$ -t 1-7:2" : "#PBS -J 1-7:2";
    assert.ok(script.includes(request), script.join("\n"));
    assert.ok(script.includes('case "$CLUSTERJOB_ARRAY_INDEX" in 5) exit 0 ;; esac'));
    // The guard comes before the body.
    assert.ok(
      script.indexOf("echo $" + (backend === "sge" ? "SGE_TASK_ID" : "PBS_ARRAY_INDEX")) >
        script.findIndex((line) => line.startsWith("case ")),
    );
  }
  // PBS Pro needs two indices: one task is asked as two, the second skipped.
  const one = lines("pbspro", "4");
  assert.ok(
    one.includes("#PBS -J 4-5") &&
      one.includes('case "$CLUSTERJOB_ARRAY_INDEX" in 5) exit 0 ;; esac'),
  );
  // A body no shell runs cannot skip them: refused, not changed.
  assert.throws(
    () =>
      new JobScript({
        name: "py",
        body: "#!/usr/bin/python3\nprint(1)",
        backend: "sge",
        array: "1,3,7",
      }),
    (error) =>
      error instanceof InvalidValueError && error.field === "array" &&
      /POSIX shell/.test(error.message),
  );
});

Deno.test("array: SGE and LSF count tasks from 1; index 0 is refused naming the scheduler", () => {
  for (const backend of ["sge", "lsf"]) {
    assert.throws(
      () => job(backend, "0-3"),
      (error) =>
        error instanceof InvalidValueError && error.field === "array" &&
        error.message.includes(backend),
    );
  }
  assert.ok(lines("pbs", "0-3").includes("#PBS -t 0-3"));
});

Deno.test("array: every body exports CLUSTERJOB_ID and CLUSTERJOB_ARRAY_INDEX (empty outside arrays)", () => {
  const single = new JobScript({ name: "one", body: "true", markers: false }).render();
  assert.match(
    single,
    /\nexport CLUSTERJOB_ID="\$\{SLURM_JOB_ID:-\}" CLUSTERJOB_ARRAY_INDEX=""\ntrue\n$/,
  );
  const expected: Record<string, string> = {
    slurm: "SLURM_ARRAY_TASK_ID",
    pbs: "PBS_ARRAYID",
    pbspro: "PBS_ARRAY_INDEX",
    lsf: "LSB_JOBINDEX",
    sge: "SGE_TASK_ID",
  };
  for (const [backend, variable] of Object.entries(expected)) {
    const script = lines(backend, "1-2");
    assert.ok(
      script.some((line) => line.includes(`CLUSTERJOB_ARRAY_INDEX="\${${variable}:-}"`)),
      backend,
    );
  }
});

Deno.test("array: $CLUSTERJOB_ID and $CLUSTERJOB_ARRAY_INDEX in stdout/stderr become file-name tokens", () => {
  const paths = {
    stdout: "out/$CLUSTERJOB_ID.${CLUSTERJOB_ARRAY_INDEX}.txt",
    stderr: "err.$CLUSTERJOB_ARRAY_INDEX",
  };
  const resources = { resources: paths };
  assert.ok(lines("slurm", "1-2", resources).includes("#SBATCH --output=out/%A.%a.txt"));
  assert.ok(lines("slurm", "1-2", resources).includes("#SBATCH --error=err.%a"));
  assert.ok(lines("lsf", "1-2", resources).includes("#BSUB -o out/%J.%I.txt"));
  assert.ok(lines("sge", "1-2", resources).includes("#$ -o out/$JOB_ID.$TASK_ID.txt"));
  assert.ok(
    lines("pbspro", "1-2", { resources: { stdout: "o.$CLUSTERJOB_ARRAY_INDEX" } }).includes(
      "#PBS -o o.^array_index^",
    ),
  );
  // No token for it: refused, naming the scheduler (Torque appends -<index> itself).
  assert.throws(
    () => job("pbs", "1-2", resources),
    (error) =>
      error instanceof InvalidValueError && error.field === "stdout" &&
      /-<index>/.test(error.message),
  );
  assert.throws(
    () => job("pbspro", "1-2", resources),
    (error) =>
      error instanceof InvalidValueError && error.field === "stdout" &&
      /pbspro/.test(error.message),
  );
  // The index token outside an array would be the scheduler's placeholder value: refused.
  assert.throws(
    () =>
      new JobScript({
        name: "a",
        body: "true",
        resources: { stdout: "o.$CLUSTERJOB_ARRAY_INDEX" },
      }),
    (error) => error instanceof InvalidValueError && error.field === "stdout",
  );
  assert.ok(
    new JobScript({ name: "a", body: "true", resources: { stdout: "o.$CLUSTERJOB_ID" } }).render()
      .includes("#SBATCH --output=o.%A"),
  );
});

Deno.test("array: a pass-through key that makes an array as well is a typed error", () => {
  const conflicts: [string, string][] = [
    ["slurm", "array"],
    ["slurm", "-a"],
    ["pbs", "-t"],
    [
      "pbspro",
      "-J",
    ],
    ["sge", "-tc"],
    ["lsf", "-J"],
  ];
  for (const [backend, key] of conflicts) {
    assert.throws(
      () => job(backend, "1-3", { resources: { [key]: "1-5" } }),
      (error) => error instanceof InvalidValueError && error.field === `resources.${key}`,
      `${backend} ${key}`,
    );
  }
  // Without `array`, the pass-through key is the user's own business.
  assert.ok(
    new JobScript({ name: "a", body: "true", resources: { array: "1-3" }, onWarning: () => {} })
      .render()
      .includes("#SBATCH --array=1-3"),
  );
});

Deno.test("array: with() keeps, changes and drops the array", () => {
  const base = job("slurm", "1-3%2");
  assert.deepEqual(base.with({ name: "b" }).array, base.array);
  assert.deepEqual(base.with({ array: "5,6" }).array?.indices, [5, 6]);
  assert.ok(base.with({ backend: "lsf" }).render().includes('#BSUB -J "sweep[1-3]%2"'));
});

Deno.test("array: the guard names the shorter list, the tasks to end or the tasks to keep", () => {
  // 1,2,1000 on SGE: one range 1-1000 whose 997 extra tasks end at once; the guard keeps three.
  const script = lines("sge", "1,2,1000");
  assert.ok(script.includes("#$ -t 1-1000"), script.join("\n"));
  assert.ok(script.includes('case "$CLUSTERJOB_ARRAY_INDEX" in 1|2|1000) ;; *) exit 0 ;; esac'));
  // Two indices a step apart need no guard at all.
  const pair = lines("sge", "1,1000");
  assert.ok(pair.includes("#$ -t 1-1000:999") && !pair.some((line) => line.startsWith("case ")));
});

Deno.test("array: an LSF array's name may not hold the brackets bsub -J reads its indices from", () => {
  assert.throws(
    () => new JobScript({ name: "a[1]", body: "true", backend: "lsf", array: "1-2" }),
    (error) => error instanceof InvalidValueError && error.field === "name",
  );
  assert.ok(
    new JobScript({ name: "a[1]", body: "true", backend: "lsf" }).render().includes(
      "#BSUB -J a[1]",
    ),
  );
});
