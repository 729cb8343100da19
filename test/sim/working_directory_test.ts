// One body with relative paths on every simulated scheduler (shell mode): the job starts in
// rootdir/workdir whether that is written with "~", relative to the login's home (the default
// rootdir "."), or absolute, with spaces — the backends never write the path into the script,
// and each emulator starts the job where its scheduler would (PBS in $HOME unless told).
import assert from "node:assert/strict";
import { builtinBackends } from "../../backends/registry.ts";
import { JobScript } from "../../src/job/job_script.ts";
import { Status } from "../../src/core/status.ts";
import { SimCluster } from "../../sim/cluster.ts";
import type { SchedulerKind } from "../../sim/types.ts";

const SCHEDULERS: SchedulerKind[] = ["slurm", "pbs", "pbspro", "lsf", "sge"];

for (const scheduler of SCHEDULERS) {
  Deno.test(`sim ${scheduler}: the body runs in rootdir/workdir written with ~, relative or absolute`, async () => {
    await using cluster = new SimCluster({ scheduler, execution: "shell" });
    const transport = cluster.transport();
    const places = [
      { rootdir: "~/my runs", workdir: "a b", at: `${cluster.home}/my runs/a b` },
      { rootdir: ".", workdir: "relative dir", at: `${cluster.home}/relative dir` },
      { rootdir: cluster.home, workdir: "/tmp/abs olute", at: "/tmp/abs olute" },
    ];
    for (const { rootdir, workdir, at } of places) {
      const job = new JobScript({
        name: "where",
        backend: builtinBackends.get(scheduler),
        rootdir,
        workdir,
        body: "pwd -P > where.txt\n./helper.sh",
        auxScripts: { "helper.sh": "echo helper ran > helper.txt" },
      });
      const run = await job.submit({ transport, cacheFolder: "" });
      assert.equal(await run.wait(), Status.COMPLETED, `${rootdir} ${workdir}: ${run.state}`);
      const real = Deno.realPathSync(cluster.fs.hostPath(at));
      assert.equal(await transport.readFile(`${at}/where.txt`), `${real}\n`);
      assert.equal(await transport.readFile(`${at}/helper.txt`), "helper ran\n");
    }
    // Nothing landed in the home directory itself.
    await assert.rejects(transport.readFile(`${cluster.home}/where.txt`));
  });
}
