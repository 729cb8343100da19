// The examples a newcomer runs: the demo (tutorial job on every simulated scheduler) and the
// by-hand sessions (each scheduler's own tools typed at a simulated login node).

import assert from "node:assert/strict";
import { driveByHand } from "../../examples/by_hand.ts";
import { runTutorialOnEverySimulatedScheduler } from "../../examples/demo.ts";
import type { SchedulerKind } from "../../sim/types.ts";

Deno.test("demo: the tutorial job completes on every simulated scheduler and prints its output", async () => {
  const printed: string[] = [];
  const statuses = await runTutorialOnEverySimulatedScheduler((text) => printed.push(text));
  assert.deepEqual(statuses, {
    slurm: "COMPLETED",
    pbs: "COMPLETED",
    pbspro: "COMPLETED",
    lsf: "COMPLETED",
    sge: "COMPLETED",
  });
  const outputs = printed.filter((text) => text.includes("Job name:       printenv"));
  assert.equal(outputs.length, 5);
  for (const output of outputs) assert.match(output, /^Job id: +\d+(\.login1)?$/m);
});

Deno.test("by hand: each scheduler's tools submit, list and account for a job that exits 3", async () => {
  const expected: Record<string, RegExp[]> = {
    slurm: [
      /^Submitted batch job 1$/m,
      /^ +1 +debug +by-hand +user +PD /m,
      /^1\|by-hand\|FAILED\|3:0$/m,
    ],
    pbs: [/^\$ qsub job.sh\n1\.login1$/m, / Q batch/, / C batch/, /^ {4}exit_status = 3$/m],
    pbspro: [/^\$ qsub job.sh\n1\.login1$/m, / Q workq/, / F workq/],
    lsf: [
      /^Job <1> is submitted to default queue <normal>\.$/m,
      / PEND /,
      / EXIT /,
      /Exited with exit code 3\./,
    ],
    sge: [/^Your job 1 \("by-hand"\) has been submitted$/m, / qw /, /^exit_status {2}3 /m],
  };
  for (const [scheduler, patterns] of Object.entries(expected)) {
    const transcript = await driveByHand(scheduler as SchedulerKind);
    for (const pattern of patterns) assert.match(transcript, pattern, `${scheduler}: ${pattern}`);
  }
});
