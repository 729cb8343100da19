/** sbatch: the script source, checked options into a request (directives first, the command line wins), submission. */

import assert from "node:assert/strict";
import { SimCluster } from "../../../sim/mod.ts";
import {
  parseSbatchOptions,
  sbatchCommandLine,
  SbatchError,
} from "../../../sim/slurm/_sbatch_options.ts";
import {
  type BatchScript,
  batchScript,
  type SbatchRequest,
  sbatchRequest,
} from "../../../sim/slurm/sbatch.ts";
import { refusal } from "./_helpers.ts";

const SUBMITTER = { cwd: "/home/ana", user: "ana", env: { HOME: "/home/ana", LANG: "C" } };
const SCRIPT: BatchScript = {
  text: "#!/bin/bash\ntrue\n",
  path: "/home/ana/run.sh",
  args: ["a", "b"],
  defaultName: "run.sh",
};

/** The request for a command line (parsed as sbatch parses it) and the script's directives. */
function requestFor(args: string[], directives: string[] = []): SbatchRequest {
  const options = parseSbatchOptions(sbatchCommandLine(args), directives);
  return sbatchRequest(options, SCRIPT, SUBMITTER);
}

const refused = (run: () => unknown) => refusal(run, SbatchError);

Deno.test("sbatchRequest() names the job after the script and records its command line", () => {
  const request = requestFor([]);
  assert.equal(request.name, "run.sh");
  assert.equal(request.workdir, "/home/ana");
  assert.deepEqual(request.scriptArgs, ["a", "b"]);
  assert.equal(request.schedulerData.command, "/home/ana/run.sh a b");
  assert.equal(request.schedulerData.account, "ana");
  assert.equal(request.schedulerData.outputPattern, "slurm-%j.out");
  assert.deepEqual(request.exportedEnv, SUBMITTER.env);
});

Deno.test("sbatchRequest() lets the command line win over #SBATCH directives", () => {
  const request = requestFor(["-J", "cli", "--time=5"], [
    "--job-name=dir",
    "-t",
    "10",
    "-p",
    "big",
  ]);
  assert.equal(request.name, "cli");
  assert.equal(request.timeLimitSeconds, 300);
  assert.equal(request.queue, "big");
});

Deno.test("sbatchRequest() spreads -n tasks over -N nodes and multiplies --mem-per-cpu by a node's cpus", () => {
  const request = requestFor(["-N", "2", "-n", "5", "-c", "3", "--mem-per-cpu=1G"]);
  assert.equal(request.nodes, 2);
  assert.equal(request.tasksPerNode, 3);
  assert.equal(request.cpusPerTask, 3);
  assert.equal(request.memoryMB, 1024 * 3 * 3);
  assert.equal(request.schedulerData.ntasks, 5);
  assert.deepEqual(request.schedulerData.memory, { per: "cpu", mb: 1024 });
});

Deno.test("sbatchRequest() prefers --mem to --mem-per-cpu and --ntasks-per-node to -n", () => {
  const request = requestFor(["--mem=2G", "--mem-per-cpu=1G", "-n", "8", "--ntasks-per-node=2"]);
  assert.equal(request.memoryMB, 2048);
  assert.deepEqual(request.schedulerData.memory, { per: "node", mb: 2048 });
  assert.equal(request.tasksPerNode, 2);
});

Deno.test("sbatchRequest() reads --gres and --gpus, --array, --dependency, --hold, --export", () => {
  assert.equal(requestFor(["--gres=gpu:a100:2"]).gpus, 2);
  assert.equal(requestFor(["--gres=gpu"]).gpus, 1);
  assert.equal(requestFor(["--gpus=3"]).gpus, 3);
  const request = requestFor([
    "--array=1-3%2",
    "-d",
    "afterok:4",
    "-H",
    "--export=NONE,A=1",
    "-o",
    "out-%A_%a.txt",
  ]);
  assert.deepEqual(request.array, { indices: [1, 2, 3], maxConcurrent: 2 });
  assert.deepEqual(request.dependencies, [{ type: "afterok", jobIds: [4] }]);
  assert.equal(request.hold, true);
  assert.deepEqual(request.exportedEnv, { A: "1" });
  assert.equal(request.schedulerData.outputPattern, "out-%A_%a.txt");
  assert.equal(requestFor(["--array=0-3"]).schedulerData.outputPattern, "slurm-%A_%a.out");
});

Deno.test("batchScript() takes --wrap, else the file operand, else standard input", () => {
  const files: Record<string, string> = { "/w/job.sh": "#!/bin/sh\necho hi\n" };
  const ctx = { cwd: "/w", stdin: "#!/bin/sh\nfrom stdin\n", readFile: (p: string) => files[p] };
  const wrap = batchScript(ctx, "echo hi", []);
  assert.equal(wrap.text, "#!/bin/sh\n# This script was created by sbatch --wrap.\n\necho hi\n");
  assert.equal(wrap.defaultName, "wrap");
  assert.equal(wrap.path, undefined);
  assert.deepEqual(batchScript(ctx, undefined, ["/w/job.sh", "x"]), {
    text: files["/w/job.sh"],
    path: "/w/job.sh",
    args: ["x"],
    defaultName: "job.sh",
  });
  assert.deepEqual(batchScript(ctx, undefined, []), {
    text: ctx.stdin,
    args: [],
    defaultName: "sbatch",
  });
});

Deno.test("batchScript() refuses a missing file, an empty script and one without #!", () => {
  const ctx = {
    cwd: "/w",
    stdin: "",
    readFile: (p: string) => p === "/w/x" ? "echo\n" : undefined,
  };
  assert.equal(
    refused(() => batchScript(ctx, undefined, ["/w/none"])).stderr,
    "sbatch: error: Unable to open file /w/none\n",
  );
  assert.equal(
    refused(() => batchScript(ctx, undefined, [])).stderr,
    "sbatch: error: Batch script is empty!\n",
  );
  assert.match(refused(() => batchScript(ctx, undefined, ["/w/x"])).stderr, /first\n/);
});

Deno.test("sbatch uses up a job id when slurmctld refuses the dependency", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  const refused = await cluster.run(["sbatch", "-d", "before:1", "--wrap", "true"]);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    "sbatch: error: Batch job submission failed: Job dependency problem\n",
  );
  const next = await cluster.run(["sbatch", "--parsable", "--wrap", "true"]);
  assert.equal(next.stdout, "2\n");
  const invalid = await cluster.run(["sbatch", "-t", "soon", "--wrap", "true"]);
  assert.equal(invalid.code, 255);
  assert.equal((await cluster.run(["sbatch", "--parsable", "--wrap", "true"])).stdout, "3\n");
});

Deno.test("sbatch --quiet prints nothing, --parsable only the id, directives count for both", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
  assert.equal((await cluster.run(["sbatch", "--wrap", "true"])).stdout, "Submitted batch job 1\n");
  assert.equal((await cluster.run(["sbatch", "-Q", "--wrap", "true"])).stdout, "");
  await cluster.transport().writeFile("~/p.sh", "#!/bin/sh\n#SBATCH --parsable\ntrue\n");
  assert.equal((await cluster.run(["sbatch", "p.sh"])).stdout, "3\n");
});
