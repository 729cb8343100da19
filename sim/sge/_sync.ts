/**
 * `qsub -sync y`: after the submit line qsub waits for every task of the job to end, reports
 * each as it ends and exits with the exit status of the first task that did not exit 0 (1 for
 * one killed by a signal; 0 for one that never ran).
 *
 * Sources: Son of Grid Engine 8.1.9 as recorded (test/fixtures/real-outputs/sge/014: `qsub
 * -sync y fail.sh` prints `Your job 8 ("fail") has been submitted`, then `Job 8 exited with exit
 * code 3.` on stderr, exit 3; 015: with `-terse` and exit 0 only the id, nothing on stderr);
 * `source/clients/qsub/qsub.c` (`report_exit_status()`: `Unable to run job N` for a job that
 * never ran, `Job N exited because of signal SIG…` and exit 1 for a signalled one, array tasks
 * named `N.T`; `japi_wait` for each task's finish event) and `msg_qsub.h` for the texts. The
 * recording prints the reports on stderr where the upstream source uses stdout: the simulator
 * follows the recording.
 *
 * @module
 */

import type { CommandOutput } from "../../src/core/transport.ts";
import type { SimFollowUp } from "../emulator.ts";
import type { SimJob } from "../types.ts";
import { qsubCall } from "./qsub.ts";

/** How often the simulated qsub looks for its job's finish events, ms (qmaster's event delivery). */
const EVENT_INTERVAL_MS = 1000;

/** Signal names of the signals the engine sends. */
const SIGNALS: Readonly<Record<number, string>> = {
  1: "SIGHUP",
  2: "SIGINT",
  6: "SIGABRT",
  9: "SIGKILL",
  11: "SIGSEGV",
  15: "SIGTERM",
  24: "SIGXCPU",
};

/** One task's report and the exit status it gives qsub; `undefined` when -terse hides it. */
function report(job: SimJob, terse: boolean): { line?: string; status: number } {
  const id = job.arrayTaskId === undefined
    ? String(job.id)
    : `${job.arrayJobId}.${job.arrayTaskId}`;
  if (job.startTime === undefined) return { line: `Unable to run job ${id}\n`, status: 0 };
  if (job.signal !== undefined) {
    const name = SIGNALS[job.signal] ?? String(job.signal);
    return { line: `Job ${id} exited because of signal ${name}\n`, status: 1 };
  }
  const code = job.exitCode ?? 0;
  // 015: under -terse an exit 0 is not reported.
  if (terse && code === 0) return { status: 0 };
  return { line: `Job ${id} exited with exit code ${code}.\n`, status: code };
}

/** qsub's follow-up: with `-sync y`, waits for the job and reports it (`SimEmulator.followUps`). */
export const qsubSync: SimFollowUp = (ctx, answer, waiting) => {
  if (answer.code !== 0) return undefined;
  const { options } = qsubCall(ctx);
  if (!options.sync) return undefined;
  const match = /^(?:Your job(?:-array)? )?(\d+)/.exec(answer.stdout);
  if (match === null) return undefined;
  const id = Number(match[1]);
  return (async (): Promise<CommandOutput> => {
    const reported = new Set<SimJob>();
    let stderr = answer.stderr;
    let code = 0;
    for (;;) {
      const jobs = ctx.engine.find(id);
      const ended = jobs.filter((job) => job.endTime !== undefined && !reported.has(job))
        .sort((a, b) => (a.endTime as number) - (b.endTime as number));
      for (const job of ended) {
        reported.add(job);
        const { line, status } = report(job, options.terse);
        if (line !== undefined) stderr += line;
        if (code === 0) code = status;
      }
      if (reported.size === jobs.length) return { code, stdout: answer.stdout, stderr };
      await waiting.sleep(EVENT_INTERVAL_MS);
    }
  })();
};
