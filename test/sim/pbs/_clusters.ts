// What the PBS emulator tests share: model-mode clusters of both dialects, scripts, fixtures.
import { SimCluster, type SimJob, type SimJobModel } from "../../../sim/mod.ts";

/** A fixture of `test/fixtures/pbs/sim/`. */
export const fixture = (name: string): Promise<string> =>
  Deno.readTextFile(new URL(`../../fixtures/pbs/sim/${name}`, import.meta.url));

/** Jobs named `fail` exit 3, `long` run 2 h, others 60 s. */
const byName: SimJobModel = (job: SimJob) => ({
  runtimeSeconds: job.request.name === "long" ? 7200 : 60,
  exitCode: job.request.name === "fail" ? 3 : 0,
});

/** A model-mode Torque cluster (queues `batch`, 4 h, and `short`, 10 min), jobs run `byName`. */
export function torque(model?: SimJobModel): SimCluster {
  return new SimCluster({
    scheduler: "pbs",
    execution: "model",
    queues: [{ name: "batch", default: true, maxTimeSeconds: 4 * 3600 }, {
      name: "short",
      maxTimeSeconds: 600,
    }],
    model: model ?? byName,
  });
}

/** A model-mode PBS Pro cluster (queues `workq` and `short`, 10 min), jobs run `byName`. */
export function pbspro(): SimCluster {
  return new SimCluster({
    scheduler: "pbspro",
    execution: "model",
    queues: [{ name: "workq", default: true }, { name: "short", maxTimeSeconds: 600 }],
    model: byName,
  });
}

/** A Torque script with a name, a walltime and a queue in its directives. */
export const TORQUE_SCRIPT =
  "#!/bin/bash\n#PBS -N fromdirective\n#PBS -l walltime=00:30:00\n#PBS -q batch\necho hi\n";

/** A PBS Pro script with a name and a walltime in its directives. */
export const PRO_SCRIPT =
  "#!/bin/bash\n#PBS -N fromdirective\n#PBS -l walltime=00:30:00\necho hi\n";
