// Every `clusterjob` subcommand as a process (`deno run -A cli.ts …`) against real SLURM and
// SGE on this machine, each a cluster profile of the config file; `clusters` checks profiles of
// every kind (this machine's schedulers, SLURM over SSH to the sshd target, a host that does not
// exist). Enabled by test/real/_targets.ts (CLUSTERJOB_REAL=slurm,sge,ssh; CI sets it and
// CLUSTERJOB_REQUIRE_REAL=1); a plain run shows one ignored test a target saying how to enable
// it. Jobs sleep at most a few seconds but one, which is cancelled: ~30 s a scheduler.

import assert from "node:assert/strict";
import { LocalTransport } from "../../src/transports/local_transport.ts";
import { type RealTargetName, realTests, sshTarget } from "../real/_targets.ts";
import { CliHome, type CliOutput, said } from "./_cli_process.ts";
import { Terminal, terminalTests } from "./_tmux.ts";

/** How a test finds jobs in a scheduler's live queue, by job name. */
const QUEUED: Record<"slurm" | "sge", (name: string) => Promise<string[]>> = {
  slurm: async (name) => lines(await run(["squeue", "-h", "-n", name, "-o", "%i"])),
  // qstat's columns: job-ID prior name user state …
  sge: async (name) =>
    lines(await run(["qstat", "-u", "*"])).map((line) => line.trim().split(/\s+/))
      .filter((words) => words[2] === name).map((words) => words[0]!),
};

