// run.cause from each scheduler's own words: every backend's causeOf on its parser's reading of
// verbatim recorded outputs (test/fixtures/real-outputs/), and on the state words the recordings
// lack (SLURM OUT_OF_MEMORY, NODE_FAIL, PREEMPTED; LSF TERM_MEMLIMIT, TERM_PREEMPT), written
// from the vendors' documentation.
import assert from "node:assert/strict";
import type { Backend } from "../../src/core/backend.ts";
import type { Cause } from "../../src/core/cause.ts";
import { lsf } from "../../backends/lsf.ts";
import { pbs } from "../../backends/pbs.ts";
import { pbspro } from "../../backends/pbspro.ts";
import { sge } from "../../backends/sge.ts";
import { slurm } from "../../backends/slurm.ts";
import { realOutput } from "../_backend_fixtures.ts";

/** OpenLava's dialect of the LSF backend (its bjobs has no -o). */
const openlava = lsf.dialectFor!({
  code: 255,
  stdout: "",
  stderr: "bjobs: invalid option -- 'o'\n",
})!;

/** [backend, fixture folder, transcript, status or accounting parser, job id, cause]. */
const RECORDED: Array<[Backend, string, string, "status" | "accounting", string, Cause]> = [
  [slurm, "slurm", "109", "accounting", "30", "timeout"],
  [slurm, "slurm", "070", "accounting", "11", "cancelled"],
  [slurm, "slurm", "062", "accounting", "13", "cancelled"],
  [sge, "sge", "019", "accounting", "2", "exit"],
  [sge, "sge", "020", "accounting", "3", "exit"],
  [sge, "sge", "054", "accounting", "10", "cancelled"],
  [sge, "sge", "066", "accounting", "18", "timeout"],
  [sge, "sge", "068", "accounting", "19", "timeout"],
  [sge, "sge", "062", "accounting", "16", "exit"],
  [sge, "sge", "063", "accounting", "17", "exit"],
  [pbs, "torque", "064", "status", "14.vm", "timeout"],
  [pbs, "torque", "060", "status", "9.vm", "cancelled"],
  [pbs, "torque", "061", "status", "5.vm", "cancelled"],
  [pbs, "torque", "046", "status", "2.vm", "exit"],
  [pbs, "torque", "062", "status", "10.vm", "exit"],
  [pbspro, "openpbs", "065", "accounting", "54.vm-pbs", "timeout"],
  [pbspro, "openpbs", "061", "accounting", "53.vm-pbs", "cancelled"],
  [pbspro, "openpbs", "062", "accounting", "45.vm-pbs", "cancelled"],
  [pbspro, "openpbs", "046", "accounting", "42.vm-pbs", "exit"],
  [openlava, "openlava", "043", "status", "105", "exit"],
  [openlava, "openlava", "060", "status", "117", "cancelled"],
  [openlava, "openlava", "061", "status", "108", "cancelled"],
  [openlava, "openlava", "062", "accounting", "117", "cancelled"],
  [openlava, "openlava", "048", "accounting", "105", "exit"],
];

for (const [backend, folder, number, kind, id, cause] of RECORDED) {
  Deno.test(`${folder} ${number}: ${kind} of job ${id} → ${cause}`, async () => {
    const { output } = await realOutput(folder, number);
    const parse = kind === "status" ? backend.parseStatus : backend.parseAccounting;
    const info = parse(output, [id]).get(id);
    assert.ok(info !== undefined, `no entry for ${id}`);
    assert.equal(backend.causeOf?.(info), cause, JSON.stringify(info));
  });
}

Deno.test("SLURM state words the recordings lack (sacct(1) JOB STATE CODES)", () => {
  const line = (state: string, exit = "0:0") =>
    `7|j|debug|${state}|${exit}|2026-11-25T08:46:01|2026-11-25T08:47:01|00:01:00\n`;
  const cases: Array<[string, Cause]> = [
    ["OUT_OF_MEMORY", "out-of-memory"],
    ["NODE_FAIL", "node-failure"],
    ["BOOT_FAIL", "node-failure"],
    ["PREEMPTED", "preempted"],
    ["DEADLINE", "timeout"],
    ["FAILED", "exit"],
    ["COMPLETED", "exit"],
  ];
  for (const [state, cause] of cases) {
    const info = slurm.parseAccounting({ code: 0, stdout: line(state, "1:0"), stderr: "" }, ["7"])
      .get("7");
    assert.equal(slurm.causeOf?.(info!), cause, state);
  }
});

Deno.test("LSF termination reasons the recordings lack (bjobs -o exit_reason)", () => {
  const cases: Array<[string, Cause]> = [
    ["TERM_MEMLIMIT: job killed after reaching LSF memory usage limit", "out-of-memory"],
    ["TERM_PREEMPT: job killed after preemption", "preempted"],
    ["TERM_RUNLIMIT: job killed after reaching LSF run time limit", "timeout"],
    ["TERM_CPULIMIT: job killed after reaching LSF CPU usage limit", "timeout"],
    ["TERM_OWNER: job killed by owner", "cancelled"],
    ["TERM_ZOMBIE: job exited while LSF is not available", "node-failure"],
  ];
  for (const [reason, cause] of cases) {
    const stdout = `42|EXIT|137|${reason}\n`;
    const info = lsf.parseStatus({ code: 0, stdout, stderr: "" }, ["42"]).get("42");
    assert.equal(lsf.causeOf?.(info!), cause, `${reason}: ${JSON.stringify(info)}`);
  }
});

Deno.test("a live job has no cause", () => {
  const running = { status: -1 as const, state: "RUNNING" };
  for (const backend of [slurm, pbs, pbspro, lsf, sge]) {
    assert.equal(backend.causeOf?.(running), undefined, backend.name);
  }
});
