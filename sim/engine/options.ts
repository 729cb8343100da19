/**
 * Options of the simulator's {@linkcode SimEngine}: the cluster it builds (nodes, queues, clock,
 * login host), how jobs run (`model` or `shell`), and its policies and tuning.
 *
 * @module
 */

import type { SimFileSystem } from "./filesystem.ts";
import type { SchedulerKind, SimJob, SimNodeSpec, SimQueueSpec } from "../types.ts";
import type { SimLimitPolicy } from "../emulator.ts";
import type { SimTimeline } from "./virtual_clock.ts";

/**
 * What a job does in `model` execution: how long it runs and how it exits.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimJobModel, VirtualClock } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const model: SimJobModel = (job) => ({ runtimeSeconds: 60, exitCode: job.request.name === "bad" ? 1 : 0 });
 * const clock = new VirtualClock();
 * const engine = new SimEngine({ kind: "slurm", clock, model });
 * const request = { name: "good", script: "#!/bin/bash\n", workdir: "/home/u", user: "u" };
 * const [good, bad] = [engine.submit(request).jobs[0]!, engine.submit({ ...request, name: "bad" }).jobs[0]!];
 * await clock.runUntilIdle();
 * assert.deepEqual([good.state, bad.state, bad.exitCode], ["COMPLETED", "FAILED", 1]);
 * assert.equal(good.endTime! - good.startTime!, 60_000);
 * ```
 */
export type SimJobModel = (job: SimJob) => { runtimeSeconds: number; exitCode: number };

/**
 * Options of {@linkcode SimEngine}.
 *
 * @example Usage
 * ```ts
 * import { SimEngine, type SimEngineOptions } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const options: SimEngineOptions = { kind: "slurm", nodes: [{ name: "vm", cpus: 2, memoryMB: 24105 }], firstJobId: 100 };
 * const engine = new SimEngine(options);
 * assert.deepEqual(engine.nodes.map((node) => node.name), ["vm"]);
 * assert.equal(engine.defaultQueue, "batch");
 * assert.equal(engine.submit({ name: "j", script: "", workdir: "/home/u", user: "u" }).jobId, 100);
 * ```
 */
export interface SimEngineOptions {
  /** The scheduler emulated (decides nothing in the engine but is reported to emulators). */
  kind: SchedulerKind;
  /** Clock and event loop; default a new {@linkcode VirtualClock}. */
  clock?: SimTimeline;
  /** Login host name (default `login1`). */
  loginHost?: string;
  /** Compute nodes (default two nodes `node1`, `node2` with 4 cores and 16000 MB). */
  nodes?: SimNodeSpec[];
  /** Queues (default one queue `batch` over all nodes, the default). */
  queues?: SimQueueSpec[];
  /** `model` (default): runtime and exit code from {@linkcode SimEngineOptions.model}; `shell`: run each script with bash. */
  execution?: "shell" | "model";
  /** Runtime and exit code of each job in `model` mode (default: 1 s, exit 0). */
  model?: SimJobModel;
  /** File system for `shell` mode (required there) and {@linkcode SimEngine.readFile}. */
  fs?: SimFileSystem;
  /** First job id (default 1). */
  firstJobId?: number;
  /** `split`: each array task gets its own raw id, the last keeps the array's (SLURM); `shared`: tasks share the array's id (default). */
  arrayTaskIds?: "split" | "shared";
  /** Memory per core when a request gives none (default 256 MB, SLURM's DefMemPerCPU of the recorded cluster). */
  defaultMemoryMBPerCpu?: number;
  /** Signal number recorded for jobs killed at their walltime or cancelled while running (default 15). */
  killSignal?: number;
  /** What to do with requests no node or queue can ever satisfy (default all `"reject"`). */
  limits?: Partial<Record<"cpus" | "memory" | "nodes" | "time" | "gpus", SimLimitPolicy>>;
  /** How many jobs behind a blocked one the backfill pass looks at (default 100). */
  backfillDepth?: number;
  /** Least time between two backfill passes, ms (default 30 s, SLURM's bf_interval). */
  backfillIntervalMs?: number;
  /** Delay between a change and the scheduling pass it triggers, ms (default 0: next advance of the clock). */
  schedulerDelayMs?: number;
  /**
   * A scheduler that wakes on a fixed period (OpenLava's mbatchd): the pass a change triggers
   * runs at the first whole multiple of this period, ms since the epoch, after the delay
   * (default none: right after the delay).
   */
  schedulerPeriodMs?: number;
  /** How long a finished job takes to reach accounting, ms (default 0). */
  accountingLagMs?: number;
}
