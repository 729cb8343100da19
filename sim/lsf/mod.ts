/**
 * IBM Spectrum LSF's command-line tools as the simulator emulates them: `bsub` (script on
 * stdin with `#BSUB` lines, or a command), `bjobs`, `bhist`, `bkill`, `bstop` and `bresume`.
 *
 * Formats follow LSF 10.1's documentation and OpenLava's sources (cited in `_lsf_bsub.ts`,
 * `_lsf_bjobs.ts`, `_lsf_bhist.ts` and below).
 *
 * @module
 */

import type { SimCommandContext, SimEmulator, SimJob } from "../types.ts";
import { bsub } from "./bsub.ts";
import { bjobs, CLEAN_PERIOD_MS } from "./bjobs.ts";
import { bhist, EVENT_LOG } from "./bhist.ts";
import { type CommandResult, fail } from "../_common/words.ts";

type Signal = "kill" | "stop" | "resume";

const VERB: Record<Signal, string> = { kill: "terminated", stop: "stopped", resume: "resumed" };

/**
 * `bkill`, `bstop`, `bresume` (OpenLava `lsbatch/cmd/cmd.sig.c`): per job `Job <N> is being
 * terminated` on stdout, or `Job <N>: <lsb_sysmsg>` on stderr (`No matching job found`, `Job
 * has already finished`); exit 255 when any job failed. `0` means every job of the caller.
 * `bstop` holds pending jobs only (the engine does not suspend running jobs).
 */
function signalJobs(ctx: SimCommandContext, signal: Signal): CommandResult {
  const command = `b${signal}`;
  const operands: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    const arg = ctx.args[i] as string;
    if (arg === "-s" || arg === "-J" || arg === "-u" || arg === "-q" || arg === "-m") i++;
    else if (arg === "-r" || arg === "-d" || arg === "-a") continue;
    else if (arg.startsWith("-")) {
      return fail(255, `${command}: illegal option -- ${arg.slice(1)}\n`);
    } else operands.push(arg);
  }
  if (operands.length === 0) {
    return fail(
      255,
      "Job ID or one of '-m', '-u' '-q' and '-J' must be specified.\n" +
        `Usage: ${command} [-h] [-V] [-m host_name] [-q queue_name] [-u user_name | -u all] [-J job_name] [jobId | "jobId[index_list]"] ...\n`,
    );
  }
  const engine = ctx.engine;
  const now = engine.now();
  const kept = (job: SimJob) => job.endTime === undefined || now - job.endTime <= CLEAN_PERIOD_MS;
  let stdout = "";
  let stderr = "";
  let failed = false;
  const targets: Array<{ label: string; id: number; index?: number }> = [];
  for (const operand of operands) {
    if (operand === "0") {
      const mine = engine.jobs().filter((job) =>
        job.request.user === ctx.user && job.endTime === undefined
      );
      for (const job of mine) {
        const id = job.arrayJobId ?? job.id;
        const target: { label: string; id: number; index?: number } = {
          label: job.arrayTaskId === undefined ? String(id) : `${id}[${job.arrayTaskId}]`,
          id,
        };
        if (job.arrayTaskId !== undefined) target.index = job.arrayTaskId;
        targets.push(target);
      }
      continue;
    }
    const match = /^(\d+)(?:\[(\d+)\])?$/.exec(operand);
    if (!match) {
      stderr += `${operand}: Bad job ID\n`;
      failed = true;
      continue;
    }
    const target: { label: string; id: number; index?: number } = {
      label: operand,
      id: Number(match[1]),
    };
    if (match[2] !== undefined) target.index = Number(match[2]);
    targets.push(target);
  }
  for (const target of targets) {
    const jobs = engine.find(target.id).filter((job) =>
      kept(job) && (target.index === undefined || job.arrayTaskId === target.index)
    );
    if (jobs.length === 0) {
      stderr += `Job <${target.label}>: No matching job found\n`;
      failed = true;
      continue;
    }
    if (jobs.every((job) => job.endTime !== undefined)) {
      stderr += `Job <${target.label}>: Job has already finished\n`;
      failed = true;
      continue;
    }
    if (signal === "kill") {
      engine.cancel(target.id, target.index === undefined ? {} : { taskId: target.index });
    } else if (signal === "stop") {
      if (jobs.every((job) => job.state === "RUNNING")) {
        stderr +=
          `Job <${target.label}>: Operation not supported for a running job in this simulator\n`;
        failed = true;
        continue;
      }
      engine.hold(target.id, "user");
    } else {
      engine.release(target.id);
    }
    stdout += `Job <${target.label}> is being ${VERB[signal]}\n`;
  }
  return { code: failed ? 255 : 0, stdout, stderr };
}

