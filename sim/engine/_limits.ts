/**
 * Requests that can never run on a cluster: {@linkcode neverFits} finds the first limit a
 * request exceeds (queue walltime, node count, memory, cores, GPUs of any node of its queue), and
 * {@linkcode applyLimitPolicy} does what the cluster's {@linkcode SimLimitPolicy} says with it.
 *
 * @module
 */

import type { JobRecord } from "./_job_record.ts";
import type { JobTable } from "./_job_table.ts";
import type { SimNodeSpec, SimQueueSpec, SimReason, SimSubmitRequest } from "../types.ts";
import { type SimLimitPolicy, SimSubmitRejection } from "../emulator.ts";

/** The kinds of limit a policy is set for. */
export type LimitKind = "cpus" | "memory" | "nodes" | "time" | "gpus";

/** The policy per kind of limit; a kind left out is `"reject"`. */
export type LimitPolicies = Partial<Record<LimitKind, SimLimitPolicy>>;

/** Why a request can never run here, with the policy that applies. */
export interface Blocker {
  /** The reason a pending job shows (or a recorded failed one keeps). */
  reason: SimReason;
  /** What the cluster does with such requests. */
  policy: SimLimitPolicy;
  /** The rejection code, for refusals. */
  code: SimSubmitRejection["code"];
  /** The offending value, for the message. */
  detail: string;
}

/**
 * The first limit a request (defaults filled in) exceeds on its queue, if any.
 *
 * @param request The request; `nodes`, `tasksPerNode`, `cpusPerTask`, `memoryMB`, `gpus` set.
 * @param queue Its queue.
 * @param nodes The nodes of that queue.
 * @param policies The cluster's limit policies.
 * @returns The blocker, or `undefined` when some node set could run it.
 */
export function neverFits(
  request: SimSubmitRequest,
  queue: SimQueueSpec,
  nodes: readonly SimNodeSpec[],
  policies: LimitPolicies,
): Blocker | undefined {
  const cpus = request.tasksPerNode! * request.cpusPerTask!;
  const memoryMB = request.memoryMB!;
  const gpus = request.gpus!;
  const wanted = request.nodes!;
  const blocker = (kind: LimitKind, reason: SimReason, code: Blocker["code"], detail: string) => ({
    reason,
    policy: policies[kind] ?? "reject",
    code,
    detail,
  });
  const time = request.timeLimitSeconds;
  if (time !== undefined && queue.maxTimeSeconds !== undefined && time > queue.maxTimeSeconds) {
    return blocker("time", "over-time-limit", "time-limit", String(time));
  }
  if (wanted > nodes.length) {
    return blocker("nodes", "over-node-limit", "too-many-nodes", String(wanted));
  }
  const count = (fits: (node: SimNodeSpec) => boolean) => nodes.filter(fits).length;
  if (count((n) => n.memoryMB >= memoryMB) < wanted) {
    return blocker("memory", "over-memory", "too-much-memory", `${memoryMB}M`);
  }
  if (count((n) => n.cpus >= cpus) < wanted) {
    return blocker("cpus", "over-queue-limit", "too-many-cpus", String(cpus));
  }
  if (count((n) => (n.gpus ?? 0) >= gpus) < wanted) {
    return blocker("gpus", "over-queue-limit", "too-many-gpus", String(gpus));
  }
  const all = count((n) => n.memoryMB >= memoryMB && n.cpus >= cpus && (n.gpus ?? 0) >= gpus);
  if (all < wanted) return blocker("cpus", "over-queue-limit", "too-many-cpus", String(cpus));
  return undefined;
}

/**
 * Applies a blocker's policy to a new job: `pend` marks it blocked; `reject` gives its id back
 * and throws; `reject-recorded` records it as a failed job under its id, then throws.
 *
 * @param job The new job, numbered but not yet in the table.
 * @param blocker Why it can never run.
 * @param table The engine's jobs.
 * @throws {SimSubmitRejection} Unless the policy is `pend`.
 */
export function applyLimitPolicy(job: JobRecord, blocker: Blocker, table: JobTable): void {
  if (blocker.policy === "reject") {
    table.refund();
    throw new SimSubmitRejection(blocker.code, blocker.detail);
  }
  if (blocker.policy === "reject-recorded") {
    job.state = "FAILED";
    job.storedReason = blocker.reason;
    job.endTime = job.submitTime;
    job.exitCode = 1;
    table.add(job);
    throw new SimSubmitRejection(blocker.code, blocker.detail, job.id);
  }
  job.blocker = blocker.reason;
}
