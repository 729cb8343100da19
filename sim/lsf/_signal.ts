/**
 * What `bkill`, `bstop` and `bresume` share: their options, the job id operands (`0` = every
 * unfinished job of the caller), and the answers per job. Each command supplies what it does to
 * a live job.
 *
 * Source: OpenLava `lsbatch/cmd/cmd.sig.c` (per job `Job <N> is being terminated` on stdout, or
 * `Job <N>: <lsb_sysmsg>` on stderr: `No matching job found`, `Job has already finished`; exit
 * 255 when any job failed; `0` names all the caller's jobs) and `lsbatch/cmd/cmd.err.c`
 * (`<id>: Bad job ID`).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimJob } from "../types.ts";
import type { SimCommandContext, SimEngineApi } from "../emulator.ts";
import { isKept, lsfJobLabel, parseJobId } from "./_jobs.ts";
import { fail } from "../_common/command_result.ts";

/** A job the command acts on: as named, the id, and the element. */
export interface SignalTarget {
  /** The id as LSF prints it (`12`, `12[3]`). */
  label: string;
  /** The job's or the array's id. */
  id: number;
  /** The element, for one element of an array. */
  index?: number;
}

/** One of the signal commands. */
export interface SignalCommand {
  /** The command's name. */
  readonly command: "bkill" | "bstop" | "bresume";
  /** What happens to the job: `Job <N> is being <verb>`. */
  readonly verb: "terminated" | "stopped" | "resumed";
  /** Acts on the live jobs of a target; returns the refusal (after `Job <N>: `), if any. */
  act(engine: SimEngineApi, target: SignalTarget, jobs: readonly SimJob[]): string | undefined;
}

/** Options that take a value; the flags `-r`, `-d`, `-a` are accepted too. */
const VALUED: ReadonlySet<string> = new Set(["-s", "-J", "-u", "-q", "-m"]);
const FLAGS: ReadonlySet<string> = new Set(["-r", "-d", "-a"]);

/** The job id operands; fails with the command's usage when there are none. */
function operandsOf(args: readonly string[], command: string): string[] | CommandOutput {
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (VALUED.has(arg)) i++;
    else if (FLAGS.has(arg)) continue;
    else if (arg.startsWith("-")) {
      return fail(255, `${command}: illegal option -- ${arg.slice(1)}\n`);
    } else operands.push(arg);
  }
  if (operands.length > 0) return operands;
  return fail(
    255,
    "Job ID or one of '-m', '-u' '-q' and '-J' must be specified.\n" +
      `Usage: ${command} [-h] [-V] [-m host_name] [-q queue_name] [-u user_name | -u all] [-J job_name] [jobId | "jobId[index_list]"] ...\n`,
  );
}

/** Every unfinished job of `user`, element by element (the operand `0`). */
function jobsOfUser(engine: SimEngineApi, user: string): SignalTarget[] {
  return engine.jobsSince(engine.now())
    .filter((job) => job.request.user === user && job.endTime === undefined)
    .map((job) => {
      const target: SignalTarget = { label: lsfJobLabel(job), id: job.arrayJobId ?? job.id };
      if (job.arrayTaskId !== undefined) target.index = job.arrayTaskId;
      return target;
    });
}

/** Runs a signal command over its operands. */
export function signalJobs(ctx: SimCommandContext, signal: SignalCommand): CommandOutput {
  const operands = operandsOf(ctx.args, signal.command);
  if (!Array.isArray(operands)) return operands;
  const engine = ctx.engine;
  const now = engine.now();
  let stdout = "";
  let stderr = "";
  const targets: SignalTarget[] = [];
  for (const operand of operands) {
    if (operand === "0") {
      targets.push(...jobsOfUser(engine, ctx.user));
      continue;
    }
    const ref = parseJobId(operand);
    if (ref) targets.push({ label: operand, ...ref });
    else stderr += `${operand}: Bad job ID\n`;
  }
  let failed = stderr !== "";
  for (const target of targets) {
    const jobs = engine.find(target.id).filter((job) =>
      isKept(job, now) && (target.index === undefined || job.arrayTaskId === target.index)
    );
    const refusal = jobs.length === 0
      ? "No matching job found"
      : jobs.every((job) => job.endTime !== undefined)
      ? "Job has already finished"
      : signal.act(engine, target, jobs);
    if (refusal === undefined) {
      stdout += `Job <${target.label}> is being ${signal.verb}\n`;
    } else {
      stderr += `Job <${target.label}>: ${refusal}\n`;
      failed = true;
    }
  }
  return { code: failed ? 255 : 0, stdout, stderr };
}
