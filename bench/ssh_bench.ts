// SSH against local, side by side in one run, on the sshd at 127.0.0.1 (sudo
// test/real/sshd-up.sh). Prints:
//  1. the cost of one command (the `true` program, and a scheduler query when SLURM is up) through
//     LocalTransport, through SshTransport's persistent shell session, and with one `ssh` per
//     command (`persistentSession: false`, as before): medians of interleaved rounds, and the
//     ratios SSH / local (goal for the session: <= 1.5);
//  2. 100 jobs submitted one by one (`JobScript.submit`, no run cache) locally, over SSH with the
//     session (folder, files and submit in one command), over the session with the files in a
//     command of their own (as before `writeFilesThenRun`), over SSH one-shot, and as before the
//     session (one-shot, a command per folder and file), interleaved in blocks of 10: against
//     the real SLURM when `scontrol ping` answers (held jobs, cancelled at the end), else
//     against a stand-in `sbatch` (a shell script printing an id) on both sides; the line says
//     which.
// The headline figures (per command SSH/local, 100 submissions SSH/local) go to the summary
// table of `deno task bench` (bench/_figures.ts). Skips with one line when the sshd does not
// answer. Holds /tmp/clusterjob-real.lock (as `flock` does) while it uses the real targets.
//
//   deno run -A bench/ssh_bench.ts [--rounds N] [--jobs N]     (defaults 15 rounds, 100 jobs)

import { JobScript } from "../src/job/job_script.ts";
import { LocalTransport } from "../src/transports/local_transport.ts";
import { SshTransport } from "../src/transports/ssh_transport.ts";
import type { Transport } from "../src/core/transport.ts";
import { sshTarget } from "../test/real/_targets.ts";
import { withRun } from "../test/_wrapped_transport.ts";
import { figure } from "./_figures.ts";

