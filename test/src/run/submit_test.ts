// Submission against the scripted fake scheduler: files written on the scheduler host, prologue,
// submit command, refusals, and the cache semantics (cached, retry, force, interrupted submits).

import assert from "node:assert/strict";
import { dirname } from "node:path/posix";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { InterruptedSubmissionError, readCacheFile } from "../../../src/run/cache.ts";
import { LocalScriptError, SubmitError } from "../../../src/core/errors.ts";
import { JobScript, type JobScriptOptions } from "../../../src/job/job_script.ts";
import { Status } from "../../../src/core/status.ts";
import { submitJob } from "../../../src/job/submit_job.ts";
import { TransportError } from "../../../src/core/transport.ts";
import { planSubmission } from "../../../src/job/plan_submission.ts";
import { slurm } from "../../../backends/slurm.ts";
import { SimCluster } from "../../../sim/cluster.ts";
import { fakeBackend, FakeCluster } from "../../_fake_scheduler.ts";

async function withFolder(body: (folder: string) => Promise<void>): Promise<void> {
  const folder = await Deno.makeTempDir();
  try {
    await body(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

function job(options: Partial<JobScriptOptions> = {}): JobScript {
  return new JobScript({
    name: "it's a job",
    body: "echo hello",
    backend: fakeBackend,
    rootdir: "/scratch/my runs",
    workdir: "step 1",
    ...options,
  });
}

Deno.test("submit writes aux scripts and the job script, submits in the working directory and saves the run", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    const script = job({
      auxScripts: { "helper.sh": "echo {name}", "setup.sh": "true" },
      cacheFolder: folder,
    });
    const run = await submitJob(script, { transport: cluster, cacheId: "one" });
    assert.equal(run.status, Status.PENDING);
    assert.equal(run.jobId, "100");
    assert.equal(run.jobName, "it's a job");
    const directory = "/scratch/my runs/step 1";
    assert.ok(cluster.dirs.has(directory));
    assert.equal(
      cluster.files.get(`${directory}/helper.sh`)?.text,
      "#!/bin/bash\necho it's a job\n",
    );
    assert.equal(cluster.files.get(`${directory}/helper.sh`)?.mode, 0o755);
    assert.equal(cluster.files.get(script.scriptPath())?.text, script.render());
    const [submit] = cluster.callsOf("fakesub");
    assert.deepEqual(submit?.argv, ["fakesub", script.filename]);
    assert.equal(submit?.cwd, directory);
    const record = await readCacheFile(`${folder}/clusterjob.one.json`);
    assert.ok(record?.phase === "submitted");
    assert.equal(record.jobId, "100");
    assert.equal(record.maxSleepInterval, 900);
  });
});

Deno.test("a stdin-script backend gets the script on standard input", async () => {
  const cluster = new FakeCluster();
  const stdinBackend = {
    ...fakeBackend,
    submitCommand: () => ({ argv: ["fakesub"], stdinScript: true }),
  };
  const script = job({ backend: stdinBackend });
  await submitJob(script, { transport: cluster });
  assert.equal(cluster.callsOf("fakesub")[0]?.stdin, script.render());
});

Deno.test("the walltime sets the polling cap", async () => {
  const cluster = new FakeCluster();
  const run = await submitJob(job({ resources: { time: "01:00:00" } }), { transport: cluster });
  assert.equal(run.maxSleepInterval, 360);
  const short = await submitJob(job({ resources: { time: "00:00:50" }, name: "b" }), {
    transport: cluster,
  });
  assert.equal(short.maxSleepInterval, 10);
});

Deno.test("a cached run is returned without contacting the scheduler", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    const first = await submitJob(job({ cacheFolder: folder }), { transport: cluster });
    const calls = cluster.calls.length;
    const files = cluster.files.size;
    const again = await submitJob(job({ cacheFolder: folder }), { transport: new FakeCluster() });
    assert.equal(again.jobId, first.jobId);
    assert.equal(cluster.calls.length, calls);
    assert.equal(cluster.files.size, files);
  });
});

Deno.test("a cached FAILED or CANCELLED run is resubmitted when retry; kept when not; force always resubmits", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    cluster.nextPhases = [{ at: 0, where: "accounting", word: "FAILED", exit: 1 }];
    const first = await submitJob(job({ cacheFolder: folder }), { transport: cluster });
    assert.equal(await first.wait(), Status.FAILED);
    const kept = await submitJob(job({ cacheFolder: folder }), {
      transport: cluster,
      retry: false,
    });
    assert.equal(kept.jobId, first.jobId);
    assert.equal(kept.status, Status.FAILED);
    assert.equal(cluster.callsOf("fakesub").length, 1);
    cluster.nextPhases = [{ at: 0, where: "queue", word: "RUNNING" }];
    const retried = await submitJob(job({ cacheFolder: folder }), { transport: cluster });
    assert.notEqual(retried.jobId, first.jobId);
    assert.equal(cluster.callsOf("fakesub").length, 2);
    const cached = await submitJob(job({ cacheFolder: folder }), { transport: cluster });
    assert.equal(cached.jobId, retried.jobId);
    const forced = await submitJob(job({ cacheFolder: folder }), {
      transport: cluster,
      force: true,
    });
    assert.notEqual(forced.jobId, retried.jobId);
    assert.equal(cluster.callsOf("fakesub").length, 3);
  });
});

