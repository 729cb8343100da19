/**
 * What the SGE emulator's tests share: the recording VM's job scripts and directory, and the
 * shell-mode check that runs a recorded script for real and compares the file it writes with the
 * recorded one (test/fixtures/real-outputs/sge).
 *
 * @module
 */

import assert from "node:assert/strict";
import type { SimCluster } from "../../../sim/mod.ts";
import { normalizeOutput, readRecording } from "../../_normalize.ts";
import { recordingVm } from "../../_replay.ts";

/** The recording's job directory. */
export const DIR = "/srv/cj/jobs/sge";

/** The job scripts of the recording (`jobs/sge/*` in the transcript). */
export const SCRIPTS: Record<string, string> = {
  "array.sh":
    '#!/bin/bash\n#$ -N arr\n#$ -cwd\necho "task $SGE_TASK_ID of array job $JOB_ID (first=$SGE_TASK_FIRST last=$SGE_TASK_LAST step=$SGE_TASK_STEPSIZE)"\nsleep 3\n',
  "env.sh":
    '#!/bin/bash\n#$ -N envdump\n#$ -cwd\n#$ -o env.$JOB_ID.$TASK_ID.out\n#$ -j y\necho "## interpreter: $(readlink /proc/$$/exe)  \\$0=$0"\nenv | sort\n',
  "exit100.sh":
    '#!/bin/bash\n#$ -N exit100\n#$ -cwd\necho "exit 100 puts the job into error state"\nexit 100\n',
  "fail.sh":
    '#!/bin/bash\n#$ -N fail\n#$ -cwd\necho "about to fail"\necho "error text" >&2\nexit 3\n',
  "ok.sh":
    '#!/bin/bash\n#$ -N ok\n#$ -cwd\necho "hello from job $JOB_ID on $(hostname)"\nsleep 2\n',
  "sleep.sh": '#!/bin/bash\n#$ -N sleeper\n#$ -cwd\nsleep "${1:-600}"\n',
};

/** A copy of the recording VM whose jobs run for real, numbering jobs from `firstJobId`. */
export function shellCluster(firstJobId: number): SimCluster {
  return recordingVm({ scheduler: "sge", firstJobId, execution: "shell" }, DIR, SCRIPTS);
}

/**
 * Normalises a job's own output. Beyond paths, host and pids: the recording VM's root profile
 * (login shells) put `/root/.cargo/bin` and pyenv into PATH and the environment.
 */
export function normJobOutput(cluster: SimCluster, text: string): string {
  return normalizeOutput(text, {
    paths: { [cluster.fs.root]: "" },
    hosts: ["vm", "localhost", Deno.hostname()],
    replace: [
      [/^PATH=.*$/m, "PATH=<EXECD PATH>"],
      [/^PYENV_.*\n/gm, ""],
    ],
  });
}

/** Submits `argv` on a shell cluster, runs it, and compares `file` with the recording's output. */
export async function shellCase(
  firstJobId: number,
  argv: string[],
  env: Record<string, string>,
  file: string,
  recordingName: string,
  filter: (text: string) => string = (text) => text,
): Promise<void> {
  await using cluster = shellCluster(firstJobId);
  const out = await cluster.run(argv, { cwd: DIR, env });
  assert.equal(out.code, 0, out.stderr);
  await cluster.runUntilIdle();
  const text = cluster.fs.readText(`${DIR}/${file}`);
  assert.notEqual(text, undefined, `missing ${file}`);
  const recording = readRecording("sge", recordingName);
  assert.equal(normJobOutput(cluster, filter(text!)), normJobOutput(cluster, recording.stdout));
}
