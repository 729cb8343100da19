// A cache record is bound to the transport and backend it was made through: a cache hit through
// another transport or with another backend is a CacheMismatchError naming both, never a silent
// reuse (nor a silent resubmission); `force: true` is the explicit way to start afresh.

import assert from "node:assert/strict";
import {
  CacheMismatchError,
  JobScript,
  LocalTransport,
  readCacheFile,
  Status,
  type Transport,
} from "../../mod.ts";
import { SimCluster } from "../../sim/mod.ts";

const model = () => ({ runtimeSeconds: 60, exitCode: 0 });

/** `inner`, with every call recorded (none is expected). */
function recording(inner: Transport, calls: string[]): Transport {
  return {
    name: inner.name,
    clock: inner.clock,
    run: (argv, options) => (calls.push(`run ${argv.join(" ")}`), inner.run(argv, options)),
    writeFile: (
      path,
      text,
      options,
    ) => (calls.push(`write ${path}`), inner.writeFile(path, text, options)),
    readFile: (path) => (calls.push(`read ${path}`), inner.readFile(path)),
    mkdir: (path, options) => (calls.push(`mkdir ${path}`), inner.mkdir(path, options)),
    remove: (path) => (calls.push(`remove ${path}`), inner.remove(path)),
  };
}

function mismatch(
  recorded: { backend: string; transport: string },
  current: { backend: string; transport: string },
  path: string,
) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CacheMismatchError, String(error));
    assert.deepEqual(error.recorded, recorded);
    assert.deepEqual(error.current, current);
    assert.equal(error.path, path);
    for (const word of [recorded.backend, recorded.transport, current.backend, current.transport]) {
      assert.ok(error.message.includes(`"${word}"`), `${word} in: ${error.message}`);
    }
    assert.match(error.message, /submit with force: true/);
    return true;
  };
}

Deno.test("a run cached through SimCluster slurm is not reused through LocalTransport nor another simulated scheduler", async () => {
  const cacheFolder = await Deno.makeTempDir();
  const rootdir = await Deno.makeTempDir();
  try {
    await using slurmCluster = new SimCluster({ scheduler: "slurm", model });
    const job = new JobScript({ name: "step", body: "true", cacheFolder, rootdir: "~/runs" });
    const first = await job.submit({ transport: slurmCluster.transport(), cacheId: "step" });
    assert.equal(await first.wait(), Status.COMPLETED);
    const path = first.cacheFile!;
    const saved = await Deno.readTextFile(path);
    const recorded = { backend: "slurm", transport: "sim:slurm" };

    // This machine: it must throw, not reuse the simulator's job 1 (nor submit anything here).
    const calls: string[] = [];
    const local = recording(new LocalTransport(), calls);
    await assert.rejects(
      job.with({ rootdir }).submit({ transport: local, cacheId: "step" }),
      mismatch(recorded, { backend: "slurm", transport: "local" }, path),
    );
    assert.deepEqual(calls, []);

    // Another simulated scheduler: its transport, with the same backend and with its own.
    await using pbsCluster = new SimCluster({ scheduler: "pbs", model });
    await assert.rejects(
      job.submit({ transport: pbsCluster.transport(), cacheId: "step" }),
      mismatch(recorded, { backend: "slurm", transport: "sim:pbs" }, path),
    );
    await assert.rejects(
      job.with({ backend: "pbs" }).submit({ transport: pbsCluster.transport(), cacheId: "step" }),
      mismatch(recorded, { backend: "pbs", transport: "sim:pbs" }, path),
    );
    // The same transport with another backend is a mismatch too.
    await assert.rejects(
      job.with({ backend: "lsf" }).submit({ transport: slurmCluster.transport(), cacheId: "step" }),
      mismatch(recorded, { backend: "lsf", transport: "sim:slurm" }, path),
    );
    assert.equal(pbsCluster.commandLog.length, 0, "nothing was submitted to PBS");
    assert.equal(await Deno.readTextFile(path), saved, "the record is left as it was");

    // Through the transport it was made through, it is still reused without a command.
    const commands = slurmCluster.commandLog.length;
    const again = await job.submit({ transport: slurmCluster.transport(), cacheId: "step" });
    assert.equal(again.jobId, first.jobId);
    assert.equal(slurmCluster.commandLog.length, commands);

    // force: true is the explicit way to start afresh through the new transport.
    const fresh = await job.with({ backend: "pbs" })
      .submit({ transport: pbsCluster.transport(), cacheId: "step", force: true });
    assert.equal(fresh.jobId, `1.${pbsCluster.engine.loginHost}`);
    const record = await readCacheFile(path);
    assert.ok(record?.phase === "submitted");
    assert.deepEqual([record.backend, record.transport, record.jobId], [
      "pbs",
      "sim:pbs",
      fresh.jobId,
    ]);
    // ... and from then on the record belongs to PBS: back on SLURM is the mismatch.
    await assert.rejects(
      job.submit({ transport: slurmCluster.transport(), cacheId: "step" }),
      mismatch({ backend: "pbs", transport: "sim:pbs" }, {
        backend: "slurm",
        transport: "sim:slurm",
      }, path),
    );
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
    await Deno.remove(rootdir, { recursive: true });
  }
});

Deno.test("the default cache id (it hashes the backend, not the transport) is bound the same way", async () => {
  const cacheFolder = await Deno.makeTempDir();
  try {
    await using cluster = new SimCluster({ scheduler: "slurm", model });
    const job = new JobScript({ name: "default-id", body: "true", cacheFolder });
    const first = await job.submit({ transport: cluster.transport() });
    const calls: string[] = [];
    await assert.rejects(
      job.submit({ transport: recording(new LocalTransport(), calls) }),
      mismatch(
        { backend: "slurm", transport: "sim:slurm" },
        { backend: "slurm", transport: "local" },
        first.cacheFile!,
      ),
    );
    assert.deepEqual(calls, []);
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
});

Deno.test("a cached FAILED run made through another transport is not silently resubmitted (retry)", async () => {
  const cacheFolder = await Deno.makeTempDir();
  try {
    await using failing = new SimCluster({
      scheduler: "sge",
      model: () => ({ runtimeSeconds: 1, exitCode: 3 }),
    });
    const job = new JobScript({ name: "flaky", body: "false", backend: "sge", cacheFolder });
    const first = await job.submit({ transport: failing.transport(), cacheId: "flaky" });
    assert.equal(await first.wait(), Status.FAILED);
    await using other = new SimCluster({ scheduler: "sge", model, user: "other" });
    // Same scheduler kind and user-visible name "sim:sge": a different cluster object with the
    // same transport name is not told apart (the name is all a record keeps), so it retries.
    const retried = await job.submit({ transport: other.transport(), cacheId: "flaky" });
    assert.equal(retried.jobId, "1");
    // A different transport name: the FAILED run is neither reused nor resubmitted.
    await assert.rejects(
      job.submit({ transport: new LocalTransport(), cacheId: "flaky" }),
      CacheMismatchError,
    );
  } finally {
    await Deno.remove(cacheFolder, { recursive: true });
  }
});
