/**
 * An in-process simulator of SLURM, PBS (Torque and PBS Pro), LSF and SGE command-line tools over
 * one job-queue engine, so the whole job lifecycle is testable without a cluster.
 *
 * @module
 */

export * from "./types.ts";
export * from "./engine.ts";
export * from "./cluster.ts";
export * from "./virtual_clock.ts";
export * from "./filesystem.ts";
export * from "./transport.ts";
export * from "./faults.ts";
export * from "./slurm.ts";
export * from "./sge.ts";
export * from "./pbs.ts";
export * from "./lsf.ts";
