// Benchmark on the real targets (test/real/*-up.sh; enabled like the real tests, with
// CLUSTERJOB_REAL=slurm,sge,ssh). Prints:
//  1. library submit (`JobScript.submit`: new folder, script file written atomically, submit
//     command, id; without and with the run cache) against two raw baselines, median of
//     interleaved rounds and ratios (goal <= 1.05): the raw submit command alone on a script
//     written beforehand (`sbatch --parsable`, `qsub -terse`), and what a user does without the
//     library for each job: create its folder, write the script, run the submit command;
//  2. one status poll of 100 live (held) jobs through the library's batched query vs 100 raw
//     per-job queries (`squeue -h -j ID`, `qstat -j ID`), as the peers do;
//  3. the cost of one command over SSH on the multiplexed connection vs a fresh `ssh` each time.
// Skips with one line when the real targets are not enabled. Jobs it submits are held and
// cancelled at the end.
//
//   deno run -A bench/real_bench.ts [--rounds N]      (default 25 submit rounds)

import { figure } from "./_figures.ts";
import { AsyncResult } from "../src/run/async_result.ts";
import { JobScript } from "../src/job/job_script.ts";
import { LocalTransport } from "../src/transports/local_transport.ts";
import { SshTransport } from "../src/transports/ssh_transport.ts";
import { pollerFor } from "../src/run/_poller.ts";
import type { Backend } from "../src/core/backend.ts";
import { sge } from "../backends/sge.ts";
import { slurm } from "../backends/slurm.ts";
import { realEnabled, realTargets, sshTarget } from "../test/real/_targets.ts";

const args = [...Deno.args];
const roundsFlag = args.indexOf("--rounds");
const ROUNDS = roundsFlag >= 0 ? Number(args[roundsFlag + 1]) : 25;
const POLLED_JOBS = 100;

const local = new LocalTransport();

