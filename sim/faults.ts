/**
 * Fault injection for the simulator: transient submit failures (with and without the job having
 * been created), failing or hanging status commands, an unreachable controller, node failures,
 * preemption, and lagging, down or disabled accounting. Random choices come from a seeded
 * generator, so a failing test replays exactly.
 *
 * @module
 */

import type { SimEngine } from "./engine/engine.ts";
import type { SimJob } from "./types.ts";

/**
 * Initial fault settings of a cluster (see {@linkcode SimFaults} for switching them later).
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimFaultOptions } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * const faults: SimFaultOptions = { seed: 42, submitFailureProbability: 1, accountingLagMs: 5000 };
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", faults });
 * assert.notEqual((await cluster.run(["sbatch", "--wrap", "true"])).code, 0);
 * assert.equal(cluster.jobs().length, 0);
 * assert.equal(cluster.engine.accountingLagMs, 5000);
 * ```
 */
export interface SimFaultOptions {
  /** Seed of the random choices (default 1). */
  seed?: number;
  /** Probability that a submit command fails transiently (default 0). */
  submitFailureProbability?: number;
  /** Whether such a failed submit still created the job (default false). */
  submitFailureCreatesJob?: boolean;
  /** Probability that a status command (any non-submit command) fails transiently (default 0). */
  statusFailureProbability?: number;
  /** Probability that a status command hangs until its timeout (default 0). */
  statusHangProbability?: number;
  /** Accounting lag, ms (default 0). */
  accountingLagMs?: number;
  /** Accounting service state (default `"up"`). */
  accounting?: "up" | "down" | "disabled";
}

/**
 * A rule that makes commands fail.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimCommandFault } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const fault: SimCommandFault = { commands: ["squeue"], times: 2 };
 * cluster.faults.failCommands(fault);
 * const answered: boolean[] = [];
 * for (let i = 0; i < 3; i++) answered.push((await cluster.run(["squeue", "-h"])).code === 0);
 * assert.deepEqual(answered, [false, false, true]);
 * assert.equal((await cluster.run(["sinfo", "-h"])).code, 0);
 * ```
 */
export interface SimCommandFault {
  /** Commands affected (default: the scheduler's status commands, i.e. all but submit). */
  commands?: string[];
  /** How many calls fail (default 1; `Infinity` = until cleared). Counted only when the rule fires. */
  times?: number;
  /** Probability that a matching call fails (default 1), drawn from the seeded generator. */
  probability?: number;
  /** `error` (default): the tool's transient error; `hang`: no answer until the call's timeout. */
  mode?: "error" | "hang";
  /** For `hang` without a caller timeout: answer normally after this long (default: hang until the timeout or the abort signal). */
  hangMs?: number;
}

/**
 * A rule that makes submissions fail transiently.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimSubmitFault } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * const fault: SimSubmitFault = { created: true };
 * cluster.faults.failSubmit(fault);
 * assert.notEqual((await cluster.run(["sbatch", "--wrap", "true"])).code, 0);
 * assert.equal(cluster.jobs().length, 1, "the job exists although sbatch reported an error");
 * ```
 */
export interface SimSubmitFault {
  /** How many submissions fail (default 1; `Infinity` = until cleared). */
  times?: number;
  /** Probability that a submission fails (default 1). */
  probability?: number;
  /** Whether the job is created although the tool reports the error (default false). */
  created?: boolean;
  /**
   * What the tool prints (see `backends/_submit_errors.ts` for each text's class): `lost`
   * (default) the request reached the controller and the answer was lost (SLURM `Socket timed
   * out on send/recv operation`), so the job may exist; `refused` the controller was never
   * reached or refused at once (SLURM `Unable to contact slurm controller (connect failure)`,
   * Torque `too busy`), so it does not: a `refused` failure never creates the job.
   */
  reply?: "lost" | "refused";
}

/**
 * What the transport must do with one command, as decided by {@linkcode SimFaults.decide}.
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimFaultDecision } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * cluster.faults.controllerDown();
 * const decision: SimFaultDecision | undefined = cluster.faults.decide("squeue", "status");
 * assert.deepEqual(decision, { kind: "unreachable" });
 * assert.equal(cluster.faults.decide("sacct", "accounting"), undefined);
 * ```
 */
