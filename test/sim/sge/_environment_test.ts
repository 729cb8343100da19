/**
 * The environment of SGE jobs (sim/sge/_environment.ts): recorded job scripts run for real and
 * their `env | sort` matches the recorded one.
 */

import { shellWords } from "../../_normalize.ts";
import { ENV_I } from "../../_replay.ts";
import { shellCase } from "./_recording.ts";

Deno.test("sge shell mode: the environment of a plain job, run by /bin/sh (083)", () =>
  shellCase(
    23,
    ["qsub", "-terse", "env.sh"],
    ENV_I,
    "env.23.0.out",
    "083-env-sort-inside-a-plain-job",
  ));

Deno.test("sge shell mode: the environment of array task 2 (085)", () =>
  shellCase(
    24,
    shellWords("qsub -terse -t 1-2 env.sh"),
    ENV_I,
    "env.24.2.out",
    "085-env-sort-inside-array-task-2",
  ));

Deno.test("sge shell mode: the environment with -S /bin/bash -pe smp 2 -l h_rt=600 (087)", () =>
  shellCase(
    25,
    shellWords("qsub -terse -S /bin/bash -pe smp 2 -l h_rt=600 -N envopts env.sh"),
    ENV_I,
    "env.25.0.out",
    "087-env-sort-inside-the-S-bin-bash-pe-smp-2-l-h-rt-600",
  ));

Deno.test("sge shell mode: -V exports the submitter's environment (089)", () =>
  shellCase(
    26,
    shellWords("qsub -terse -V env.sh"),
    { ...ENV_I, FOO_FROM_SUBMITTER: "bar" },
    "env.26.0.out",
    "089-grep-the-exported-variable-in-the-V-job",
    (text) =>
      text.split("\n").filter((l) => /^(FOO_FROM_SUBMITTER|JOB_ID|SGE_O_HOST)=/.test(l)).join(
        "\n",
      ) + "\n",
  ));
