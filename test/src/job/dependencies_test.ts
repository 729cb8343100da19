// The `after` option of a JobScript and of submit(): checked before anything is rendered,
// rendered in the script's directives, kept by with(), recorded in the cache.

import assert from "node:assert/strict";
import {
  AsyncResult,
  DependencyError,
  InvalidJobIdError,
  InvalidValueError,
  JobScript,
  LocalTransport,
  readCacheFile,
  slurm,
  Status,
} from "../../../mod.ts";
import { SimCluster } from "../../../sim/mod.ts";

const transport = new LocalTransport();
const run = (jobId: string, extra: Partial<ConstructorParameters<typeof AsyncResult>[0]> = {}) =>
  new AsyncResult({ jobId, backend: slurm, transport, ...extra });

Deno.test("after takes runs, ids of other programs' jobs and { run, when }", () => {
  const prepare = run("12", { jobName: "prepare" });
  const job = new JobScript({
    name: "collect",
    body: "true",
    after: [prepare, "13", { run: "14", when: "notok" }, { run: prepare, when: "start" }],
  });
  assert.deepEqual(job.after.map(({ jobId, when }) => `${when}:${jobId}`), [
    "ok:12",
    "ok:13",
    "notok:14",
    "start:12",
  ]);
  assert.equal(job.after[0]?.run, prepare);
  assert.equal(job.after[0]?.jobName, "prepare");
  const lines = job.render().split("\n");
  assert.deepEqual(lines.slice(2, 4), [
    "#SBATCH --dependency=afterok:12:13,afternotok:14,after:12",
    "#SBATCH --kill-on-invalid-dep=yes",
  ]);
});

Deno.test("bad entries are typed errors naming the field, the value and what is accepted", () => {
  const make = (after: unknown, backend = "slurm") =>
    new JobScript({ name: "b", body: "true", backend, after } as never);
  assert.throws(
    () => make([{ run: "12", when: "success" }]),
    (error) =>
      error instanceof InvalidValueError && error.field === "after[0].when" &&
      error.value === "success" && /ok, notok, any, start/.test(error.accepted),
  );
  assert.throws(() => make("12"), (e) => e instanceof InvalidValueError && e.field === "after");
  assert.throws(() => make([42]), (e) => e instanceof InvalidValueError && e.field === "after[0]");
  assert.throws(
    () => make([{ run: "12", whem: "ok" }]),
    (e) => e instanceof InvalidValueError && e.field === "after[0]",
  );
  assert.throws(() => make(["12;rm -rf ~"]), InvalidJobIdError);
  assert.throws(() => make(["12[].srv"]), InvalidJobIdError); // not a SLURM id
  assert.throws(
    () => make([run("12")], "pbs"),
    (e) => e instanceof DependencyError && /a run of scheduler "pbs".*"slurm"/.test(e.message),
  );
  assert.throws(
    () => new JobScript({ name: "b", body: "true", remote: "hpc", after: [run("12")] }),
    (e) => e instanceof DependencyError && /cluster, "hpc".*this machine/.test(e.message),
  );
  assert.throws(() => make([{ run: "12", when: "start" }], "sge"), DependencyError);
});

Deno.test("PBS Pro: the depend directive comes before the line that ends the directives", () => {
  const job = new JobScript({ name: "b", body: "true", backend: "pbspro", after: ["12.srv"] });
  const lines = job.render().split("\n");
  const depend = lines.indexOf("#PBS -W depend=afterok:12.srv");
  const cd = lines.findIndex((line) => line.startsWith("cd "));
  assert.ok(depend > 0 && depend < cd, job.render());
});

Deno.test("with() keeps after unless given a new list, which replaces it", () => {
  const job = new JobScript({ name: "b", body: "true", after: ["12"] });
  assert.deepEqual(job.with({ name: "c" }).after.map((d) => d.jobId), ["12"]);
  assert.deepEqual(job.with({ after: ["13"] }).after.map((d) => d.jobId), ["13"]);
  assert.deepEqual(job.with({ after: [] }).after, []);
});

Deno.test("submit({ after }) adds to the job's own; the run and its cache record keep the chain", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", clock: "virtual" });
  const simulated = cluster.transport();
  const cacheFolder = await Deno.makeTempDir();
  try {
    const first = await new JobScript({ name: "a", body: "true", cacheFolder })
      .submit({ transport: simulated });
    const second = await new JobScript({ name: "b", body: "true", cacheFolder, after: [first] })
      .submit({ transport: simulated, after: [{ run: "999", when: "any" }] });
    assert.deepEqual(second.after.map(({ jobId, when }) => `${when}:${jobId}`), [
      "ok:1",
      "any:999",
    ]);
    const sbatch = cluster.commandLog.filter((entry) => entry.argv[0] === "sbatch");
    assert.equal(sbatch.length, 2);
    const record = await readCacheFile(second.cacheFile!);
    assert.deepEqual(record?.phase === "submitted" && record.after, [
      { jobId: "1", when: "ok", jobName: "a" },
      { jobId: "999", when: "any" },
    ]);
    const loaded = await AsyncResult.load(second.cacheFile!, { transport: simulated });
    assert.deepEqual(loaded.after, [
      { jobId: "1", when: "ok", jobName: "a" },
      { jobId: "999", when: "any" },
    ]);
    assert.equal(await loaded.wait(), Status.COMPLETED);
    assert.throws(
      () =>
        new AsyncResult({
          jobId: "3",
          backend: slurm,
          transport,
          after: [{ jobId: "x y", when: "ok" }],
        }),
      (e) => e instanceof InvalidValueError && e.field === "after",
    );
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
});
