// What the LSF emulator tests share: a model-mode cluster, a script, an output format, fixtures.
import { SimCluster, type SimJob } from "../../../sim/mod.ts";

/** A fixture of `test/fixtures/lsf/sim/`. */
export const fixture = (name: string): Promise<string> =>
  Deno.readTextFile(new URL(`../../fixtures/lsf/sim/${name}`, import.meta.url));

/**
 * A model-mode LSF cluster (queues `normal` and `short`, 1 h); jobs named `fail` exit 3, `long`
 * run 2 h, others 60 s.
 */
export function lsf(): SimCluster {
  return new SimCluster({
    scheduler: "lsf",
    execution: "model",
    queues: [{ name: "normal", default: true }, { name: "short", maxTimeSeconds: 3600 }],
    model: (job: SimJob) => ({
      runtimeSeconds: job.request.name === "long" ? 7200 : 60,
      exitCode: job.request.name === "fail" ? 3 : 0,
    }),
  });
}

/** A script with a name, a run limit and a queue in its `#BSUB` lines. */
export const SCRIPT = "#!/bin/bash\n#BSUB -J fromdirective\n#BSUB -W 30\n#BSUB -q short\necho hi\n";

/** `bjobs` options printing `jobid|stat|exit_code|exit_reason` without a header. */
export const FORMAT = ["-o", "jobid stat exit_code exit_reason delimiter='|'", "-noheader"];
