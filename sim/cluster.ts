/**
 * The simulator's façade: {@linkcode SimCluster} builds a simulated SLURM, PBS (Torque or PBS
 * Pro), LSF or SGE cluster — engine, emulated command-line tools, file system, clock and faults
 * — and hands out a {@linkcode Transport} that clusterjob (or any code that runs scheduler
 * commands) can use instead of a real login node.
 *
 * @module
 */

import type { CommandOutput, RunOptions, Transport } from "../src/core/transport.ts";
import { MissingPermissionError } from "../src/core/transport_errors.ts";
import { SimEngine, type SimEngineOptions, type SimJobModel } from "./engine/engine.ts";
import { type SimFaultOptions, SimFaults } from "./faults.ts";
import { SimFileSystem } from "./engine/filesystem.ts";
import { lsfEmulator, openlavaEmulator } from "./lsf/mod.ts";
import { pbsEmulator, pbsproEmulator } from "./pbs/mod.ts";
import { sgeEmulator } from "./sge/mod.ts";
import { slurmEmulator } from "./slurm/mod.ts";
import { loginCommands } from "./_login_commands.ts";
import { checkClusterOptions } from "./_cluster_options.ts";
import { SimCommandLog, type SimCommandLogOptions, type SimCommandRecord } from "./command_log.ts";
import { SimTransport, type SimTransportContext } from "./transport.ts";
import type { SchedulerKind, SimJob, SimNodeSpec, SimQueueSpec } from "./types.ts";
import type { SimCommand, SimEmulator, SimEmulatorDefaults } from "./emulator.ts";
import { realTimeline, type SimTimeline, VirtualClock } from "./engine/virtual_clock.ts";

/**
 * Options of {@linkcode SimCluster}.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimClusterOptions } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const options: SimClusterOptions = {
 *   scheduler: "slurm",
 *   nodes: [{ name: "vm", cpus: 2, memoryMB: 24105 }],
 *   queues: [{ name: "debug", default: true }],
 *   execution: "model",
 *   model: () => ({ runtimeSeconds: 30, exitCode: 0 }),
 * };
 * await using cluster = new SimCluster(options);
 * const id = Number((await cluster.run(["sbatch", "--parsable", "--wrap", "true"])).stdout);
 * await cluster.runUntilIdle();
 * const job = cluster.job(id)!;
 * assert.deepEqual([job.state, job.nodeList, job.endTime! - job.startTime!], ["COMPLETED", ["vm"], 30_000]);
 * ```
 */
export interface SimClusterOptions {
  /** Which scheduler's tools to emulate. */
  scheduler: SchedulerKind;
  /**
   * Which product's tools, for a scheduler the simulator knows in more than one: LSF `lsf10`
   * (IBM Spectrum LSF 10.1, the default) or `openlava` (OpenLava 4.0: no `bjobs -o`, `Job Id
   * <N>,` records).
   */
  dialect?: "lsf10" | "openlava";
  /** Compute nodes (default two nodes `node1`, `node2`: 4 cores, 16000 MB each). */
  nodes?: SimNodeSpec[];
  /** Queues (default one, named as the scheduler's stock queue: `debug`, `batch`, `workq`, `normal`, `all.q`). */
  queues?: SimQueueSpec[];
  /** `shell`: run each job script with bash in the simulator's directory; `model`: no process, runtime and exit code from `model`. Default: `model` when a model is given, else `shell`. */
  execution?: "shell" | "model";
  /** Runtime and exit code of each job in `model` mode (default 1 s, exit 0). */
  model?: SimJobModel;
  /** `virtual` (default): simulated time that jumps when every waiter sleeps; `real`: the wall clock. */
  clock?: "virtual" | "real";
  /** Start of virtual time (default 2026-01-01T00:00:00Z). */
  startTime?: number | Date;
  /** The user commands run as (default `user`, home `/home/user`). */
  user?: string;
  /** Login host name (default `login1`). */
  loginHost?: string;
  /** First job id (default 1). */
  firstJobId?: number;
  /** Seed of the fault generator (shortcut for `faults.seed`). */
  seed?: number;
  /** Initial fault settings. */
  faults?: SimFaultOptions;
  /** Extra commands served besides the scheduler's tools (name → handler). */
  commands?: Record<string, SimCommand>;
  /**
   * What {@linkcode SimCluster.commandLog} keeps of the commands' outputs (default: the most
   * recent ones, up to 16 Mi characters together); every command keeps its record.
   */
  commandLog?: SimCommandLogOptions;
  /** Engine tuning (accounting lag, backfill depth, memory default, limit policies). */
  engine?: Pick<
    SimEngineOptions,
    | "defaultMemoryMBPerCpu"
    | "limits"
    | "backfillDepth"
    | "backfillIntervalMs"
    | "schedulerDelayMs"
    | "accountingLagMs"
    | "killSignal"
  >;
}

