// The run cache: file names, format and validation, atomic private writes, clearing only our files.

import assert from "node:assert/strict";
import {
  CACHE_FORMAT_VERSION,
  cacheFilePath,
  CacheFormatError,
  clearCache,
  readCacheFile,
  type RunRecord,
  type SubmittingRecord,
  writeCacheFile,
} from "../../../src/run/cache.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { realClock } from "../../../src/core/clock.ts";
import { prepareCacheWrite } from "../../../src/run/_cache_write.ts";

const run: RunRecord = {
  format: "clusterjob-run",
  version: CACHE_FORMAT_VERSION,
  phase: "submitted",
  jobId: "4242",
  jobName: "name with 'quotes' and spaces",
  backend: "slurm",
  transport: "local",
  maxSleepInterval: 30,
  status: -1,
  state: "RUNNING",
  exitCode: 0,
  epilogue: "#!/bin/bash\necho done\n",
  epilogueDone: false,
  updatedAt: "2026-01-01T00:00:00.000Z",
};

const marker: SubmittingRecord = {
  format: "clusterjob-run",
  version: CACHE_FORMAT_VERSION,
  phase: "submitting",
  jobName: "a",
  backend: "sge",
  transport: "local",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

async function withFolder(body: (folder: string) => Promise<void>): Promise<void> {
  const folder = await Deno.makeTempDir();
  try {
    await body(folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

Deno.test("cacheFilePath is <folder>/<prefix>.<id>.json and refuses ids that could escape the folder", () => {
  assert.equal(cacheFilePath("cache", "clusterjob", "step-1"), "cache/clusterjob.step-1.json");
  assert.equal(cacheFilePath("/tmp/c/", "p", "a.b@c"), "/tmp/c/p.a.b@c.json");
  for (const bad of ["", "../x", "a/b", ".hidden", "-x", "with space", "quote'"]) {
    assert.throws(() => cacheFilePath("cache", "clusterjob", bad), (error: unknown) => {
      assert.ok(error instanceof InvalidValueError);
      assert.equal(error.field, "cacheId");
      return true;
    });
  }
  assert.throws(() => cacheFilePath("cache", "a/b", "x"), /"cachePrefix"/);
});

Deno.test("a record survives a write and a read; a missing file reads as undefined", async () => {
  await withFolder(async (folder) => {
    const path = `${folder}/clusterjob.x.json`;
    assert.equal(await readCacheFile(path), undefined);
    await writeCacheFile(path, run);
    assert.deepEqual(await readCacheFile(path), run);
    await writeCacheFile(path, marker);
    assert.deepEqual(await readCacheFile(path), marker);
    const text = await Deno.readTextFile(path);
    assert.equal(JSON.parse(text).version, 1);
  });
});

Deno.test("cache files are 0600 in a 0700 folder, and no temporary file is left", async () => {
  await withFolder(async (root) => {
    const folder = `${root}/new/cache`;
    const path = `${folder}/clusterjob.x.json`;
    const previous = Deno.umask(0o022);
    try {
      await writeCacheFile(path, run);
      await writeCacheFile(path, { ...run, status: 0, state: "COMPLETED" });
    } finally {
      Deno.umask(previous);
    }
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(folder)).mode! & 0o777, 0o700);
    const names = (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name);
    assert.deepEqual(names, ["clusterjob.x.json"]);
    assert.equal(
      (await readCacheFile(path))?.phase === "submitted" &&
        (await readCacheFile(path) as RunRecord).state,
      "COMPLETED",
    );
  });
});

Deno.test("a write replaces the file by rename: a reader holding the old file sees it whole", async () => {
  await withFolder(async (folder) => {
    const path = `${folder}/clusterjob.x.json`;
    await writeCacheFile(path, run);
    const before = await Deno.stat(path);
    using old = await Deno.open(path);
    await writeCacheFile(path, { ...run, jobId: "9999" });
    const after = await Deno.stat(path);
    assert.notEqual(after.ino, before.ino, "a new inode: written aside, then renamed over");
    const oldText = new TextDecoder().decode(await readAll(old));
    assert.equal(JSON.parse(oldText).jobId, "4242");
    assert.equal((await readCacheFile(path) as RunRecord).jobId, "9999");
  });
});

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(4096);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
  }
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

Deno.test("damaged, foreign or newer cache files are CacheFormatErrors naming the problem", async () => {
  await withFolder(async (folder) => {
    const cases: Array<[string, RegExp]> = [
      ["{not json", /not valid JSON/],
      ["[]", /not a JSON object/],
      ['{"format":"other"}', /field "format" is "other", not "clusterjob-run"/],
      [JSON.stringify({ ...run, version: 99 }), /version 99 is newer than this library's 1/],
      [JSON.stringify({ ...run, status: 7 }), /field "status" is 7, not a status code/],
      [JSON.stringify({ ...run, jobId: 12 }), /field "jobId" is 12, not a string/],
      [JSON.stringify({ ...run, phase: "done" }), /field "phase"/],
    ];
    for (const [index, [text, message]] of cases.entries()) {
      const path = `${folder}/clusterjob.c${index}.json`;
      await Deno.writeTextFile(path, text);
      await assert.rejects(readCacheFile(path), (error: unknown) => {
        assert.ok(error instanceof CacheFormatError, String(error));
        assert.match(error.message, message);
        assert.equal(error.path, path);
        return true;
      });
    }
  });
});

Deno.test("clearCache removes only our prefix's run records and stale temporary files", async () => {
  await withFolder(async (folder) => {
    await writeCacheFile(`${folder}/clusterjob.a.json`, run);
    await writeCacheFile(`${folder}/clusterjob.b.json`, marker);
    await writeCacheFile(`${folder}/other.a.json`, run);
    await Deno.writeTextFile(`${folder}/clusterjob.settings.json`, '{"mine": true}');
    await Deno.writeTextFile(`${folder}/clusterjob.a.json.${crypto.randomUUID()}.tmp`, "{");
    await Deno.writeTextFile(`${folder}/notes.txt`, "keep");
    assert.equal(await clearCache(folder), 3);
    const left = (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name).sort();
    assert.deepEqual(left, ["clusterjob.settings.json", "notes.txt", "other.a.json"]);
    assert.equal(await clearCache(folder, "other"), 1);
    assert.equal(await clearCache(`${folder}/missing`), 0);
  });
});

Deno.test("a prepared write stays invisible until commit, is 0600 whatever the umask, and discard leaves nothing", async () => {
  await withFolder(async (root) => {
    const folder = `${root}/new`;
    const path = `${folder}/clusterjob.x.json`;
    const names = async () => (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name);
    await writeCacheFile(path, marker);
    const previous = Deno.umask(0o277); // would leave the owner read-only
    let committed: ReturnType<typeof prepareCacheWrite>;
    try {
      committed = prepareCacheWrite(path);
      const discarded = prepareCacheWrite(path);
      for (let i = 0; i < 250 && (await names()).length < 3; i++) await realClock.sleep(20);
      assert.equal((await names()).length, 3, "both temporary files are created");
      assert.deepEqual(await readCacheFile(path), marker, "the cache file is untouched");
      await discarded.discard();
      await committed.commit(run);
    } finally {
      Deno.umask(previous);
    }
    assert.deepEqual(await names(), ["clusterjob.x.json"]);
    assert.deepEqual(await readCacheFile(path), run);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    await committed.discard(); // after a commit: nothing to do
    assert.deepEqual(await readCacheFile(path), run);
  });
});

Deno.test("a prepared write that cannot create its file fails at commit; discard is quiet", async () => {
  await withFolder(async (root) => {
    await Deno.writeTextFile(`${root}/file`, "not a folder");
    const path = `${root}/file/clusterjob.x.json`;
    await assert.rejects(prepareCacheWrite(path).commit(run));
    await prepareCacheWrite(path).discard();
    await assert.rejects(writeCacheFile(path, run));
    assert.deepEqual((await Array.fromAsync(Deno.readDir(root))).map((e) => e.name), ["file"]);
  });
});