const NOT_RESPONDING = "batch system daemon not responding ... still trying\n";

/**
 * LSF's `bsub`, `bjobs`, `bhist`, `bkill`, `bstop`, `bresume`. `bsub < job.lsf` reads the script
 * and its `#BSUB` lines from stdin and prints `Job <1> is submitted to default queue <normal>.`;
 * `bjobs` shows unfinished jobs (finished ones with `-a` or by id, for CLEAN_PERIOD = 3600 s);
 * unknown ids give `Job <N> is not found` and exit 255. `bhist [-l] [-a|-d] [-n N] ID …` reads the
 * event log, which keeps every job (`No matching job found`, exit 255, when none matches).
 *
 * `bhist` reads the event log files itself, so it keeps working while mbatchd is down; it is the
 * emulator's accounting command: with accounting down or disabled (the shared log directory
 * unreadable) it prints `<LSB_SHAREDIR>/cluster1/logdir/lsb.events: No such file or directory`
 * and exits 255 (OpenLava `bhist.c` `perror`).
 *
 * Controller unreachable (mbatchd down, as with `LSB_NTRIES=1`): `batch system daemon not
 * responding ... still trying` and then the library's `Timeout on connect call to server`
 * (`... Job not submitted.` for bsub), exit 255. Transient submit failure:
 * `Contacting batch daemon: Communication timeout. Job not submitted.` (lsb.err.c).
 *
 * @example Usage
 * ```ts
 * import { lsfEmulator, SimEngine } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const engine = new SimEngine({ kind: "lsf", loginHost: "login1", queues: [{ name: "normal", default: true }] });
 * const run = (command: string, args: string[], stdin = "") =>
 *   lsfEmulator.commands[command]!({
 *     engine, args, stdin, cwd: "/home/alice", env: { HOME: "/home/alice" }, user: "alice",
 *     readFile: () => undefined,
 *   });
 * const submitted = run("bsub", [], "#!/bin/bash\n#BSUB -J hello\n#BSUB -W 10\necho hi\n");
 * assert.equal(submitted.stdout, "Job <1> is submitted to default queue <normal>.\n");
 * const listed = run("bjobs", ["-o", "jobid stat job_name", "-noheader"]);
 * assert.equal(listed.stdout, "1 PEND hello\n");
 * assert.equal(run("bjobs", ["99"]).stderr, "Job <99> is not found\n");
 * assert.match(run("bhist", ["-l", "1"]).stdout, /^\nJob <1>, Job Name <hello>, User <alice>/);
 * assert.equal(run("bhist", ["-l", "99"]).stdout, "No matching job found\n");
 * assert.equal(run("bkill", ["1"]).stdout, "Job <1> is being terminated\n");
 * ```
 */
export const lsfEmulator: SimEmulator = {
  kind: "lsf",
  // LSF accepts and leaves the job pending with a reason.
  defaults: {
    queue: "normal",
    arrayTaskIds: "shared",
    killSignal: 15,
    limits: { cpus: "pend", nodes: "pend", memory: "pend", gpus: "pend", time: "reject" },
  },
  commands: {
    bsub,
    bjobs,
    bhist,
    bkill: (ctx) => signalJobs(ctx, "kill"),
    bstop: (ctx) => signalJobs(ctx, "stop"),
    bresume: (ctx) => signalJobs(ctx, "resume"),
  },
  unreachable(command: string) {
    const last = command === "bsub"
      ? "Timeout on connect call to server. Job not submitted.\n"
      : "Timeout on connect call to server\n";
    return { code: 255, stdout: "", stderr: NOT_RESPONDING + last };
  },
  accountingCommands: ["bhist"],
  accountingFailure(_command: string, _state: "down" | "disabled") {
    return { code: 255, stdout: "", stderr: `${EVENT_LOG}: No such file or directory\n` };
  },
  transientSubmitFailure(_command: string) {
    return {
      code: 255,
      stdout: "",
      stderr: NOT_RESPONDING +
        "Contacting batch daemon: Communication timeout. Job not submitted.\n",
    };
  },
};