Deno.test("a refused submission throws the scheduler's message and caches nothing", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    cluster.submitAnswers.push({
      code: 1,
      stdout: "",
      stderr: "fakesub: error: invalid partition specified: nosuch\n",
    });
    await assert.rejects(
      submitJob(job({ cacheFolder: folder }), { transport: cluster }),
      (error: unknown) => {
        assert.ok(error instanceof SubmitError);
        assert.match(error.message, /invalid partition specified: nosuch/);
        return true;
      },
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
    const run = await submitJob(job({ cacheFolder: folder }), { transport: cluster });
    assert.equal(run.status, Status.PENDING);
  });
});

Deno.test("a failing prologue is a LocalScriptError and nothing is submitted", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    const script = job({ prologue: 'echo "cannot rsync {name}" >&2\nexit 9', cacheFolder: folder });
    await assert.rejects(submitJob(script, { transport: cluster }), (error: unknown) => {
      assert.ok(error instanceof LocalScriptError);
      assert.equal(error.code, 9);
      assert.match(error.message, /cannot rsync it's a job/);
      return true;
    });
    assert.equal(cluster.callsOf("fakesub").length, 0);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
  });
});

Deno.test("the prologue runs locally before the submit command, the epilogue is stored rendered", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    const stamp = `${folder}/prologue-ran`;
    const script = job({ prologue: `echo "{name}" > '${stamp}'`, epilogue: "echo {workdir}" });
    const run = await submitJob(script, { transport: cluster });
    assert.equal(await Deno.readTextFile(stamp), "it's a job\n");
    assert.equal(run.epilogue, "#!/bin/bash\necho step 1\n");
  });
});

Deno.test("an interrupted submission leaves a marker: the next submit refuses to guess, force submits", async () => {
  await withFolder(async (folder) => {
    const cluster = new FakeCluster();
    cluster.submitAnswers.push(new TransportError("fake", "ssh: connection lost"));
    await assert.rejects(
      submitJob(job({ cacheFolder: folder }), { transport: cluster }),
      TransportError,
    );
    await assert.rejects(
      submitJob(job({ cacheFolder: folder }), { transport: cluster }),
      (error: unknown) => {
        assert.ok(error instanceof InterruptedSubmissionError);
        assert.match(error.message, /it's a job/);
        return true;
      },
    );
    assert.equal(cluster.callsOf("fakesub").length, 1);
    const [file] = await Array.fromAsync(Deno.readDir(folder));
    await assert.rejects(
      AsyncResult.load(`${folder}/${file!.name}`, { transport: cluster, backend: fakeBackend }),
      InterruptedSubmissionError,
    );
    const run = await submitJob(job({ cacheFolder: folder }), { transport: cluster, force: true });
    assert.equal(run.status, Status.PENDING);
    assert.equal(cluster.callsOf("fakesub").length, 2);
  });
});

Deno.test("the default cache id is stable for the same job and differs for a different script", async () => {
  const a = job();
  const same = job();
  const other = job({ body: "echo bye" });
  const cacheFile = async (job: JobScript) =>
    (await planSubmission(job, { cacheFolder: "cache" })).cacheFile;
  const file = await cacheFile(a);
  assert.equal(file, await cacheFile(same));
  assert.notEqual(file, await cacheFile(other));
  assert.match(file ?? "", /^cache\/clusterjob\.it_s_a_job-[0-9a-f]{16}\.json$/);
});

Deno.test("an aborted submission submits nothing", async () => {
  const cluster = new FakeCluster();
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(submitJob(job(), { transport: cluster, signal: controller.signal }), /stop/);
  assert.equal(cluster.calls.length, 0);
});

/** A fake cluster whose files need their folder first, and whose writes can be made to fail. */
class StrictFakeCluster extends FakeCluster {
  failWrite: string | undefined;
  override mkdir(path: string): Promise<void> {
    for (let dir = path; dir !== "/" && dir !== "."; dir = dirname(dir)) this.dirs.add(dir);
    return Promise.resolve();
  }
  override writeFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
    if (!this.dirs.has(dirname(path))) {
      return Promise.reject(new TransportError(this.name, `Cannot write "${path}": no folder`));
    }
    if (path === this.failWrite) {
      return Promise.reject(new TransportError(this.name, `Cannot write "${path}": disk full`));
    }
    return super.writeFile(path, text, options);
  }
}

