/** Shared set-up of the engine's tests: a small engine on a virtual clock, requests, times. */

import {
  SimEngine,
  type SimEngineOptions,
  type SimJob,
  type SimSubmitRequest,
  VirtualClock,
} from "../../../sim/mod.ts";

/** Runtime and exit code from the job name: `<seconds>s` or `<seconds>s-exit<code>`. */
export function byName(job: SimJob): { runtimeSeconds: number; exitCode: number } {
  const match = /^(\d+)s(?:-exit(\d+))?/.exec(job.request.name);
  return { runtimeSeconds: Number(match?.[1] ?? 1), exitCode: Number(match?.[2] ?? 0) };
}

/** An engine with one 2-core node `n1`, one queue `q`, jobs modelled {@linkcode byName}. */
export function setup(
  options: Partial<SimEngineOptions> = {},
): { engine: SimEngine; clock: VirtualClock } {
  const clock = new VirtualClock();
  const engine = new SimEngine({
    kind: "slurm",
    clock,
    nodes: [{ name: "n1", cpus: 2, memoryMB: 4000 }],
    queues: [{ name: "q", default: true }],
    model: byName,
    ...options,
  });
  return { engine, clock };
}

/** A minimal request named `name`. */
export function request(name: string, extra: Partial<SimSubmitRequest> = {}): SimSubmitRequest {
  return { name, script: "#!/bin/bash\n", workdir: "/home/u", user: "u", ...extra };
}

/** A request with every size set, as the engine fills it in: one core, 100 MB (or `extra`). */
export function sized(extra: Partial<SimSubmitRequest> = {}): SimSubmitRequest {
  const sizes = { nodes: 1, tasksPerNode: 1, cpusPerTask: 1, memoryMB: 100, gpus: 0 };
  return request("x", { ...sizes, ...extra });
}

/** The virtual clock's default start. */
export const t0: number = Date.UTC(2026, 0, 1);

/** A job's start or end, in seconds since {@linkcode t0}. */
export const at = (job: SimJob | undefined, key: "startTime" | "endTime"): number | undefined =>
  job?.[key] === undefined ? undefined : (job[key]! - t0) / 1000;
