/**
 * `sbatch --wait`: after printing the job id, sbatch polls slurmctld until every task of the job
 * has ended and exits with the highest exit code among them (1 for a task killed by a signal).
 *
 * Source: SLURM 22.05 `src/sbatch/sbatch.c` `_job_wait()`: sleeps 2 s, then 4 times longer each
 * round while under MinJobAge / 2 and 32 s; `WIFEXITED` → `WEXITSTATUS`, else 1; a job the
 * controller no longer knows: `Job N no longer found and exit code not found`, exit 0. Recorded
 * on SLURM 22.05: `sbatch --wait fail.sh` prints `Submitted batch job 9` and exits 3
 * (test/fixtures/real-outputs/slurm/014).
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimCommandContext, SimFollowUp, SimWaiting } from "../emulator.ts";
import type { SimJob } from "../types.ts";
import { inController, MIN_JOB_AGE_MS } from "./_jobs.ts";
import { parseSbatchOptions, sbatchCommandLine } from "./_sbatch_options.ts";
import { batchScript, LAST_SBATCH_CALL } from "./sbatch.ts";
import { directiveWords } from "../_common/directive_words.ts";

/** `_job_wait`'s longest sleep, s (MAX_WAIT_SLEEP_TIME). */
const MAX_WAIT_SLEEP = 32;

/** The exit code `_job_wait` takes from a finished job: its status, or 1 after a signal. */
function exitOf(job: SimJob): number {
  return job.signal !== undefined ? 1 : job.exitCode ?? 0;
}

/** The job id sbatch printed (`Submitted batch job 9`, `9`, `9;cluster`). */
function printedId(stdout: string): number | undefined {
  const match = /^(?:Submitted batch job )?(\d+)/m.exec(stdout);
  return match === null ? undefined : Number(match[1]);
}

/** Whether this sbatch call waits: `--wait`/`-W` on its command line or in `#SBATCH` lines. */
function waits(ctx: SimCommandContext): boolean {
  // sbatch itself read them for this call (the common case: no second parse per submission).
  const last = ctx.engine.state(LAST_SBATCH_CALL);
  if (last.ctx === ctx && last.wait !== undefined) return last.wait;
  const cli = sbatchCommandLine(ctx.args);
  if (cli.has("version")) return false;
  const script = batchScript(ctx, cli.value("wrap"), cli.operands);
  return parseSbatchOptions(cli, directiveWords(script.text, "#SBATCH")).wait;
}

/** Polls slurmctld as `_job_wait` does; the exit code of the job's tasks, or 0 once it is gone. */
async function jobWait(
  ctx: SimCommandContext,
  id: number,
  waiting: SimWaiting,
): Promise<{ code: number; stderr: string }> {
  let sleep = 2;
  for (;;) {
    await waiting.sleep(sleep * 1000);
    if (sleep < MIN_JOB_AGE_MS / 2000 && sleep < MAX_WAIT_SLEEP) sleep *= 4;
    const jobs = ctx.engine.find(id).filter((job) => inController(ctx.engine, job));
    if (jobs.length === 0) {
      return {
        code: 0,
        stderr: `sbatch: error: Job ${id} no longer found and exit code not found\n`,
      };
    }
    if (jobs.every((job) => job.endTime !== undefined)) {
      return { code: Math.max(...jobs.map(exitOf)), stderr: "" };
    }
  }
}

/** sbatch's follow-up: waits for the submitted job when asked to (`SimEmulator.followUps`). */
export const sbatchWait: SimFollowUp = (ctx, answer, waiting) => {
  if (answer.code !== 0 || !waits(ctx)) return undefined;
  const id = printedId(answer.stdout);
  if (id === undefined) return undefined;
  return jobWait(ctx, id, waiting).then((result): CommandOutput => ({
    code: result.code,
    stdout: answer.stdout,
    stderr: answer.stderr + result.stderr,
  }));
};