/** The emulated schedulers: adding one is a folder of `sim/` and a line here. */
const EMULATORS: Readonly<Record<SchedulerKind, SimEmulator>> = {
  slurm: slurmEmulator,
  sge: sgeEmulator,
  pbs: pbsEmulator,
  pbspro: pbsproEmulator,
  lsf: lsfEmulator,
};

/**
 * A simulated cluster: the scheduler's command-line tools over one job-queue engine, a private
 * file system, a clock (virtual by default) and fault controls. Close it (or use `await using`)
 * to stop job processes and remove its directory.
 *
 * @example Test your pipeline against a simulated SLURM
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm" });
 * const transport = cluster.transport();
 * await transport.writeFile("~/hello.sh", "#!/bin/bash\necho hello from $SLURM_JOB_ID\n");
 * const submitted = await transport.run(["sbatch", "--parsable", "hello.sh"]);
 * const id = submitted.stdout.trim();
 * await cluster.runUntilIdle();
 * assert.equal(cluster.job(Number(id))?.state, "COMPLETED");
 * assert.equal(await transport.readFile(`~/slurm-${id}.out`), `hello from ${id}\n`);
 * ```
 */
export class SimCluster implements AsyncDisposable {
  /** The emulated scheduler. */
  readonly kind: SchedulerKind;
  /** The job-queue engine. */
  readonly engine: SimEngine;
  /** The cluster's clock. */
  readonly clock: SimTimeline;
  /** The simulator's file system. */
  readonly fs: SimFileSystem;
  /** Fault controls. */
  readonly faults: SimFaults;
  /** The emulated tools. */
  readonly emulator: SimEmulator;
  /** The default user. */
  readonly user: string;
  /** The default user's home directory (simulated path). */
  readonly home: string;
  readonly #log: SimCommandLog;
  readonly #commands: Record<string, SimCommand>;
  #closed = false;

  /**
   * Builds the cluster.
   *
   * @param options Scheduler, nodes, queues, execution mode, clock, user, faults.
   * @throws {InvalidValueError} For an unknown option or a value of the wrong type or form
   * (naming the option: `scheduler`, `nodes[0].cpus`, …).
   * @throws {MissingPermissionError} In `shell` mode, when Deno may not run `bash`.
   * @throws {Error} When the options are inconsistent (a queue lists an unknown node).
   */
  constructor(options: SimClusterOptions) {
    checkClusterOptions(options, Object.keys(EMULATORS) as SchedulerKind[]);
    this.kind = options.scheduler;
    if ((options.execution ?? (options.model === undefined ? "shell" : "model")) === "shell") {
      requireBash();
    }
    this.emulator = options.dialect === "openlava" ? openlavaEmulator : EMULATORS[this.kind];
    this.user = options.user ?? "user";
    this.home = homeOf(this.user);
    this.clock = options.clock === "real"
      ? realTimeline()
      : new VirtualClock(options.startTime === undefined ? {} : { start: options.startTime });
    this.fs = new SimFileSystem();
    this.fs.mkdir(this.home, 0o755);
    this.engine = new SimEngine(
      engineOptions(options, this.emulator.defaults, this.clock, this.fs),
    );
    const faultOptions = { ...options.faults };
    if (options.seed !== undefined && faultOptions.seed === undefined) {
      faultOptions.seed = options.seed;
    }
    this.faults = new SimFaults(this.engine, faultOptions);
    this.#commands = { ...loginCommands(this.engine.loginHost), ...options.commands };
    this.#log = new SimCommandLog(options.commandLog);
  }

  /**
   * Every command served so far, in order: argv, working directory, user, time, role, exit code,
   * fault, and the outputs the log keeps (see {@linkcode SimClusterOptions.commandLog}).
   */
  get commandLog(): readonly SimCommandRecord[] {
    return this.#log.records;
  }

