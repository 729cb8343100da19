/**
 * The SGE emulator as a whole (sim/sge/mod.ts): fidelity against the recorded Son of Grid Engine
 * 8.1.9 transcripts, replayed in order on a simulated copy of the recorded cluster. Shell-mode
 * behaviour is tested beside the files it belongs to (_environment_test.ts,
 * _output_paths_test.ts, _qacct_record_test.ts).
 */

import type { SimCluster, SimJob } from "../../../sim/mod.ts";
import { sgeJobData } from "../../../sim/sge/_job_data.ts";
import type { CommandOutput } from "../../../src/core/transport.ts";
import {
  listRecordings,
  normalizeOutput,
  readRecording,
  recordedTimes,
  shellWords,
} from "../../_normalize.ts";
import {
  advanceToRecordedTime,
  recordingVm,
  stepMatchesRecording,
  withoutEnvPrefix,
} from "../../_replay.ts";
import { DIR, SCRIPTS } from "./_recording.ts";

/** The capture script's PATH (what `sge_o_path` shows). */
const CAPTURE_PATH =
  "/root/.cargo/bin:/root/.cargo/bin:/root/.pyenv/plugins/pyenv-virtualenv/shims:/root/.pyenv/shims:/root/.pyenv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Runtime and exit code of the recorded scripts, for `model` execution. */
function recordedModel(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const file = sgeJobData(job).scriptFile;
  if (file === "ok.sh") return { runtimeSeconds: 3, exitCode: 0 };
  if (file === "fail.sh") return { runtimeSeconds: 0, exitCode: 3 };
  if (file === "exit100.sh") return { runtimeSeconds: 0, exitCode: 100 };
  if (file === "sleep.sh") {
    return { runtimeSeconds: Number(job.request.scriptArgs?.[0] ?? 600), exitCode: 0 };
  }
  if (file === "array.sh") return { runtimeSeconds: 3, exitCode: 0 };
  const exit = /^exit (\d+)\n$/.exec(job.request.script);
  return { runtimeSeconds: 0, exitCode: exit === null ? 0 : Number(exit[1]) };
}

const NOT_REPRODUCED: Record<string, string> = {
  "002-qconf-sql": "qconf is not emulated",
  "004-qstat-f-queue-view": "load_avg is the VM's load",
  "003-qconf-sq-all-q": "qconf is not emulated",
  "005-qstat-g-c-cluster-queue-summary": "qstat -g c is not emulated",
  "006-qhost": "qhost is not emulated",
  "018-qstat-s-z-recently-finished-jobs":
    "the priorities of finished jobs and their order are qmaster internals",
  "022-job-output-files-cwd": "needs `ls`; output files are covered by the shell-mode test",
  "023-job-output-without-cwd-lands-in-HOME":
    "needs `ls`; output files are covered by the shell-mode test",
  "035-qstat-f-with-jobs": "qstat -f load values are the VM's",
  "042-qstat-xml": "-xml output is not emulated",
  "043-qstat-j-RUNNING-xml": "-xml output is not emulated",
  "044-qstat-u-xml-r-full": "-xml output is not emulated",
  "058-qsub-wd-nonexistent": "an unusable -wd is not modelled (the job runs)",
  "059-qstat-with-Eqw-jobs": "needs the unusable -wd job",
  "060-qstat-j-Eqw-exit-100":
    "scheduling info: the two jobs filling the queue ended the same second on the simulator",
  "061-qstat-j-Eqw-bad-wd": "an unusable -wd is not modelled",
  "063-qacct-j-bad-wd-job": "an unusable -wd is not modelled",
  "064-qdel-Eqw-jobs": "needs the unusable -wd job",
  "072-qstat-j-ARRAY": "per-task usage lines carry the real processes' memory and io",
  "073-qacct-j-ARRAY-one-record-per-task":
    "task 3 started a scheduling interval later on the real cluster and had not ended yet",
  "074-array-task-output-files": "needs `ls`; output files are covered by the shell-mode test",
  "120-qconf-sconf-min-uid-min-gid-set-back-to-the-stock": "qconf is not emulated",
  "121-qsub-as-root-with-min-uid-1000": "min_uid is not modelled",
};

const SHELL_MODE = new Set([
  "083-env-sort-inside-a-plain-job",
  "085-env-sort-inside-array-task-2",
  "087-env-sort-inside-the-S-bin-bash-pe-smp-2-l-h-rt-600",
  "089-grep-the-exported-variable-in-the-V-job",
]);

interface Step {
  run?: (cluster: SimCluster) => Promise<CommandOutput>;
  before?: (cluster: SimCluster) => void | Promise<void>;
  stdin?: string;
  argv?: string[];
}

