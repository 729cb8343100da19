/**
 * Injection payloads through the transports: as argv elements, working directories,
 * environment values and file paths, on this machine (no shell anywhere) and on the simulator in
 * shell mode, where job scripts really run in bash (each of the five schedulers). A canary file
 * proves that nothing was parsed as code. (SshTransport's remote shell: ssh_transport_test.ts.)
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { builtinBackends } from "../../../backends/registry.ts";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { Status } from "../../../src/core/status.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";
import { SimCluster } from "../../../sim/mod.ts";

/**
 * Words that would run `touch canary` in the home directory if any shell parsed them as code
 * (no `/`, so they are also file names).
 */
const PAYLOADS: readonly string[] = [
  "$(cd; touch canary)",
  "`cd; touch canary`",
  "x; cd; touch canary",
  "x\ncd; touch canary\n",
  "x' ; cd; touch canary; echo '",
  'x" ; cd; touch canary; echo "',
  "x\\'; cd; touch canary; '",
  "x && cd && touch canary",
  "x | (cd; touch canary)",
  "$(cd;touch${IFS}canary)",
  "-x; cd; touch canary",
  "--x=$(cd; touch canary)",
  "-n",
];

/** The directive option that names a job. */
const NAME_OPTION: Record<string, string> = {
  slurm: "--job-name=inj",
  pbs: "-N inj",
  pbspro: "-N inj",
  sge: "-N inj",
  lsf: "-J inj",
};

const exists = (path: string): Promise<boolean> => Deno.stat(path).then(() => true, () => false);

Deno.test("LocalTransport passes payloads in argv, cwd, env and file paths to no shell", async () => {
  const home = await Deno.makeTempDir({ prefix: "cj-inject-local-" });
  const local = new LocalTransport();
  try {
    const env = { HOME: home };
    const echoed = await local.run(["printf", "%s\\0", ...PAYLOADS], { env, cwd: home });
    assert.deepEqual(echoed.stdout.split("\0").slice(0, -1), PAYLOADS);
    for (const payload of PAYLOADS) {
      const dir = join(home, payload);
      await local.mkdir(join(dir, payload), { mode: 0o700 });
      await local.writeFile(join(dir, payload, payload), payload, { mode: 0o600 });
      assert.equal(await local.readFile(join(dir, payload, payload)), payload);
      const pwd = await local.run(["sh", "-c", 'printf %s "$PWD|$V"'], {
        cwd: join(dir, payload),
        env: { ...env, V: payload },
      });
      assert.equal(pwd.stdout, `${join(dir, payload)}|${payload}`);
      await local.remove(join(dir, payload, payload));
      assert.deepEqual([...Deno.readDirSync(join(dir, payload))], []);
    }
    assert.equal(await exists(join(home, "canary")), false);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

for (const backend of builtinBackends.list()) {
  Deno.test(`the simulator in shell mode (${backend.name}) runs a job whose directory and script name are payloads, and nothing else`, async () => {
    await using cluster = new SimCluster({ scheduler: backend.name as never, clock: "virtual" });
    const transport = cluster.transport();
    const runs: AsyncResult[] = [];
    // PBS's `qstat -f` shows the submit directory in its attributes, and a newline there breaks
    // its line format (as on a real server): such a path is a job attribute's problem, not the
    // transport's, and JobScript refuses it.
    const payloads = backend.name.startsWith("pbs")
      ? PAYLOADS.filter((payload) => !payload.includes("\n"))
      : PAYLOADS;
    for (const payload of payloads) {
      const dir = `~/${payload}`;
      await transport.mkdir(`${dir}/${payload}`);
      const name = `${payload}.${backend.extension}`;
      // a plain job name: a name taken from such a file name is not what is tested here
      const script = `#!/bin/bash\n${backend.prefix} ${NAME_OPTION[backend.name]}\nexit 3\n`;
      await transport.writeFile(`${dir}/${payload}/${name}`, script, { mode: 0o755 });
      assert.equal(await transport.readFile(`${dir}/${payload}/${name}`), script);
      const submit = backend.submitCommand(name);
      const output = await transport.run(submit.argv, {
        cwd: `${dir}/${payload}`,
        ...(submit.stdinScript ? { stdin: script } : {}),
        env: { V: payload },
      });
      const jobId = backend.parseJobId(output, submit.argv);
      runs.push(new AsyncResult({ jobId, backend, transport }));
    }
    for (const run of runs) {
      // the script ran (its own exit code) from where the payload path said it was
      assert.equal(await run.wait(), Status.FAILED, run.jobId);
      assert.equal(run.exitCode, 3, `${run.jobId}: ${run.reason}`);
    }
    for (const payload of payloads) {
      await transport.remove(`~/${payload}/${payload}/${payload}.${backend.extension}`);
    }
    assert.equal(cluster.fs.stat(`${cluster.home}/canary`), undefined);
    assert.equal(await exists(join(cluster.fs.hostPath(cluster.home), "canary")), false);
    assert.equal(await exists("canary"), false);
  });
}