  /**
   * The parts a {@linkcode SimTransport} needs, for building one by hand.
   *
   * @param user The calling user (default: the cluster's user); the home directory follows.
   * @returns The transport context of this cluster.
   */
  transportContext(user: string = this.user): SimTransportContext {
    const home = homeOf(user);
    this.fs.mkdir(home);
    return {
      engine: this.engine,
      emulator: this.emulator,
      fs: this.fs,
      clock: this.clock,
      faults: this.faults,
      log: this.#log,
      user,
      home,
      extraCommands: this.#commands,
    };
  }

  /**
   * A transport whose commands this cluster serves.
   *
   * @param options `user`: run commands as this user (default: the cluster's user).
   * @returns The transport (cheap; every call gives a new one on the same cluster).
   */
  transport(options: { user?: string } = {}): Transport {
    return new SimTransport(this.transportContext(options.user));
  }

  /**
   * Runs one command as the default user (shortcut for `transport().run`).
   *
   * @param argv Command and arguments.
   * @param options Working directory, stdin, timeout, ...
   * @returns Exit code and output.
   */
  run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    return this.transport().run(argv, options);
  }

  /** Every job ever submitted (array tasks individually), in submission order. */
  jobs(): readonly SimJob[] {
    return this.engine.jobs();
  }

  /**
   * A job by raw id (for an array's id: its first task).
   *
   * @param id Job id.
   * @returns The job, or `undefined`.
   */
  job(id: number): SimJob | undefined {
    const found = this.engine.find(id);
    return found.find((job) => job.id === id && job.arrayJobId === undefined) ?? found[0];
  }

  /**
   * Lets simulated time run until no engine event is left: every job that can finish has
   * finished (jobs waiting forever, e.g. on a never satisfiable dependency, stay pending).
   * With a real clock it waits in real time.
   */
  runUntilIdle(): Promise<void> {
    return this.clock.runUntilIdle();
  }

  /**
   * Moves time forward (virtual clock: at once; real clock: waits).
   *
   * @param ms Milliseconds.
   */
  advance(ms: number): Promise<void> {
    return this.clock.sleep(ms);
  }

  /** Stops running job processes and removes the simulator's directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.engine.shutdown();
    await this.fs.close();
  }

  /** Same as {@linkcode SimCluster.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Shell mode runs every job script with bash: without the permission, each job would end as a
 * failure to start, so the cluster refuses up front and names the flag (or the model mode).
 */
function requireBash(): void {
  const descriptor = { name: "run", command: "bash" } as const;
  let state = Deno.permissions.querySync(descriptor).state;
  if (state === "prompt") state = Deno.permissions.requestSync(descriptor).state;
  if (state !== "granted") {
    throw new MissingPermissionError("sim", "run", "bash", {
      action: 'Cannot run job scripts with "bash" (a SimCluster in shell mode; give a `model` to ' +
        "simulate without running scripts)",
      narrow: "bash",
    });
  }
}

/** The home directory of a simulated user. */
function homeOf(user: string): string {
  return user === "root" ? "/root" : `/home/${user}`;
}

/**
 * The engine a cluster's options ask for: its nodes, queues (default the scheduler's stock
 * queue), execution mode (`shell` unless a model is given) and tuning over the emulator's defaults.
 */
function engineOptions(
  options: SimClusterOptions,
  defaults: SimEmulatorDefaults | undefined,
  clock: SimTimeline,
  fs: SimFileSystem,
): SimEngineOptions {
  const tuning = options.engine ?? {};
  return {
    kind: options.scheduler,
    clock,
    loginHost: options.loginHost ?? "login1",
    ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
    queues: options.queues ?? [{ name: defaults?.queue ?? "batch", default: true }],
    execution: options.execution ?? (options.model === undefined ? "shell" : "model"),
    ...(options.model === undefined ? {} : { model: options.model }),
    fs,
    ...(options.firstJobId === undefined ? {} : { firstJobId: options.firstJobId }),
    ...(defaults === undefined
      ? {}
      : { arrayTaskIds: defaults.arrayTaskIds, killSignal: defaults.killSignal }),
    ...tuning,
    limits: { ...defaults?.limits, ...tuning.limits },
  };
}
