/**
 * The tutorial job of the original clusterjob documentation ("Hello World"): prints where and
 * when it runs, waits a moment, and says goodbye. Used by the demo and the golden tests.
 *
 * @module
 */

import { JobScript } from "../mod.ts";

/** Seconds the tutorial job sleeps (the original slept 90 s; a demo should not wait that long). */
export const TUTORIAL_SLEEP_SECONDS = 1;

/**
 * The tutorial job for one backend.
 *
 * @param backend A built-in backend name: `"slurm"`, `"pbs"`, `"pbspro"`, `"lsf"` or `"sge"`.
 * @returns The job script.
 *
 * @example Usage
 * ```ts
 * import { tutorialJob } from "./tutorial.ts";
 * console.assert(tutorialJob("slurm").render().includes("$SLURM_JOB_ID"));
 * ```
 */
export function tutorialJob(backend: string): JobScript {
  return new JobScript({
    name: "printenv",
    backend,
    body: `
      echo "####################################################"
      echo "Job id:         $CLUSTERJOB_ID"
      echo "Job name:       $CLUSTERJOB_NAME"
      echo "Submitted from: $CLUSTERJOB_WORKDIR"
      echo "Running on:     $(hostname)"
      echo "Started:        $(date)"
      sleep {sleep}
      echo "Finished:       $(date)"
      echo "####################################################"
    `,
    resources: {
      queue: "test",
      time: "00:05:00",
      nodes: 1,
      threads: 1,
      mem: 100,
      stdout: "printenv.out",
      stderr: "printenv.err",
    },
    vars: { sleep: TUTORIAL_SLEEP_SECONDS },
  });
}
