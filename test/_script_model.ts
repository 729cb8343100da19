// The simulator's `model` execution for tests whose job scripts say how long they last: a job
// runs as long as its script's `sleep N` lines add up to and exits with its last `exit N`.

import type { SimJob } from "../sim/types.ts";

/** Model mode: a job lasts as long as its script's sleeps and exits with its last `exit N`. */
export function modelFromScript(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  // SGE's dependency guard is no part of the body (the simulator plays it by itself).
  const script = job.request.script.replace(/^__clusterjob_after\(\) \{\n[\s\S]*?^\}\n/m, "");
  const sleeps = [...script.matchAll(/^\s*sleep (\d+)\s*$/gm)].map((m) => Number(m[1]));
  const exits = [...script.matchAll(/^\s*exit (\d+)\s*$/gm)].map((m) => Number(m[1]));
  return {
    runtimeSeconds: sleeps.reduce((sum, s) => sum + s, 0) || 1,
    exitCode: exits.at(-1) ?? 0,
  };
}