export type SimFaultDecision =
  | { kind: "unreachable" }
  | { kind: "submit-failure"; created: boolean; reply: "lost" | "refused" }
  | { kind: "query-failure" }
  | { kind: "hang"; ms: number }
  | { kind: "accounting"; state: "down" | "disabled" };

/**
 * What a command is to the fault rules: it submits, it reads accounting, or it queries or acts
 * on the controller (`status`).
 *
 * @example Usage
 * ```ts
 * import { SimCluster, type SimCommandRole } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * cluster.faults.setAccounting("down");
 * const role: SimCommandRole = "accounting";
 * assert.deepEqual(cluster.faults.decide("sacct", role), { kind: "accounting", state: "down" });
 * assert.equal(cluster.faults.decide("squeue", "status"), undefined);
 * ```
 */
export type SimCommandRole = "submit" | "status" | "accounting";

interface ActiveRule<T> {
  rule: T;
  remaining: number;
}

/**
 * The fault controls of a simulated cluster (`cluster.faults`). All switches act at once on the
 * following commands; random rules draw from a generator seeded by `seed`.
 *
 * @example A status command that times out, then works
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import { CommandTimeoutError } from "@clusterjob/clusterjob";
 * import assert from "node:assert/strict";
 * await using cluster = new SimCluster({ scheduler: "slurm", execution: "model" });
 * cluster.faults.failCommands({ commands: ["squeue"], mode: "hang" });
 * const transport = cluster.transport();
 * let timedOut = false;
 * try {
 *   await transport.run(["squeue"], { timeout: 30_000 });
 * } catch (error) {
 *   timedOut = error instanceof CommandTimeoutError;
 * }
 * assert.ok(timedOut);
 * assert.equal((await transport.run(["squeue", "-h"])).code, 0);
 * ```
 */
export class SimFaults {
  readonly #engine: SimEngine;
  #random: () => number;
  #submitRules: Array<ActiveRule<SimSubmitFault>> = [];
  #commandRules: Array<ActiveRule<SimCommandFault>> = [];
  #controllerDownUntil: number | undefined;
  #controllerDownFrom: number | undefined;
  #accounting: "up" | "down" | "disabled" = "up";
  readonly #injected: Array<{ time: number; command: string; fault: SimFaultDecision["kind"] }> =
    [];

  /**
   * Creates the controls of one cluster.
   *
   * @param engine The cluster's engine (node failures, preemption, accounting lag act on it).
   * @param options Initial settings.
   */
  constructor(engine: SimEngine, options: SimFaultOptions = {}) {
    this.#engine = engine;
    this.#random = seededRandom(options.seed ?? 1);
    if (options.submitFailureProbability) {
      this.failSubmit({
        probability: options.submitFailureProbability,
        times: Infinity,
        created: options.submitFailureCreatesJob ?? false,
      });
    }
    if (options.statusFailureProbability) {
      this.failCommands({ probability: options.statusFailureProbability, times: Infinity });
    }
    if (options.statusHangProbability) {
      this.failCommands({
        probability: options.statusHangProbability,
        times: Infinity,
        mode: "hang",
      });
    }
    if (options.accountingLagMs !== undefined) this.accountingLag(options.accountingLagMs);
    if (options.accounting !== undefined) this.setAccounting(options.accounting);
  }

  /** Every fault injected so far: when, into which command, what kind. */
  get injected(): ReadonlyArray<
    { time: number; command: string; fault: SimFaultDecision["kind"] }
  > {
    return this.#injected;
  }

  /**
   * Re-seeds the random generator.
   *
   * @param seed The new seed.
   */
  reseed(seed: number): void {
    this.#random = seededRandom(seed);
  }

  /**
   * Makes the next submission(s) fail with the tool's transient error text.
   *
   * @param fault How many, how likely, and whether the job is created anyway.
   */
  failSubmit(fault: SimSubmitFault = {}): void {
    this.#submitRules.push({ rule: fault, remaining: fault.times ?? 1 });
  }

  /**
   * Makes status (or the listed) commands fail or hang.
   *
   * @param fault Which commands, how many calls, how likely, error or hang.
   */
  failCommands(fault: SimCommandFault = {}): void {
    this.#commandRules.push({ rule: fault, remaining: fault.times ?? 1 });
  }

