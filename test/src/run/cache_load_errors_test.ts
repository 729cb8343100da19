// AsyncResult.load of a damaged or hand-edited cache file is always a CacheFormatError naming the
// file and the bad field: never an InvalidValueError of the constructor, never a raw Deno error.
// The same holds for a cache hit in submit().

import assert from "node:assert/strict";
import {
  AsyncResult,
  CacheFormatError,
  InvalidJobIdError,
  InvalidValueError,
  JobScript,
  LocalTransport,
  pbs,
  slurm,
} from "../../../mod.ts";
import { SimCluster } from "../../../sim/mod.ts";

const transport = new LocalTransport();
const good = new AsyncResult({ jobId: "4242", jobName: "a", backend: slurm, transport }).toRecord();

async function withFolder(work: (folder: string) => Promise<void>): Promise<void> {
  const folder = await Deno.makeTempDir();
  try {
    await work(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

/** Asserts a CacheFormatError of `path`, naming `field` (when one is at fault) in its message. */
function formatError(path: string, field: string | undefined, message?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CacheFormatError, `expected a CacheFormatError: ${error}`);
    assert.ok(!(error instanceof InvalidValueError));
    assert.equal(error.path, path);
    assert.ok(error.message.includes(`"${path}"`), error.message);
    assert.equal(error.field, field);
    if (field !== undefined) assert.ok(error.message.includes(`"${field}"`), error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

Deno.test("AsyncResult.load: bad job ids, bad intervals, garbage and directories are CacheFormatErrors naming the field", async () => {
  await withFolder(async (folder) => {
    const cases: Array<[string, string, string | undefined, RegExp?]> = [
      ["empty job id", JSON.stringify({ ...good, jobId: "" }), "jobId", /is ""/],
      ["job id with ;", JSON.stringify({ ...good, jobId: "1;touch x" }), "jobId", /"1;touch x"/],
      ["job id 0", JSON.stringify({ ...good, jobId: "0" }), "jobId"],
      ["job id -u", JSON.stringify({ ...good, jobId: "-u" }), "jobId"],
      ["job id of another scheduler", JSON.stringify({ ...good, jobId: "12.server" }), "jobId"],
      ["job id not a string", JSON.stringify({ ...good, jobId: 12 }), "jobId", /not a string/],
      ["negative interval", JSON.stringify({ ...good, maxSleepInterval: -5 }), "maxSleepInterval"],
      ["zero interval", JSON.stringify({ ...good, maxSleepInterval: 0 }), "maxSleepInterval"],
      [
        "non-numeric interval",
        JSON.stringify({ ...good, maxSleepInterval: "ten" }),
        "maxSleepInterval",
        /not a number/,
      ],
      [
        "infinite interval",
        JSON.stringify(good).replace(/"maxSleepInterval": ?900/, '"maxSleepInterval":1e999'),
        "maxSleepInterval",
      ],
      ["fractional exit code", JSON.stringify({ ...good, exitCode: 1.5 }), "exitCode"],
      ["status out of range", JSON.stringify({ ...good, status: 9 }), "status"],
      ["truncated", JSON.stringify(good).slice(0, 40), undefined, /not valid JSON/],
      ["garbled", "\u0000\u00ff{]]", undefined, /not valid JSON/],
      ["empty file", "", undefined, /not valid JSON/],
      ["an array", "[1, 2]", undefined, /not a JSON object/],
    ];
    for (const [index, [what, text, field, message]] of cases.entries()) {
      const path = `${folder}/clusterjob.case${index}.json`;
      await Deno.writeTextFile(path, text);
      await assert.rejects(
        AsyncResult.load(path, { transport }),
        formatError(path, field, message),
        what,
      );
    }
    // A directory where the file should be, and a file where a folder should be.
    await Deno.mkdir(`${folder}/clusterjob.dir.json`);
    await assert.rejects(
      AsyncResult.load(`${folder}/clusterjob.dir.json`, { transport }),
      formatError(`${folder}/clusterjob.dir.json`, undefined, /is a directory/),
    );
    await Deno.writeTextFile(`${folder}/plain`, "x");
    await assert.rejects(
      AsyncResult.load(`${folder}/plain/clusterjob.x.json`, { transport }),
      formatError(`${folder}/plain/clusterjob.x.json`, undefined),
    );
    // A missing file stays "no such file".
    await assert.rejects(
      AsyncResult.load(`${folder}/missing.json`, { transport }),
      formatError(`${folder}/missing.json`, undefined, /no such file/),
    );
  });
});

Deno.test("a job id the loading backend does not accept keeps InvalidJobIdError as the cause", async () => {
  await withFolder(async (folder) => {
    const path = `${folder}/clusterjob.pbs.json`;
    await Deno.writeTextFile(path, JSON.stringify({ ...good, jobId: "7[].server" }));
    // A PBS id is fine for PBS ...
    const run = await AsyncResult.load(path, { transport, backend: pbs });
    assert.equal(run.jobId, "7[].server");
    // ... but not for the SLURM backend the record names.
    await assert.rejects(AsyncResult.load(path, { transport }), (error: unknown) => {
      assert.ok(error instanceof CacheFormatError && error.field === "jobId");
      assert.ok(error.cause instanceof InvalidJobIdError);
      assert.equal(error.cause.scheduler, "slurm");
      assert.match(error.message, /expected a positive integer/);
      return true;
    });
  });
});

Deno.test("a cache hit in submit() with a hand-edited job id is a CacheFormatError, and nothing runs", async () => {
  await withFolder(async (cacheFolder) => {
    await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
    const transport = cluster.transport();
    const job = new JobScript({ name: "edited", body: "true", cacheFolder });
    const first = await job.submit({ transport, cacheId: "edited" });
    const path = first.cacheFile!;
    for (const jobId of ["0x1", "0", "-u", "1 2"]) {
      await Deno.writeTextFile(path, JSON.stringify({ ...first.toRecord(), jobId }));
      const commands = cluster.commandLog.length;
      await assert.rejects(
        job.submit({ transport, cacheId: "edited" }),
        formatError(path, "jobId"),
        jobId,
      );
      assert.equal(cluster.commandLog.length, commands);
    }
  });
});
