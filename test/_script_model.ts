// The simulator's `model` execution for tests whose job scripts say how long they last: a job
// runs as long as its script's `sleep N` lines add up to and exits with its last `exit N`.

import type { SimJob } from "../sim/types.ts";

/** Model mode: a job lasts as long as its script's sleeps and exits with its last `exit N`. */
export function modelFromScript(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const script = job.request.script;
  const sleeps = [...script.matchAll(/^\s*sleep (\d+)\s*$/gm)].map((m) => Number(m[1]));
  const exits = [...script.matchAll(/^\s*exit (\d+)\s*$/gm)].map((m) => Number(m[1]));
  return {
    runtimeSeconds: sleeps.reduce((sum, s) => sum + s, 0) || 1,
    exitCode: exits.at(-1) ?? 0,
  };
}