Deno.test("a job script in a sub-folder gets its folder before any script is written", async () => {
  const cluster = new StrictFakeCluster();
  const script = job({ filename: "sub/dir/job.sh", auxScripts: { "x.sh": "echo x", "y.sh": "" } });
  await submitJob(script, { transport: cluster });
  const directory = script.workingDirectory();
  assert.equal(script.scriptPath(), `${directory}/sub/dir/job.sh`);
  assert.equal(cluster.files.get(script.scriptPath())?.text, script.render());
  for (const name of ["x.sh", "y.sh"]) {
    assert.equal(cluster.files.get(`${directory}/${name}`)?.mode, 0o755, name);
  }
  assert.deepEqual(cluster.callsOf("fakesub")[0]?.argv, ["fakesub", "sub/dir/job.sh"]);
});

Deno.test("a failed submission leaves no temporary file in the cache folder", async () => {
  await withFolder(async (folder) => {
    const names = async () => (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name);
    // a script that cannot be written: nothing submitted, nothing cached
    const cluster = new StrictFakeCluster();
    const script = job({ cacheFolder: folder, auxScripts: { "helper.sh": "true" } });
    cluster.failWrite = `${script.workingDirectory()}/helper.sh`;
    await assert.rejects(submitJob(script, { transport: cluster }), /disk full/);
    assert.equal(cluster.callsOf("fakesub").length, 0);
    assert.deepEqual(await names(), []);
    // the connection drops during the submit command: the marker alone stays
    cluster.failWrite = undefined;
    cluster.submitAnswers.push(new TransportError("fake", "ssh: connection lost"));
    await assert.rejects(submitJob(script, { transport: cluster }), /connection lost/);
    const [markerFile, ...others] = await names();
    assert.deepEqual(others, []);
    assert.equal((await readCacheFile(`${folder}/${markerFile}`))?.phase, "submitting");
    // an aborted submission before the command: the marker was never written
    const aborting = new StrictFakeCluster();
    const controller = new AbortController();
    const other = job({ name: "other", cacheFolder: folder });
    const original = aborting.writeFile.bind(aborting);
    aborting.writeFile = (path, text, options) => {
      controller.abort(new Error("stop"));
      return original(path, text, options);
    };
    await assert.rejects(
      submitJob(other, { transport: aborting, signal: controller.signal }),
      /stop/,
    );
    assert.deepEqual(await names(), [markerFile]);
  });
});

for (const scheduler of ["slurm", "sge"] as const) {
  Deno.test(`${scheduler}: a submit that timed out after reaching the controller is never submitted twice`, async () => {
    await using cluster = new SimCluster({
      scheduler,
      model: () => ({ runtimeSeconds: 600, exitCode: 0 }),
    });
    const cacheFolder = await Deno.makeTempDir();
    try {
      const job = new JobScript({ name: "once", backend: scheduler, body: "true", cacheFolder });
      const transport = cluster.transport();
      const submits = () =>
        cluster.commandLog.filter((c) => c.argv[0] === "sbatch" || c.argv[0] === "qsub").length;
      cluster.faults.failSubmit({ created: true });
      const run = await job.submit({ transport });
      assert.equal(cluster.jobs().length, 1, "the simulated controller created the job");
      // The library found the job by its token and adopted it: the cache holds its id.
      assert.equal(run.jobId, String(cluster.jobs()[0]!.id));
      assert.equal((await job.submit({ transport })).jobId, run.jobId);
      assert.equal(submits(), 1);
      // A plain refusal (no such queue) created no job: nothing is kept, a later run may submit.
      const refused = job.with({ name: "refused", resources: { queue: "nosuch" } });
      const refusal = await refused.submit({ transport }).then(() => undefined, (e) => e);
      assert.ok(refusal instanceof SubmitError && !refusal.jobMayExist, String(refusal));
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(cacheFolder))).map((entry) => entry.name).filter((
          name,
        ) => name.includes("refused")),
        [],
      );
    } finally {
      await Deno.remove(cacheFolder, { recursive: true });
    }
  });
}

Deno.test("an exit-0 answer without a job id keeps the marker and the parser's explanation", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm" });
  const cacheFolder = await Deno.makeTempDir();
  try {
    const garbled = { ...slurm, submitCommand: () => ({ argv: ["echo", "garbage"] }) };
    const job = new JobScript({ name: "garbled", backend: garbled, body: "true", cacheFolder });
    const error = await job.submit({ transport: cluster.transport() }).then(
      () => undefined,
      (e) => e,
    );
    // No job carries the token (the garbled "scheduler" is echo): submitted again, up to three
    // times, then the library says it cannot tell, with the token and the parser's words.
    assert.ok(error instanceof InterruptedSubmissionError, String(error));
    assert.match(error.token ?? "", /^cj-[0-9a-f]{24}$/);
    const cause = error.cause;
    assert.ok(cause instanceof SubmitError && cause.jobMayExist, String(cause));
    assert.equal(cause.reason, "no job id in the answer");
    assert.match(
      cause.message,
      /no job id in the answer: .*garbage; the scheduler may have created/,
    );
    assert.equal(cluster.commandLog.filter((c) => c.argv[0] === "echo").length, 3);
    await assert.rejects(
      job.submit({ transport: cluster.transport() }),
      InterruptedSubmissionError,
    );
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
});
