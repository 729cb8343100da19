/**
 * Drives each simulated scheduler by hand, as a user at a login node would: write a script,
 * submit it with the scheduler's own tool, look at the queue, let the jobs run, ask accounting.
 *
 * ```sh
 * deno run -A examples/by_hand.ts          # all four schedulers
 * deno run -A examples/by_hand.ts lsf      # one of slurm, pbs, pbspro, lsf, sge
 * ```
 *
 * @module
 */

import { type SchedulerKind, SimCluster } from "../sim/mod.ts";

/** One user action: the command line typed at the login node; `< job.sh` feeds the script. */
interface Step {
  argv: string[];
  scriptOnStdin?: boolean;
}

/** The job script and the session each scheduler's user would type. */
const SESSIONS: Record<SchedulerKind, { script: string; steps: Step[]; after: Step[] }> = {
  slurm: {
    script: "#!/bin/bash\n#SBATCH --job-name=by-hand\n#SBATCH --time=00:05:00\necho hi\nexit 3\n",
    steps: [{ argv: ["sbatch", "job.sh"] }, { argv: ["squeue"] }],
    after: [
      { argv: ["squeue", "-t", "all"] },
      { argv: ["sacct", "-X", "-P", "-o", "JobID,JobName,State,ExitCode"] },
    ],
  },
  pbs: {
    script: "#!/bin/bash\n#PBS -N by-hand\n#PBS -l walltime=00:05:00\necho hi\nexit 3\n",
    steps: [{ argv: ["qsub", "job.sh"] }, { argv: ["qstat"] }],
    after: [{ argv: ["qstat"] }, { argv: ["qstat", "-f", "1"] }],
  },
  pbspro: {
    script: "#!/bin/bash\n#PBS -N by-hand\n#PBS -l walltime=00:05:00\necho hi\nexit 3\n",
    steps: [{ argv: ["qsub", "job.sh"] }, { argv: ["qstat"] }],
    after: [{ argv: ["qstat", "-x"] }],
  },
  lsf: {
    script: "#!/bin/bash\n#BSUB -J by-hand\n#BSUB -W 5\n#BSUB -o by-hand.%J.out\necho hi\nexit 3\n",
    // `bsub < job.sh`: the script arrives on standard input.
    steps: [{ argv: ["bsub"], scriptOnStdin: true }, { argv: ["bjobs"] }],
    after: [{ argv: ["bjobs", "-a"] }, { argv: ["bhist", "-l", "1"] }],
  },
  sge: {
    script: "#!/bin/bash\n#$ -N by-hand\n#$ -l h_rt=00:05:00\n#$ -cwd\necho hi\nexit 3\n",
    steps: [{ argv: ["qsub", "job.sh"] }, { argv: ["qstat"] }],
    after: [{ argv: ["qstat"] }, { argv: ["qacct", "-j", "1"] }],
  },
};

/**
 * Runs one scheduler's session on a fresh simulated cluster and returns the transcript.
 *
 * @param scheduler Which scheduler to drive.
 * @returns The transcript: each command line after `$ `, then what it printed.
 */
export async function driveByHand(scheduler: SchedulerKind): Promise<string> {
  const session = SESSIONS[scheduler];
  await using cluster = new SimCluster({ scheduler });
  const shell = cluster.transport();
  await shell.writeFile(`${cluster.home}/job.sh`, session.script);
  let transcript = "";
  const type = async (step: Step) => {
    const stdin = step.scriptOnStdin ? { stdin: session.script } : {};
    const result = await shell.run(step.argv, { cwd: cluster.home, ...stdin });
    const redirect = step.scriptOnStdin ? " < job.sh" : "";
    transcript += `$ ${step.argv.join(" ")}${redirect}\n${result.stdout}${result.stderr}`;
  };

  for (const step of session.steps) await type(step);
  await cluster.runUntilIdle(); // the virtual clock runs the job to its end
  transcript += "# ... the job ran (exit 3) ...\n";
  for (const step of session.after) await type(step);
  return transcript;
}

if (import.meta.main) {
  const chosen = Deno.args.length > 0
    ? Deno.args as SchedulerKind[]
    : ["slurm", "pbs", "pbspro", "lsf", "sge"] as SchedulerKind[];
  for (const scheduler of chosen) {
    if (!(scheduler in SESSIONS)) throw new TypeError(`Unknown scheduler "${scheduler}"`);
    console.log(`===== ${scheduler} =====\n${await driveByHand(scheduler)}`);
  }
}
