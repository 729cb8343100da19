// Benchmark: what one command costs to start (issue 13, deliverable 4). Side by side in one run,
// interleaved, median of N rounds: a trivial command (`true`) through a raw `Deno.Command`, through
// LocalTransport without and with a time limit (a time limit makes the child a process-group
// leader, which Deno starts with fork() instead of posix_spawn), and the same command started by
// a `bash` loop (the floor: fork+exec from a small process). With the real SLURM up
// (CLUSTERJOB_REAL=slurm), the same for `sbatch --parsable --hold` of a script written once.
//
//   deno run -A bench/spawn_bench.ts [--rounds N]

import { LocalTransport } from "../src/transports/local_transport.ts";
import { figure } from "./_figures.ts";
import { realEnabled } from "../test/real/_targets.ts";

const args = [...Deno.args];
const roundsFlag = args.indexOf("--rounds");
const ROUNDS = roundsFlag >= 0 ? Number(args[roundsFlag + 1]) : 200;
const local = new LocalTransport();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

/** Per-command time of `argv` run `count` times by a bash loop (one bash, its fork+exec). */
async function bashLoop(argv: string[], count: number): Promise<number> {
  // `type -P`: the program itself, never a bash builtin of the same name (`true`)
  const quoted = [
    `"$(type -P ${argv[0]})"`,
    ...argv.slice(1).map((word) => `'${word.replaceAll("'", `'\\''`)}'`),
  ].join(" ");
  const script = `for ((i = 0; i < ${count}; i++)); do ${quoted} >/dev/null; done`;
  const ms = await timed(() =>
    new Deno.Command("bash", { args: ["-c", script], stdout: "null" }).output()
  );
  return ms / count;
}

async function compare(label: string, argv: string[], rounds: number): Promise<void> {
  const raw: number[] = [];
  const plain: number[] = [];
  const limited: number[] = [];
  const detached: number[] = [];
  const variants: [number[], () => Promise<unknown>][] = [
    [raw, () =>
      new Deno.Command(argv[0]!, {
        args: argv.slice(1),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output()],
    [plain, () => local.run(argv)],
    [limited, () => local.run(argv, { timeout: 120_000 })],
    // how a killable child was started before: Deno's `detached` (fork of this process)
    [detached, () =>
      new Deno.Command(argv[0]!, {
        args: argv.slice(1),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true,
      }).output()],
  ];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const [into, action] = variants[(round + i) % variants.length]!;
      into.push(await timed(action));
    }
  }
  const floor = await bashLoop(argv, rounds);
  const r = median(raw);
  figure({
    name: `${label}: LocalTransport.run`,
    value: median(plain),
    unit: "ms",
    baseline: { label: "raw Deno.Command", value: r },
    goal: { op: "<=", value: 1.05, on: "ratio" },
  });
  figure({
    name: `${label}: LocalTransport.run with a timeout`,
    value: median(limited),
    unit: "ms",
    baseline: { label: "raw Deno.Command", value: r },
  });
  const f = (value: number) => `${value.toFixed(2)} ms`;
  console.log(
    `${label} (median of ${rounds}, interleaved):\n` +
      `  raw Deno.Command:                 ${f(r)}\n` +
      `  LocalTransport.run:               ${f(median(plain))} -> ${
        (median(plain) / r).toFixed(3)
      } x raw\n` +
      `  LocalTransport.run with timeout:  ${f(median(limited))} -> ${
        (median(limited) / r).toFixed(3)
      } x raw\n` +
      `  raw Deno.Command, detached:       ${f(median(detached))} -> ${
        (median(detached) / r).toFixed(3)
      } x raw (how LocalTransport started a child with a timeout before)\n` +
      `  bash loop (fork+exec floor):      ${f(floor)} -> raw is ${(r / floor).toFixed(2)} x it`,
  );
}

await compare("spawn `true`", ["true"], ROUNDS);
if (realEnabled("slurm")) {
  const folder = await Deno.makeTempDir({ prefix: "clusterjob-spawn-" });
  const script = `${folder}/job.sh`;
  await Deno.writeTextFile(script, "#!/bin/bash\n#SBATCH --time=1\ntrue\n", { mode: 0o755 });
  try {
    await compare("real `sbatch --parsable --hold`", [
      "sbatch",
      "--parsable",
      "--hold",
      `--chdir=${folder}`,
      script,
    ], 20);
  } finally {
    await new Deno.Command("scancel", { args: ["--name=job.sh"] }).output();
    await Deno.remove(folder, { recursive: true });
  }
}
