// Job ids are validated wherever they enter: the constructor, a hand-edited cache file, cancel,
// the backends' command builders and the submit command's answer. On each of the five simulated
// schedulers, with a victim job of the same user queued, crafted ids that a kill command would
// read as "all my jobs" (`0`, `all`, `-u`, `*`, ...) are refused with InvalidJobIdError before
// any command runs, and the victim lives on.

import assert from "node:assert/strict";
import {
  AsyncResult,
  type Backend,
  builtinBackends,
  CacheFormatError,
  InvalidJobIdError,
  InvalidValueError,
  isValidJobId,
  JobScript,
  SAFE_JOB_ID,
  Status,
} from "../../mod.ts";
import { SimCluster } from "../../sim/mod.ts";
import { withRun } from "../_wrapped_transport.ts";
import { readCacheFile } from "../../src/run/cache.ts";

const SCHEDULERS = ["slurm", "pbs", "pbspro", "lsf", "sge"] as const;

/** Ids no scheduler may ever see as a command argument. */
const CRAFTED = [
  "0",
  "00",
  "all",
  "ALL",
  "-u",
  "--user=user",
  "-1",
  "*",
  "1*",
  "1;touch x",
  "1 2",
  "",
  "1\n2",
  " 1",
  "  1",
  "1 ",
  "\t1",
  "+1",
  "0x1",
  "1,2",
  "$(id)",
  "`id`",
  "1|id",
  "1&",
  "~",
  "'1'",
  '"1"',
];

const model = () => ({ runtimeSeconds: 3600, exitCode: 0 });

function isRefusal(scheduler: string, crafted: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof InvalidJobIdError, `${JSON.stringify(crafted)}: ${error}`);
    assert.ok(error instanceof InvalidValueError);
    assert.equal(error.scheduler, scheduler);
    assert.equal(error.field, "jobId");
    assert.equal(error.value, crafted);
    // The message names the scheduler, the id JSON-quoted, and the accepted form.
    assert.ok(error.message.includes(JSON.stringify(crafted)), error.message);
    assert.ok(error.message.includes(`"${scheduler}"`), error.message);
    assert.match(error.message, /expected a job id of scheduler "[a-z]+": \S/);
    return true;
  };
}

