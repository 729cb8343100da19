// The lifecycle suite (test/lifecycle/cases.ts) on the simulator, for every backend, twice:
// `model` execution (no process; runtime and exit code read from the script's `sleep N` and
// `exit N` lines; long jobs cost nothing on the virtual clock) and `shell` execution (the scripts
// really run with bash, so aux scripts and output files are checked; short jobs only). Each once
// more with accounting disabled (sacct/qacct/bhist refuse, Torque's tracejob reads no logs):
// every case still gets its exact exit code, from the markers the job wrote.

import { builtinBackends } from "../../backends/registry.ts";
import { SimCluster } from "../../sim/cluster.ts";
import type { SchedulerKind } from "../../sim/types.ts";
import { modelFromScript } from "../_script_model.ts";
import { defineLifecycleSuite, type LifecycleCapabilities } from "./cases.ts";

/** Each scheduler, LSF also as OpenLava (whose `bjobs` has no `-o`: the backend falls back). */
const TARGETS: Array<{ scheduler: SchedulerKind; dialect?: "openlava" }> = [
  { scheduler: "slurm" },
  { scheduler: "pbs" },
  { scheduler: "pbspro" },
  { scheduler: "lsf" },
  { scheduler: "lsf", dialect: "openlava" },
  { scheduler: "sge" },
];

/** How long each simulated scheduler shows a finished job without accounting, s (with margin). */
const RETENTION: Record<SchedulerKind, number> = {
  slurm: 7200,
  pbs: 7200,
  // job_history_duration, 2 weeks (sim/pbs/dialect.ts)
  pbspro: 14 * 24 * 3600 + 60,
  lsf: 7200,
  sge: 7200,
};

for (const { scheduler, dialect } of TARGETS) {
  const name = dialect ?? scheduler;
  for (
    const [execution, accounting] of [
      ["model", "up"],
      ["shell", "up"],
      ["model", "disabled"],
      ["shell", "disabled"],
    ] as const
  ) {
    const capabilities: LifecycleCapabilities = {
      scriptsRun: execution === "shell",
      // In shell mode a running script holds the virtual clock: only short jobs make sense.
      longJobs: execution === "model",
      queryFailures: true,
      accountingOutlivesQueue: accounting === "up",
      noAccounting: accounting === "disabled",
    };
    const label = `sim ${name} (${execution}${accounting === "up" ? "" : ", no accounting"})`;
    defineLifecycleSuite({
      label,
      capabilities,
      target() {
        const cluster = new SimCluster({
          scheduler,
          ...(dialect === undefined ? {} : { dialect }),
          execution,
          clock: "virtual",
          ...(execution === "model" ? { model: modelFromScript } : {}),
          faults: { accounting },
        });
        const backend = builtinBackends.get(scheduler);
        const submit = backend.submitCommand("x").argv[0];
        return Promise.resolve({
          label,
          backend,
          transport: () => cluster.transport(),
          workdirRoot: `${cluster.home}/lifecycle`,
          timeScale: execution === "model" ? 1 : 0.02,
          // Longer than any scheduler keeps finished jobs in its live view (free on a virtual clock).
          queueRetentionSeconds: accounting === "up" ? 7200 : RETENTION[scheduler],
          capabilities,
          submitCount: () => cluster.commandLog.filter((c) => c.argv[0] === submit).length,
          injectQueryFailures: (count: number) => {
            cluster.faults.failCommands({ times: count });
          },
          // Jobs run in the simulator's folder on this machine (physical path: `pwd -P`).
          jobPath: (path: string) => Deno.realPathSync(cluster.fs.hostPath(path)),
          close: () => cluster.close(),
        });
      },
    });
  }
}
