// run.cause and the marker folder in the cache record: saved and loaded, absent from older
// records (still readable), refused when damaged, with the field named.
import assert from "node:assert/strict";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { CacheFormatError } from "../../../src/run/cache_record.ts";
import { readCacheFile } from "../../../src/run/cache.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { slurm } from "../../../backends/slurm.ts";
import { Status } from "../../../src/core/status.ts";

const transport = new LocalTransport();

Deno.test("cause, markers and walltime are saved and loaded with the run", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const run = new AsyncResult({
      jobId: "5",
      backend: slurm,
      transport,
      status: Status.FAILED,
      state: "TIMEOUT",
      cause: "timeout",
      markers: "~/runs/.clusterjob/fit",
      walltime: 600,
    });
    await run.dump(`${folder}/run.json`);
    const loaded = await AsyncResult.load(`${folder}/run.json`, { transport });
    assert.equal(loaded.cause, "timeout");
    assert.equal(loaded.markers, "~/runs/.clusterjob/fit");
    assert.equal(loaded.walltime, 600);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("an older record without them loads: no cause, no markers", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const old = {
      format: "clusterjob-run",
      version: 1,
      phase: "submitted",
      jobId: "42",
      jobName: "hello",
      backend: "slurm",
      transport: "local",
      maxSleepInterval: 900,
      status: 0,
      state: "COMPLETED",
      exitCode: 0,
      epilogueDone: true,
      updatedAt: "2024-01-01T00:00:00.000Z",
    };
    await Deno.writeTextFile(`${folder}/old.json`, JSON.stringify(old));
    const run = await AsyncResult.load(`${folder}/old.json`, { transport });
    assert.equal(run.status, Status.COMPLETED);
    assert.equal(run.cause, undefined);
    assert.equal(run.markers, undefined);
    // Damaged fields are named.
    for (
      const [field, value] of [
        ["cause", "TIMEOUT"],
        ["markers", "a\nb"],
        ["markers", ""],
        ["walltime", -1],
      ] as const
    ) {
      await Deno.writeTextFile(`${folder}/bad.json`, JSON.stringify({ ...old, [field]: value }));
      await assert.rejects(
        readCacheFile(`${folder}/bad.json`),
        (error) => error instanceof CacheFormatError && error.field === field,
        `${field}: ${JSON.stringify(value)}`,
      );
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("new AsyncResult refuses a bad cause or marker folder, naming the field", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new AsyncResult({ jobId: "1", backend: slurm, transport, cause: "oops" as any }),
    (error) => error instanceof InvalidValueError && error.field === "cause",
  );
  assert.throws(
    () => new AsyncResult({ jobId: "1", backend: slurm, transport, markers: "x\0y" }),
    (error) => error instanceof InvalidValueError && error.field === "markers",
  );
});