for (const scheduler of SCHEDULERS) {
  Deno.test(`${scheduler}: crafted job ids are refused everywhere; no command runs, the victim lives`, async () => {
    await using cluster = new SimCluster({ scheduler, model });
    const transport = cluster.transport();
    const backend = builtinBackends.get(scheduler);
    const victim = await new JobScript({ name: "victim", body: "sleep 3600", backend })
      .submit({ transport, cacheFolder: "" });
    await cluster.advance(60_000);
    assert.ok((await victim.refresh()) < Status.COMPLETED);
    const folder = await Deno.makeTempDir();
    const commandsBefore = cluster.commandLog.length;
    try {
      for (const crafted of CRAFTED) {
        assert.ok(!isValidJobId(backend, crafted), JSON.stringify(crafted));
        // 1. The constructor.
        assert.throws(
          () => new AsyncResult({ jobId: crafted, backend, transport }),
          isRefusal(scheduler, crafted),
        );
        // 2. A hand-edited cache file: a CacheFormatError naming the file and the field, with the
        //    InvalidJobIdError as its cause.
        const path = `${folder}/clusterjob.edited.json`;
        await Deno.writeTextFile(path, JSON.stringify({ ...victim.toRecord(), jobId: crafted }));
        await assert.rejects(AsyncResult.load(path, { transport }), (error: unknown) => {
          assert.ok(error instanceof CacheFormatError, String(error));
          assert.equal(error.path, path);
          assert.equal(error.field, "jobId");
          assert.ok(error.message.includes(path) && error.message.includes('"jobId"'));
          assert.ok(error.cause instanceof InvalidJobIdError, String(error.cause));
          return true;
        });
        // 3. Cancel: the backend's command builder, and a run whose id was changed behind its back.
        assert.throws(() => backend.cancelCommand([crafted]), isRefusal(scheduler, crafted));
        assert.throws(() => backend.cancelCommand([victim.jobId, crafted]), InvalidJobIdError);
        assert.throws(() => backend.statusCommands([crafted]), InvalidJobIdError);
        assert.throws(() => backend.accountingCommands([crafted]), InvalidJobIdError);
        const tampered = new AsyncResult({ jobId: victim.jobId, backend, transport });
        Object.defineProperty(tampered, "jobId", { value: crafted });
        await assert.rejects(tampered.cancel(), isRefusal(scheduler, crafted));
      }
      // Not one command ran with (or without) any crafted id.
      assert.equal(cluster.commandLog.length, commandsBefore);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
    // The victim is still queued or running, for the scheduler and for clusterjob.
    assert.ok(cluster.jobs().every((job) => job.state === "PENDING" || job.state === "RUNNING"));
    assert.ok((await victim.refresh()) < Status.COMPLETED, `victim ${victim.state}`);
  });
}

/** A submit answer with the id `0` (or one that is not an id at all), per scheduler. */
const BAD_SUBMIT_ANSWERS: Record<(typeof SCHEDULERS)[number], string> = {
  slurm: "0\n",
  pbs: "0\n",
  pbspro: "0\n",
  lsf: "Job <0> is submitted to default queue <normal>.\n",
  sge: "0\n",
};

for (const scheduler of SCHEDULERS) {
  Deno.test(`${scheduler}: a submit answer with job id 0 is refused; the job is found by its token`, async () => {
    await using cluster = new SimCluster({ scheduler, model });
    const inner = cluster.transport();
    const backend = builtinBackends.get(scheduler);
    const submitTool = backend.submitCommand("x")!.argv[0];
    const transport = withRun(inner, async (argv, options) => {
      const output = await inner.run(argv, options);
      return argv[0] === submitTool
        ? { ...output, stdout: BAD_SUBMIT_ANSWERS[scheduler], stderr: "" }
        : output;
    });
    // The backend itself refuses the answer.
    assert.throws(
      () =>
        backend.parseJobId({ code: 0, stdout: BAD_SUBMIT_ANSWERS[scheduler], stderr: "" }, [
          submitTool!,
        ]),
      (error) => error instanceof InvalidJobIdError && error.source?.includes(submitTool!) === true,
    );
    const cacheFolder = await Deno.makeTempDir();
    try {
      const job = new JobScript({ name: "zero", body: "true", backend, cacheFolder });
      // The answer is unusable but the job may exist: the library finds it by its token (the
      // job list's id, never the answer's 0) and adopts it, as if the submit had answered.
      const run = await job.submit({ transport, cacheId: "zero" });
      assert.equal(cluster.jobs().length, 1);
      assert.equal(run.jobId.split(".")[0], String(cluster.jobs()[0]!.id));
      assert.notEqual(run.jobId, "0");
      const record = await readCacheFile(`${cacheFolder}/clusterjob.zero.json`);
      assert.ok(record?.phase === "submitted" && record.jobId === run.jobId);
      // Nothing ran with the id 0.
      const cancels = new Set(["scancel", "qdel", "bkill"]);
      assert.ok(!cluster.commandLog.some((entry) => cancels.has(entry.argv[0]!)));
    } finally {
      await Deno.remove(cacheFolder, { recursive: true });
    }
  });
}

Deno.test("a backend without a grammar gets SAFE_JOB_ID; a custom grammar cannot let 0 or -u through", () => {
  const slurm = builtinBackends.get("slurm");
  const loose: Backend = { ...slurm, name: "loose", jobIdGrammar: undefined as never };
  delete (loose as { jobIdGrammar?: unknown }).jobIdGrammar;
  assert.ok(isValidJobId(loose, "job-42") && isValidJobId(loose, "7.server"));
  const anything: Backend = {
    ...slurm,
    name: "anything",
    jobIdGrammar: { pattern: /^.*$/s, description: "anything" },
  };
  for (const crafted of CRAFTED.filter((id) => id !== "0x1")) {
    assert.ok(!isValidJobId(loose, crafted), JSON.stringify(crafted));
    assert.ok(!isValidJobId(anything, crafted), JSON.stringify(crafted));
    assert.ok(!SAFE_JOB_ID.test(crafted), JSON.stringify(crafted));
  }
});