const args = [...Deno.args];
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROUNDS = flag("--rounds", 15);
const JOBS = flag("--jobs", 100);
const PER_ROUND = 20;

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}×`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function answers(argv: string[]): Promise<boolean> {
  try {
    const output = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return output.success;
  } catch {
    return false;
  }
}

/**
 * `inner` with `sbatch` replaced by `program` (the stand-in) when given. `files` says how a
 * submission writes its files: "with-submit" in the submit command's round trip
 * (`writeFilesThenRun`, where `inner` has it), "batched" in a command of their own
 * (`writeFiles`), "one-by-one" a command per folder and file (as before `writeFiles`).
 */
function wrapped(
  inner: Transport,
  program: string | undefined,
  files: "with-submit" | "batched" | "one-by-one",
): Transport {
  const mapped = (argv: readonly string[]) =>
    program && argv[0] === "sbatch" ? [program, ...argv.slice(1)] : argv;
  const { writeFiles: _, ...unbatched } = withRun(
    inner,
    (argv, options) => inner.run(mapped(argv), options),
  );
  if (files === "one-by-one") return unbatched;
  const batched = { ...unbatched, writeFiles: inner.writeFiles!.bind(inner) };
  if (files === "batched" || !inner.writeFilesThenRun) return batched;
  return {
    ...batched,
    writeFilesThenRun: (list, argv, options) =>
      inner.writeFilesThenRun!(list, mapped(argv), options),
  };
}

interface Variant {
  label: string;
  transport: Transport;
  /** Where its jobs' folders go. */
  root: string;
}

async function main(): Promise<void> {
  const sshArgv = ["ssh", "-F", sshTarget.configFile, "-o", "BatchMode=yes", sshTarget.host];
  if (!(await answers([...sshArgv, "true"]))) {
    console.log(
      `ssh bench: skipped (no sshd answers as ${sshTarget.host}; to run it: sudo test/real/sshd-up.sh)`,
    );
    return;
  }
  const slurmUp = await answers(["scontrol", "ping"]);
  const local = new LocalTransport();
  const options = { host: sshTarget.host, configFile: sshTarget.configFile };
  const session = new SshTransport(options);
  const oneShot = new SshTransport({ ...options, persistentSession: false });
  const localRoot = await Deno.makeTempDir({ prefix: "cj-ssh-bench-" });
  await Deno.chmod(localRoot, 0o755);
  const remoteRoot = `~/cj-ssh-bench-${Deno.pid}`;
  const ids: string[] = [];
  try {
    // the connections and the session are up before anything is timed
    for (const transport of [session, oneShot]) await transport.run(["true"]);

    // 1. one command
    // a program, not the shell builtin `true`: both sides start the same process
    const trueProgram = ["/usr/bin/true", "/bin/true"].find((path) => {
      try {
        return Deno.statSync(path).isFile;
      } catch {
        return false;
      }
    }) ?? "true";
    const commands: [string, string[]][] = [[trueProgram, [trueProgram]]];
    if (slurmUp) commands.push(["squeue -h -j 1", ["squeue", "-h", "-j", "1"]]);
    for (const [name, argv] of commands) {
      const transports: [string, Transport][] = [
        ["local", local],
        ["session", session],
        ["oneShot", oneShot],
      ];
      const times = new Map<string, number[]>(transports.map(([label]) => [label, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < transports.length; i++) {
          const [label, transport] = transports[(round + i) % transports.length]!;
          const start = performance.now();
          for (let n = 0; n < PER_ROUND; n++) await transport.run(argv);
          times.get(label)!.push((performance.now() - start) / PER_ROUND);
        }
      }
      const [base, viaSession, viaOneShot] = ["local", "session", "oneShot"].map((label) =>
        median(times.get(label)!)
      ) as [number, number, number];
      figure({
        name: `SSH per command \`${name}\` (session)`,
        value: viaSession,
        unit: "ms",
        baseline: { label: "local", value: base },
        goal: { op: "<=", value: 1.5, on: "ratio" },
      });
      console.log(
        `ssh per command \`${name}\` (median of ${ROUNDS} interleaved rounds of ${PER_ROUND}): ` +
          `local ${ms(base)}, SSH session ${ms(viaSession)} -> SSH/local ${
            ratio(viaSession, base)
          } (goal <= 1.5); SSH one ssh per command ${ms(viaOneShot)} -> ${ratio(viaOneShot, base)}`,
      );
    }

    // 2. 100 jobs
    let standIn: string | undefined;
    if (!slurmUp) {
      // readable by the ssh test user too: same machine, another account
      const dir = await Deno.makeTempDir({ prefix: "cj-standin-" });
      await Deno.chmod(dir, 0o755);
      standIn = `${dir}/sbatch`;
      await Deno.writeTextFile(standIn, "#!/bin/sh\necho $$\n", { mode: 0o755 });
    }
    const variants: Variant[] = [
      { label: "local", transport: wrapped(local, standIn, "with-submit"), root: localRoot },
      {
        label: "SSH session",
        transport: wrapped(session, standIn, "with-submit"),
        root: remoteRoot,
      },
      {
        label: "SSH session 2 trips",
        transport: wrapped(session, standIn, "batched"),
        root: remoteRoot,
      },
      {
        label: "SSH one-shot",
        transport: wrapped(oneShot, standIn, "with-submit"),
        root: remoteRoot,
      },
      { label: "SSH before", transport: wrapped(oneShot, standIn, "one-by-one"), root: remoteRoot },
    ];
    const totals = new Map<string, number>(variants.map((variant) => [variant.label, 0]));
    const block = 10;
    for (let first = 0; first < JOBS; first += block) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(first / block + i) % variants.length]!;
        const start = performance.now();
        for (let n = first; n < Math.min(JOBS, first + block); n++) {
          const slug = variant.label.replaceAll(" ", "-");
          const job = new JobScript({
            name: `bench-${slug}-${n}`,
            body: "sleep 60",
            rootdir: variant.root,
            workdir: `${slug}-${n}`,
            resources: { time: 5, hold: true },
            auxScripts: { "setup.sh": "echo setup\n" },
          });
          ids.push((await job.submit({ transport: variant.transport, cacheFolder: "" })).jobId);
        }
        totals.set(variant.label, totals.get(variant.label)! + performance.now() - start);
      }
    }
    const against = slurmUp
      ? "real SLURM (held jobs)"
      : "a stand-in sbatch script (SLURM is not up)";
    const base = totals.get("local")!;
    const viaSession = totals.get("SSH session")!;
    const twoTrips = totals.get("SSH session 2 trips")!;
    const viaOneShot = totals.get("SSH one-shot")!;
    const before = totals.get("SSH before")!;
    const s = (value: number): string => `${(value / 1000).toFixed(2)} s`;
    console.log(
      `ssh ${JOBS} jobs submitted one by one against ${against}, job script + 1 aux script each: ` +
        `local ${s(base)}, SSH session (files and submit in one command) ${s(viaSession)} -> ` +
        `SSH/local ${ratio(viaSession, base)} (goal <= 1.5); ` +
        `SSH session, files then submit (two commands) ${s(twoTrips)} -> ${
          ratio(twoTrips, base)
        }; SSH one ssh per submission ${s(viaOneShot)} -> ${ratio(viaOneShot, base)}; ` +
        `as before (one ssh per command, a command per folder and file) ${s(before)} -> ${
          ratio(before, base)
        }`,
    );
    figure({
      name: `SSH ${JOBS} submissions one by one (${slurmUp ? "real SLURM" : "stand-in sbatch"})`,
      value: viaSession / 1000,
      unit: "s",
      baseline: { label: "local", value: base / 1000 },
      goal: { op: "<=", value: 1.5, on: "ratio" },
    });
    figure({
      name: `SSH ${JOBS} submissions, files then submit (two commands each)`,
      value: twoTrips / 1000,
      unit: "s",
      baseline: { label: "local", value: base / 1000 },
    });
    if (standIn !== undefined) {
      await Deno.remove(standIn.replace(/\/sbatch$/, ""), { recursive: true });
    }
  } finally {
    if (slurmUp && ids.length > 0) {
      for (let i = 0; i < ids.length; i += 200) {
        await local.run(["scancel", ...ids.slice(i, i + 200)]).catch(() => {});
      }
    }
    await session.run(["rm", "-rf", "--", remoteRoot.replace(/^~\//, "")]).catch(() => {});
    await Promise.all([session.close(), oneShot.close()]);
    await Deno.remove(localRoot, { recursive: true });
  }
}

// the real targets are shared: one user at a time, as `flock /tmp/clusterjob-real.lock` does
const lock = await Deno.open("/tmp/clusterjob-real.lock", {
  read: true,
  write: true,
  create: true,
});
await lock.lock(true);
try {
  await main();
} finally {
  await lock.unlock();
  lock.close();
}