  /**
   * Makes the controller unreachable for a window of cluster time: every command but the
   * accounting ones answers with the tool's "cannot contact" error.
   *
   * @param durationMs Length of the window (default: until {@linkcode SimFaults.controllerUp}).
   * @param fromMs Start of the window, ms since the epoch (default now).
   */
  controllerDown(durationMs = Infinity, fromMs?: number): void {
    this.#controllerDownFrom = fromMs ?? this.#engine.now();
    this.#controllerDownUntil = this.#controllerDownFrom + durationMs;
  }

  /** Ends a controller outage. */
  controllerUp(): void {
    this.#controllerDownFrom = undefined;
    this.#controllerDownUntil = undefined;
  }

  /** Whether the controller answers now: false inside a {@linkcode SimFaults.controllerDown} window. */
  get controllerReachable(): boolean {
    const now = this.#engine.now();
    return this.#controllerDownFrom === undefined || now < this.#controllerDownFrom ||
      now >= (this.#controllerDownUntil ?? Infinity);
  }

  /**
   * Fails a node: its running jobs end as `NODE_FAIL`.
   *
   * @param name Node name.
   * @returns The jobs that failed.
   */
  failNode(name: string): SimJob[] {
    return this.#engine.failNode(name);
  }

  /**
   * Brings a failed node back.
   *
   * @param name Node name.
   */
  resumeNode(name: string): void {
    this.#engine.resumeNode(name);
  }

  /**
   * Preempts a running job (or every running task of an array): it ends as `PREEMPTED`.
   *
   * @param jobId Raw job id or array id.
   * @returns The preempted jobs.
   */
  preempt(jobId: number): SimJob[] {
    return this.#engine.preempt(jobId);
  }

  /**
   * Sets how long finished jobs take to reach accounting.
   *
   * @param ms Lag in milliseconds of cluster time.
   */
  accountingLag(ms: number): void {
    this.#engine.accountingLagMs = ms;
  }

  /**
   * Sets the accounting service's state: `down` (temporarily failing) or `disabled` (not
   * configured at all).
   *
   * @param state The new state.
   */
  setAccounting(state: "up" | "down" | "disabled"): void {
    this.#accounting = state;
  }

  /** The accounting service's state. */
  get accounting(): "up" | "down" | "disabled" {
    return this.#accounting;
  }

  /** Removes every rule, ends outages, brings accounting back without lag. Failed nodes stay down. */
  clear(): void {
    this.#submitRules = [];
    this.#commandRules = [];
    this.controllerUp();
    this.#accounting = "up";
    this.#engine.accountingLagMs = 0;
  }

  /**
   * Decides the fault for one command about to run; `undefined` = run it normally. Called by
   * the simulator's transport; consumes rule counts and random draws.
   *
   * @param command The command name.
   * @param role `submit`, `accounting` or `status` (anything else).
   * @returns The fault to inject, if any.
   */
  decide(command: string, role: SimCommandRole): SimFaultDecision | undefined {
    const decision = this.#decide(command, role);
    if (decision !== undefined) {
      this.#injected.push({ time: this.#engine.now(), command, fault: decision.kind });
    }
    return decision;
  }

  #decide(command: string, role: SimCommandRole): SimFaultDecision | undefined {
    if (role === "accounting") {
      if (this.#accounting !== "up") return { kind: "accounting", state: this.#accounting };
    } else if (!this.controllerReachable) {
      return { kind: "unreachable" };
    }
    if (role === "submit") {
      const active = this.#fire(this.#submitRules, () => true);
      if (active !== undefined) {
        const reply = active.reply ?? "lost";
        return {
          kind: "submit-failure",
          created: reply === "lost" && active.created === true,
          reply,
        };
      }
      return undefined;
    }
    const active = this.#fire(
      this.#commandRules,
      (rule) => rule.commands === undefined ? true : rule.commands.includes(command),
    );
    if (active === undefined) return undefined;
    if (active.mode === "hang") return { kind: "hang", ms: active.hangMs ?? Infinity };
    return { kind: "query-failure" };
  }

  #fire<T extends { probability?: number }>(
    rules: Array<ActiveRule<T>>,
    matches: (rule: T) => boolean,
  ): T | undefined {
    for (const active of rules) {
      if (active.remaining <= 0 || !matches(active.rule)) continue;
      const probability = active.rule.probability ?? 1;
      if (probability < 1 && this.#random() >= probability) continue;
      active.remaining--;
      return active.rule;
    }
    return undefined;
  }
}

/** mulberry32: small, fast, good enough for reproducible fault draws. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
