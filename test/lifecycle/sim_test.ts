// The lifecycle suite (test/lifecycle/cases.ts) on the simulator, for every backend, twice:
// `model` execution (no process; runtime and exit code read from the script's `sleep N` and
// `exit N` lines; long jobs cost nothing on the virtual clock) and `shell` execution (the scripts
// really run with bash, so aux scripts and output files are checked; short jobs only).

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

for (const { scheduler, dialect } of TARGETS) {
  const name = dialect ?? scheduler;
  for (const execution of ["model", "shell"] as const) {
    const capabilities: LifecycleCapabilities = {
      scriptsRun: execution === "shell",
      // In shell mode a running script holds the virtual clock: only short jobs make sense.
      longJobs: execution === "model",
      queryFailures: true,
      accountingOutlivesQueue: true,
    };
    defineLifecycleSuite({
      label: `sim ${name} (${execution})`,
      capabilities,
      target() {
        const cluster = new SimCluster({
          scheduler,
          ...(dialect === undefined ? {} : { dialect }),
          execution,
          clock: "virtual",
          ...(execution === "model" ? { model: modelFromScript } : {}),
        });
        const backend = builtinBackends.get(scheduler);
        const submit = backend.submitCommand("x").argv[0];
        return Promise.resolve({
          label: `sim ${name} (${execution})`,
          backend,
          transport: () => cluster.transport(),
          workdirRoot: `${cluster.home}/lifecycle`,
          timeScale: execution === "model" ? 1 : 0.02,
          // Longer than any scheduler keeps finished jobs in its live view (free on a virtual clock).
          queueRetentionSeconds: 7200,
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
