/**
 * clusterjob: write an HPC job script once, run it on SLURM, PBS/Torque, PBS Pro, LSF or SGE —
 * on this machine, on a cluster's login node over SSH, or on the embedded simulator — and track
 * it as a cached, pollable run.
 *
 * @example Render a job script for SLURM
 * ```ts
 * import { JobScript } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 *
 * const job = new JobScript({
 *   name: "hello",
 *   body: "echo Hello from $CLUSTERJOB_ID",
 *   resources: { queue: "debug", time: "00:05:00", nodes: 1, ppn: 1, mem: "100M" },
 * });
 * const script = job.render();
 * assert.ok(script.startsWith([
 *   "#!/bin/bash",
 *   "#SBATCH --job-name=hello",
 *   "#SBATCH --partition=debug",
 *   "#SBATCH --time=00:05:00",
 *   "#SBATCH --nodes=1",
 *   "#SBATCH --ntasks-per-node=1",
 *   "#SBATCH --mem=100M",
 *   "# clusterjob markers: this job's start and end, for when the scheduler forgets it",
 * ].join("\n")));
 * assert.ok(script.endsWith("\necho Hello from $SLURM_JOB_ID\n"));
 * assert.equal(job.with({ backend: "lsf" }).render().split("\n")[1], "#BSUB -J hello");
 * ```
 *
 * @module
 */

export * from "./src/core/errors.ts";
export * from "./src/core/status.ts";
export * from "./src/core/cause.ts";
export * from "./src/core/clock.ts";
export * from "./src/core/transport.ts";
export * from "./src/core/transport_errors.ts";
export * from "./src/core/resources.ts";
export * from "./src/core/time.ts";
export * from "./src/core/memory.ts";
export * from "./src/core/template.ts";
export * from "./src/core/known_options.ts";
export * from "./src/job/job_script.ts";
export * from "./src/job/settings.ts";
export * from "./src/job/job_warning.ts";
export * from "./src/job/key_errors.ts";
export * from "./src/transports/local_transport.ts";
export * from "./src/transports/ssh_transport.ts";
export type { SubmitOptions } from "./src/run/submit.ts";
export * from "./src/job/submit_job.ts";
export * from "./src/run/async_result.ts";
export * from "./src/run/run_errors.ts";
export * from "./src/run/run_options.ts";
export * from "./src/run/cache.ts";
export * from "./src/core/backend.ts";
export * from "./backends/slurm.ts";
export * from "./backends/pbs.ts";
export * from "./backends/pbspro.ts";
export * from "./backends/lsf.ts";
export * from "./backends/sge.ts";
export * from "./backends/registry.ts";