const run = (
  cluster: SimCluster,
  argv: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
) =>
  cluster.run(argv, {
    cwd: DIR,
    env: { PATH: CAPTURE_PATH, SHELL: "/bin/bash", ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });

const STEPS: Record<string, Step> = {
  "001-qstat-help-first-line-version": {
    run: async (c) => {
      const out = await run(c, ["qstat", "-help"]);
      return { ...out, stdout: out.stdout.split("\n")[0] + "\n" };
    },
  },
  "012-qsub-script-from-stdin": { argv: ["qsub", "-cwd"], stdin: "echo from stdin\n" },
  "013-qsub-without-cwd-output-goes-to-HOME": { argv: ["qsub", "-N", "nocwd"], stdin: "pwd\n" },
  "047-qstat-after-qhold": {
    run: async (c) => {
      const out = await run(c, ["qstat"]);
      const lines = out.stdout.split("\n");
      return {
        ...out,
        stdout: lines.filter((l, i) => i < 2 || l.trim().split(/\s+/)[0] === "11").join("\n") +
          "\n",
      };
    },
  },
  "058-qsub-wd-nonexistent": {
    run: (c) => run(c, shellWords("qsub -terse -wd /nonexistent -N badwd ok.sh")),
  },
  "064-qdel-Eqw-jobs": { run: (c) => run(c, ["qdel", "16"]) },
  "088-qsub-V-env-sh-exports-the-submitter-s-environment": {
    run: (c) => run(c, shellWords("qsub -terse -V env.sh"), { env: { FOO_FROM_SUBMITTER: "bar" } }),
  },
  "111-qsub-while-qmaster-is-down": { before: (c) => c.faults.controllerDown() },
  "115-qacct-while-qmaster-is-down-reads-the-accounting-f": {
    run: async (c) => {
      const out = await run(c, ["qacct", "-j", "2"]);
      return { ...out, stdout: out.stdout.split("\n").slice(0, 12).join("\n") + "\n" };
    },
  },
  "119-qacct-of-that-job": {
    run: async (c) => {
      await c.advance(2000);
      const out = await run(c, ["qacct", "-j", "5"]);
      return {
        ...out,
        stdout:
          out.stdout.split("\n").filter((l) => /^(jobname|failed|exit_status)/.test(l)).join("\n") +
          "\n",
      };
    },
  },
};

/** Resource usage that only a real process has. */
const USAGE_KEYS =
  /^(ru_utime|ru_stime|ru_maxrss|ru_minflt|ru_majflt|ru_inblock|ru_oublock|ru_nvcsw|ru_nivcsw|cpu|mem|io|iow|maxvmem) .*$/gm;

function norm(text: string): string {
  return normalizeOutput(text, {
    hosts: ["vm", "localhost"],
    replace: [
      [/\b0\.\d{5}\b/g, "<PRIO>"],
      [USAGE_KEYS, "$1 <USAGE>"],
      [/\[\d+:\d+\]: exit_status/g, "[<UID>:<PID>]: exit_status"],
      // Enforcement of h_rt lags by a second or so on a real execd.
      [/^ru_wallclock (\d+)s$/gm, "ru_wallclock <WALLCLOCK>"],
    ],
  });
}

function recordingCluster(firstJobId: number, start: number): SimCluster {
  return recordingVm(
    { scheduler: "sge", startTime: start, firstJobId, model: recordedModel },
    DIR,
    SCRIPTS,
  );
}

Deno.test("sge emulator reproduces the recorded SGE 8.1.9 transcripts", async (t) => {
  let cluster = recordingCluster(1, Date.UTC(2026, 10, 25, 8, 52, 30));
  await run(cluster, shellWords("qsub -terse -b y -N sge-ci-smoke true"));
  const times = recordedTimes();
  for (const name of listRecordings("sge")) {
    if (SHELL_MODE.has(name)) continue;
    if (name.startsWith("116-")) {
      // A second session: a fresh cell (ids from 1; the smoke jobs had used 1 and 2).
      const now = cluster.clock.now();
      await cluster.close();
      cluster = recordingCluster(3, now);
    }
    const recording = readRecording("sge", name);
    const step = STEPS[name] ?? {};
    await advanceToRecordedTime(cluster, times.get(`sge/${name}`));
    await step.before?.(cluster);
    if (name in NOT_REPRODUCED) {
      if (step.run !== undefined) await step.run(cluster);
      continue;
    }
    const { argv, env } = withoutEnvPrefix(step.argv ?? shellWords(recording.cmd));
    const output = step.run !== undefined ? await step.run(cluster) : await run(cluster, argv, {
      ...(step.stdin === undefined ? {} : { stdin: step.stdin }),
      ...(env === undefined ? {} : { env }),
    });
    await stepMatchesRecording(t, recording, output, norm);
  }
  await cluster.close();
});