async function run(argv: string[]): Promise<string> {
  const output = await new LocalTransport().run(argv, { timeout: 30_000 });
  assert.equal(output.code, 0, `${argv.join(" ")}: ${output.stderr}`);
  return output.stdout;
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** The job id `submit` printed: its last line of standard output. */
function submittedId(output: CliOutput): string {
  assert.equal(output.code, 0, said(output));
  const id = lines(output.stdout).at(-1) ?? "";
  assert.match(id, /^\d+$/, said(output));
  return id;
}

interface RunsDocument {
  version: number;
  runs: { jobId: string; name: string; status: string; exitCode: number | null }[];
  success?: boolean;
  summary?: Record<string, number>;
}

function json(output: CliOutput): RunsDocument {
  return JSON.parse(output.stdout) as RunsDocument;
}

/** A home whose default cluster is the real scheduler, jobs in its own folder. */
async function realHome(scheduler: string, extra = ""): Promise<CliHome> {
  const home = await CliHome.create();
  await home.writeConfig(
    `default: real\nclusters:\n  real:\n    backend: ${scheduler}\n    rootdir: ${home.work}/jobs\n${extra}`,
  );
  return home;
}

for (const scheduler of ["slurm", "sge"] as const) {
  realTests(scheduler as RealTargetName, () => {
    Deno.test(`clusterjob against real ${scheduler}: render, submit (cached), status, wait, cancel, list, clean`, async (t) => {
      await using home = await realHome(scheduler);
      // Names unique to this run (SGE's qstat shows 10 characters of a name).
      const tag = `c${crypto.randomUUID().slice(0, 4)}`;
      const job = (name: string, body: string) =>
        home.write(
          `${name}.yaml`,
          `name: ${tag}${name}\nbody: |\n${
            body.replace(/^/gm, "  ")
          }\nresources:\n  time: "00:05:00"\n`,
        );
      await job("ok", 'echo "hello from $CLUSTERJOB_ID"\nsleep 6');
      await job("bad", "exit 3");
      await job("long", "sleep 300");

      await t.step("render: the script for the profile's scheduler", async () => {
        const output = await home.run(["render", "ok.yaml"]);
        assert.equal(output.code, 0, said(output));
        assert.match(
          output.stdout,
          scheduler === "slurm"
            ? new RegExp(`^#SBATCH --job-name=${tag}ok$`, "m")
            : new RegExp(`^#\\$ -N ${tag}ok$`, "m"),
        );
        assert.match(output.stdout, /^echo "hello from \$\w+"$/m);
      });

      let ok = "";
      await t.step(
        "submit: a job id; submitted again, the cached run, not a second job",
        async () => {
          ok = submittedId(await home.run(["submit", "ok.yaml"]));
          const again = await home.run(["submit", "ok.yaml"]);
          assert.equal(submittedId(again), ok);
          assert.match(again.stdout + again.stderr, /already \(cached, (PENDING|RUNNING)\)/);
          assert.deepEqual(await QUEUED[scheduler](`${tag}ok`), [ok]);
        },
      );

      await t.step("status: the run, waiting or running", async () => {
        const output = await home.run(["status", ok]);
        assert.equal(output.code, 0, said(output));
        assert.match(
          output.stdout,
          new RegExp(`^${ok} +${tag}ok +real +${scheduler} +(PENDING|RUNNING) `, "m"),
        );
        const document = json(await home.run(["status", "--json"]));
        assert.deepEqual(document.runs.map((r) => [r.jobId, r.name]), [[ok, `${tag}ok`]]);
      });

      await t.step("wait: exit code 0 when the job completed, 1 when one failed", async () => {
        const done = await home.run(["wait", ok]);
        assert.equal(done.code, 0, said(done));
        assert.match(
          done.stdout,
          new RegExp(`^${ok} +${tag}ok +real +${scheduler} +COMPLETED +.+ +0 `, "m"),
        );
        assert.match(done.stderr, /^1\/1 done: 1 completed$/m);
        const output = await Deno.readTextFile(
          `${home.work}/jobs/${scheduler === "slurm" ? `slurm-${ok}.out` : `${tag}ok.o${ok}`}`,
        );
        assert.equal(output, `hello from ${ok}\n`);

        const bad = submittedId(await home.run(["submit", "bad.yaml"]));
        const failed = await home.run(["wait", bad]);
        assert.equal(failed.code, 1, said(failed));
        assert.match(
          failed.stdout,
          new RegExp(`^${bad} +${tag}bad +real +${scheduler} +FAILED +.+ +3 `, "m"),
        );
        const all = await home.run(["wait", "--json"]); // everything: one failed
        assert.equal(all.code, 1, said(all));
        assert.equal(json(all).success, false);
        assert.equal(json(all).summary?.completed, 1);
        assert.equal(json(all).summary?.failed, 1);
      });

      await t.step(
        "wait --timeout: exit code 124 while the job still runs; cancel ends it",
        async () => {
          const long = submittedId(await home.run(["submit", "long.yaml"]));
          const timedOut = await home.run(["wait", long, "--timeout", "2"]);
          assert.equal(timedOut.code, 124, said(timedOut));
          const cancelled = await home.run(["cancel", long]);
          assert.equal(cancelled.code, 0, said(cancelled));
          assert.match(
            cancelled.stderr,
            new RegExp(`^Cancelled ${tag}long \\(job ${long} on real\\)$`, "m"),
          );
          const after = await home.run(["wait", long, "--json"]);
          assert.equal(after.code, 1, said(after));
          assert.equal(json(after).runs[0]?.status, "CANCELLED");
          // SGE's qdel marks a running job for deletion (state dr) until its execd has killed it.
          for (let i = 0; i < 60 && (await QUEUED[scheduler](`${tag}long`)).length > 0; i++) {
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
          assert.deepEqual(await QUEUED[scheduler](`${tag}long`), []);
        },
      );

      await t.step("list, then clean --finished: the finished runs forgotten", async () => {
        const listed = await home.run(["list"]);
        assert.equal(listed.code, 0, said(listed));
        for (const name of ["ok", "bad", "long"]) {
          assert.match(
            listed.stdout,
            new RegExp(
              `^\\d+ +${tag}${name} +real +${scheduler} .* ${tag}${name}-[0-9a-f]{16}$`,
              "m",
            ),
          );
        }
        const cleaned = await home.run(["clean", "--finished"]);
        assert.equal(cleaned.code, 0, said(cleaned));
        assert.match(cleaned.stderr, /^Removed 3 finished cached runs$/m);
        assert.equal((await home.run(["list"])).stdout, "No runs.\n");
      });
    });
  });
}

realTests(["slurm", "sge", "ssh"], () => {
  Deno.test("clusterjob clusters checks each profile: local SLURM and SGE, SLURM over SSH, a host that is not there", async () => {
    await using home = await CliHome.create();
    await home.writeConfig(
      [
        "default: slurm",
        "clusters:",
        "  slurm:",
        "    backend: slurm",
        "  sge:",
        "    backend: sge",
        "  over-ssh:",
        "    backend: slurm",
        `    remote: ${sshTarget.host}`,
        "    ssh:",
        `      configFile: ${sshTarget.configFile}`,
        "  nowhere:",
        "    backend: slurm",
        "    remote: no-such-host.invalid",
        "    ssh:",
        "      connectTimeout: 5",
        "",
      ].join("\n"),
    );
    const output = await home.run(["clusters"]);
    assert.equal(output.code, 4, said(output)); // "nowhere" fails its check
    const rows = Object.fromEntries(
      lines(output.stdout).slice(1).map((line) => {
        const words = line.replace(/^\*?\s+/, "").split(/\s{2,}/);
        return [words[0], words.at(-1)];
      }),
    );
    assert.equal(rows.slurm, "ok: sbatch, squeue, sacct, scancel", output.stdout);
    assert.equal(rows.sge, "ok: qsub, qstat, qacct, qdel", output.stdout);
    assert.equal(rows["over-ssh"], "ok: sbatch, squeue, sacct, scancel", output.stdout);
    assert.match(rows.nowhere ?? "", /^cannot log in: .*no-such-host\.invalid/, output.stdout);

    const document = JSON.parse((await home.run(["clusters", "--json"])).stdout) as {
      clusters: {
        name: string;
        check: { ok: boolean; tools: { name: string; found: boolean }[] };
      }[];
    };
    const checked = Object.fromEntries(document.clusters.map((c) => [c.name, c.check]));
    assert.equal(checked["over-ssh"]?.ok, true);
    assert.ok(checked["over-ssh"]?.tools.every((tool) => tool.found));
    assert.equal(checked.nowhere?.ok, false);
  });

  Deno.test("clusterjob submit and wait over SSH: a profile with a remote host", async () => {
    await using home = await CliHome.create();
    const folder = `cli-test-${crypto.randomUUID().slice(0, 8)}`;
    await home.writeConfig(
      `default: hpc\nclusters:\n  hpc:\n    backend: slurm\n    remote: ${sshTarget.host}\n    ssh:\n      configFile: ${sshTarget.configFile}\n    rootdir: ${folder}\n`,
    );
    await home.write("hello.yaml", 'name: hello\nbody: echo "hello from $(hostname)"\n');
    const id = submittedId(await home.run(["submit", "hello.yaml"]));
    const done = await home.run(["wait"]);
    assert.equal(done.code, 0, said(done));
    assert.match(
      done.stdout,
      new RegExp(`^${id} +hello +hpc +slurm +COMPLETED +COMPLETED +0 `, "m"),
    );
    const clean = await home.run(["clean"]);
    assert.equal(clean.code, 0, said(clean));
    // the job's folder in the test user's home
    await run(["ssh", "-F", sshTarget.configFile, sshTarget.host, "rm", "-rf", "--", folder]);
  });
});

realTests("slurm", () =>
  terminalTests(() => {
    Deno.test("clusterjob wait on a terminal, real SLURM: one progress line, updated in place while the job runs", async () => {
      await using home = await realHome("slurm");
      await home.write("slow.yaml", "name: slow\nbody: sleep 12\n");
      const id = submittedId(await home.run(["submit", "slow.yaml"]));
      await using terminal = await Terminal.start(await home.commandLine(["wait"]), {
        record: true,
      });
      // While nothing changes, the line says how long it has waited (every 5 s on a terminal).
      await terminal.waitFor(/^0\/1 done; 1 (?:pending|running) \(waited \d+s\)$/m);
      const screen = await terminal.waitFor(/^EXITED 0$/m, 60);
      assert.match(
        screen,
        new RegExp(`^1/1 done: 1 completed\nID .*\n${id} +slow +real +slurm +COMPLETED `, "m"),
      );
      assert.doesNotMatch(screen, /^0\/1 done/m);
      const output = (await terminal.waitForOutput(/EXITED 0/)).replaceAll("\x1b[2K", "<EL>");
      assert.match(
        output,
        /0\/1 done; 1 (?:pending|running)(\r<EL>0\/1 done; 1 (?:pending|running)(?: \(waited \d+s\))?)+\r<EL>1\/1 done: 1 completed\r?\n/,
      );
    });
  }));
