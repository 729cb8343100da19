// planSubmission(): the plan of a submission, built without any transport — files, paths,
// modes, the submit command of each backend, local scripts and the cache file.

import assert from "node:assert/strict";
import { JobScript, type JobScriptOptions } from "../../../src/job/job_script.ts";
import { planSubmission } from "../../../src/job/plan_submission.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { TemplateError } from "../../../src/core/template.ts";

function job(options: Partial<JobScriptOptions> = {}): JobScript {
  return new JobScript({
    name: "hello",
    body: "echo {greeting} from $CLUSTERJOB_ID",
    rootdir: "~/jobs",
    workdir: "run1",
    vars: { greeting: "hi" },
    auxScripts: { "helper.sh": "echo helping {name}" },
    resources: { time: 600 },
    ...options,
  });
}

const SUBMIT: Record<string, { argv: string[]; stdin: boolean; file: string }> = {
  slurm: { argv: ["sbatch", "--parsable", "hello.slr"], stdin: false, file: "hello.slr" },
  pbs: { argv: ["qsub", "hello.pbs"], stdin: false, file: "hello.pbs" },
  pbspro: { argv: ["qsub", "hello.pbs"], stdin: false, file: "hello.pbs" },
  lsf: { argv: ["bsub"], stdin: true, file: "hello.lsf" },
  sge: { argv: ["qsub", "-terse", "hello.sge"], stdin: false, file: "hello.sge" },
};

for (const [backend, expected] of Object.entries(SUBMIT)) {
  Deno.test(`planSubmission() for ${backend}: the scripts (0755) in the working directory, then the submit command`, async () => {
    const script = job({ backend });
    const plan = await planSubmission(script);
    assert.equal(plan.jobName, "hello");
    assert.equal(plan.backend.name, backend);
    assert.equal(plan.workingDirectory, "~/jobs/run1");
    assert.deepEqual(plan.folders, []);
    assert.deepEqual(plan.files, [
      { path: "~/jobs/run1/helper.sh", text: "#!/bin/bash\necho helping hello\n", mode: 0o755 },
      { path: `~/jobs/run1/${expected.file}`, text: script.render(), mode: 0o755 },
    ]);
    assert.deepEqual(plan.submit, {
      argv: expected.argv,
      stdin: expected.stdin ? script.render() : undefined,
    });
    assert.ok(
      plan.files[1]!.text.endsWith(`echo hi from $${script.backend.envVars.CLUSTERJOB_ID}\n`),
    );
    assert.equal(plan.cacheFile, undefined);
    assert.equal(plan.remote, undefined);
    assert.equal(plan.maxSleepInterval, 900);
    assert.equal(plan.timeSeconds, 36000);
    assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.files) && Object.isFrozen(plan.submit));
  });
}

Deno.test("planSubmission() renders the prologue and epilogue, and leaves absent ones undefined", async () => {
  const plan = await planSubmission(job({
    prologue: "rsync -av {workdir}/ {remote}:{rootdir}/{workdir}",
    epilogue: "# nothing to do",
    remote: "hpc",
  }));
  assert.equal(plan.prologue, "#!/bin/bash\nrsync -av run1/ hpc:~/jobs/run1\n");
  assert.equal(plan.epilogue, "#!/bin/bash\n# nothing to do\n");
  assert.equal(plan.remote, "hpc");
  const bare = await planSubmission(job());
  assert.equal(bare.prologue, undefined);
  assert.equal(bare.epilogue, undefined);
});

Deno.test("planSubmission() plans the folder of a job script file name that has one", async () => {
  const plan = await planSubmission(job({ filename: "scripts/hello.slr", auxScripts: {} }));
  assert.deepEqual(plan.folders, ["~/jobs/run1/scripts"]);
  assert.deepEqual(plan.files.map((file) => file.path), ["~/jobs/run1/scripts/hello.slr"]);
  assert.deepEqual(plan.submit.argv, ["sbatch", "--parsable", "scripts/hello.slr"]);
  const absolute = await planSubmission(job({ workdir: "/scratch/run" }));
  assert.equal(absolute.workingDirectory, "/scratch/run");
});

Deno.test("planSubmission() names the cache file by the cache id, the default one a hash of the job", async () => {
  const given = await planSubmission(job({ cacheFolder: "cache" }), { cacheId: "step-1" });
  assert.equal(given.cacheFile, "cache/clusterjob.step-1.json");
  const overridden = await planSubmission(job({ cacheFolder: "cache" }), {
    cacheFolder: "other",
    cachePrefix: "mine",
    cacheId: "x",
  });
  assert.equal(overridden.cacheFile, "other/mine.x.json");
  const off = await planSubmission(job({ cacheFolder: "cache" }), {
    cacheFolder: "",
    cacheId: "x",
  });
  assert.equal(off.cacheFile, undefined);

  const defaultFile = async (options: Partial<JobScriptOptions>) =>
    (await planSubmission(job({ cacheFolder: "cache", ...options }))).cacheFile;
  const first = await defaultFile({});
  assert.match(first ?? "", /^cache\/clusterjob\.hello-[0-9a-f]{16}\.json$/);
  assert.equal(await defaultFile({}), first);
  for (
    const change of [{ body: "echo bye" }, { workdir: "run2" }, { backend: "pbs" }, {
      remote: "hpc",
    }, {
      auxScripts: { "helper.sh": "echo other" },
    }]
  ) {
    assert.notEqual(await defaultFile(change), first, JSON.stringify(change));
  }
});

Deno.test("planSubmission() throws before anything else for a template error or a bad cache id", async () => {
  await assert.rejects(planSubmission(job({ body: "echo {nosuch}" })), TemplateError);
  await assert.rejects(planSubmission(job({ epilogue: "echo {nosuch}" })), TemplateError);
  await assert.rejects(
    planSubmission(job({ cacheFolder: "cache" }), { cacheId: "../x" }),
    InvalidValueError,
  );
  // Without a cache, the cache id is not used, so not checked.
  assert.equal((await planSubmission(job(), { cacheId: "../x" })).cacheFile, undefined);
});