/** Runs a command directly (no transport): the "raw" baseline. */
async function raw(argv: string[], cwd?: string): Promise<string> {
  const output = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(cwd ? { cwd } : {}),
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`${argv.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
  return text;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

interface Scheduler {
  name: "slurm" | "sge";
  backend: Backend;
  /** A raw submit of `file` (in the current folder), held; prints the job id. */
  rawSubmit(file: string): string[];
  /** Parses the id of a raw submit. */
  id(stdout: string): string;
  /** A raw per-job status query, as a per-job polling loop would run it. */
  rawStatus(id: string): string[];
  /** Resources that hold a job. */
  hold: Record<string, boolean>;
}

const SCHEDULERS: Scheduler[] = [
  {
    name: "slurm",
    backend: slurm,
    rawSubmit: (file) => ["sbatch", "--parsable", "--hold", file],
    id: (stdout) => stdout.trim().split(";")[0]!,
    rawStatus: (id) => ["squeue", "-h", "-j", id],
    hold: { hold: true },
  },
  {
    name: "sge",
    backend: sge,
    rawSubmit: (file) => ["qsub", "-terse", "-h", file],
    id: (stdout) => stdout.trim(),
    rawStatus: (id) => ["qstat", "-j", id],
    hold: { h: true },
  },
];

async function benchScheduler(scheduler: Scheduler, root: string): Promise<void> {
  const ids: string[] = [];
  try {
    // 1. submit. Each round runs, in rotating order: the raw command on a script written once;
    // the raw command after creating a new folder and writing the script there (plainly, as a
    // user would); the library without and with the run cache (each in a new folder).
    const rawDir = `${root}/${scheduler.name}-raw`;
    await Deno.mkdir(rawDir);
    const jobAt = (name: string, workdir: string): JobScript =>
      new JobScript({
        name,
        body: "sleep 60",
        backend: scheduler.backend,
        rootdir: root,
        workdir,
        resources: { time: 5, ...scheduler.hold },
      });
    const probe = jobAt("bench", rawDir);
    await Deno.writeTextFile(`${rawDir}/job.sh`, probe.render());
    const times: Record<"raw" | "rawWrite" | "lib" | "libCache", number[]> = {
      raw: [],
      rawWrite: [],
      lib: [],
      libCache: [],
    };
    const cacheFolder = `${root}/${scheduler.name}-cache`;
    for (let round = 0; round < ROUNDS; round++) {
      const userDir = `${root}/${scheduler.name}-user-${round}`;
      const userScript = jobAt(`bench-user-${round}`, userDir).render();
      const job = jobAt(`bench-${round}`, `${scheduler.name}-lib-${round}`);
      const cached = jobAt(`bench-cached-${round}`, `${scheduler.name}-libcache-${round}`);
      const variants: [number[], () => Promise<unknown>][] = [
        [
          times.raw,
          async () => ids.push(scheduler.id(await raw(scheduler.rawSubmit("job.sh"), rawDir))),
        ],
        [times.rawWrite, async () => {
          await Deno.mkdir(userDir);
          await Deno.writeTextFile(`${userDir}/job.sh`, userScript, { mode: 0o755 });
          ids.push(scheduler.id(await raw(scheduler.rawSubmit("job.sh"), userDir)));
        }],
        [
          times.lib,
          async () => ids.push((await job.submit({ transport: local, cacheFolder: "" })).jobId),
        ],
        [
          times.libCache,
          async () => ids.push((await cached.submit({ transport: local, cacheFolder })).jobId),
        ],
      ];
      // a different variant goes first each round, so none always follows the same one
      for (let i = 0; i < variants.length; i++) {
        const [into, action] = variants[(round + i) % variants.length]!;
        into.push(await timed(action));
      }
    }
    const [raw1, rawWrite, lib, libCache] = [times.raw, times.rawWrite, times.lib, times.libCache]
      .map(median) as [number, number, number, number];
    const rawCommand = scheduler.rawSubmit("FILE").join(" ");
    const ratio = (a: number, b: number): string => (a / b).toFixed(3);
    figure({
      name: `real ${scheduler.name}: library submit (no cache)`,
      value: lib,
      unit: "ms",
      baseline: { label: `raw ${rawCommand}`, value: raw1 },
      goal: { op: "<=", value: 1.05, on: "ratio" },
    });
    console.log(
      `${scheduler.name} submit (median of ${ROUNDS}, interleaved; goal ratio <= 1.05):\n` +
        `  raw ${rawCommand} alone (script written once):  ${ms(raw1)}\n` +
        `  raw mkdir + write script + ${rawCommand}:        ${ms(rawWrite)}\n` +
        `  library, no cache:   ${ms(lib)} -> ratio ${ratio(lib, raw1)} vs raw alone, ` +
        `${ratio(lib, rawWrite)} vs raw with the script write\n` +
        `  library, run cache:  ${ms(libCache)} -> ratio ${ratio(libCache, raw1)} vs raw alone, ` +
        `${ratio(libCache, rawWrite)} vs raw with the script write`,
    );

    // 2. one poll of 100 held jobs: one batched library round vs 100 per-job commands
    const polled: string[] = [];
    for (let i = 0; i < POLLED_JOBS; i++) {
      polled.push(scheduler.id(await raw(scheduler.rawSubmit("job.sh"), rawDir)));
    }
    ids.push(...polled);
    const transport = new LocalTransport();
    const poller = pollerFor(transport, scheduler.backend);
    const libraryPolls: number[] = [];
    const rawPolls: number[] = [];
    let commandsPerRound = 0;
    for (let round = 0; round < 3; round++) {
      const runs = polled.map((jobId) =>
        new AsyncResult({ jobId, backend: scheduler.backend, transport })
      );
      const before = poller.stats.commands;
      libraryPolls.push(await timed(() => Promise.all(runs.map((run) => run.refresh()))));
      commandsPerRound = poller.stats.commands - before;
      const pending = runs.filter((run) => run.status < 0).length;
      if (pending !== POLLED_JOBS) throw new Error(`${pending} of ${POLLED_JOBS} jobs seen live`);
      // the per-job loop is slow (qstat -j: ~150 ms a job): once is enough
      if (round === 0) {
        rawPolls.push(
          await timed(async () => {
            for (const id of polled) await raw(scheduler.rawStatus(id));
          }),
        );
      }
    }
    figure({
      name: `real ${scheduler.name}: status of ${POLLED_JOBS} held jobs, one library poll`,
      value: median(libraryPolls),
      unit: "ms",
      baseline: { label: `${POLLED_JOBS} per-job queries`, value: median(rawPolls) },
    });
    console.log(
      `${scheduler.name} status of ${POLLED_JOBS} held jobs: library batched poll ` +
        `${ms(median(libraryPolls))} (median of 3; ${commandsPerRound} command) vs ` +
        `${POLLED_JOBS} x ` +
        `${scheduler.rawStatus("ID").join(" ")} ${ms(median(rawPolls))} -> ` +
        `${(median(rawPolls) / median(libraryPolls)).toFixed(0)}x faster`,
    );
  } finally {
    if (ids.length > 0) await local.run(scheduler.backend.cancelCommand(ids), { timeout: 60_000 });
  }
}

async function benchSsh(): Promise<void> {
  const commands: string[][] = [["true"], ["squeue", "-h", "-j", "1"]];
  const ssh = new SshTransport({ host: sshTarget.host, configFile: sshTarget.configFile });
  try {
    const first = await timed(() => ssh.run(["true"]));
    for (const argv of commands) {
      if (argv[0] === "squeue" && !realEnabled("slurm")) continue;
      const mux: number[] = [];
      const fresh: number[] = [];
      for (let i = 0; i < 10; i++) {
        mux.push(await timed(() => ssh.run(argv)));
        // a plain ssh, not sharing any connection
        fresh.push(
          await timed(() =>
            new Deno.Command("ssh", {
              args: [
                "-F",
                sshTarget.configFile,
                "-o",
                "BatchMode=yes",
                "-o",
                "ControlMaster=no",
                "-o",
                "ControlPath=none",
                sshTarget.host,
                ...argv,
              ],
              stdin: "null",
              stdout: "null",
              stderr: "null",
            }).output()
          ),
        );
      }
      figure({
        name: `ssh per command \`${argv.join(" ")}\`: multiplexed SshTransport`,
        value: median(mux),
        unit: "ms",
        baseline: { label: "fresh ssh", value: median(fresh) },
      });
      console.log(
        `ssh per command \`${argv.join(" ")}\` (median of 10): multiplexed SshTransport ` +
          `${ms(median(mux))} vs fresh ssh ${ms(median(fresh))} -> ` +
          `${(median(fresh) / median(mux)).toFixed(1)}x (first command, opening the master: ${
            ms(first)
          })`,
      );
    }
  } finally {
    await ssh.close();
  }
}

const enabled = SCHEDULERS.filter((scheduler) => realEnabled(scheduler.name));
if (enabled.length === 0 && !realEnabled("ssh")) {
  const asked = Object.values(realTargets).filter((target) => target.wanted);
  console.log(
    `real_bench skipped: no real target enabled${
      asked.length > 0 ? ` (${asked.map((t) => `${t.name}: ${t.problem}`).join("; ")})` : ""
    }; to run it: sudo test/real/{slurm,sge,sshd}-up.sh, then CLUSTERJOB_REAL=slurm,sge,ssh deno task bench`,
  );
} else {
  const root = await Deno.makeTempDir({ prefix: "clusterjob-real-bench-" });
  try {
    for (const scheduler of enabled) await benchScheduler(scheduler, root);
    if (realEnabled("ssh")) await benchSsh();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
