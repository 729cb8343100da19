/**
 * No dependent hangs: while a run with `after` dependencies is waited for, the runs it depends
 * on are waited for too (in the same poll rounds: they share the poller), and as soon as one
 * of them ends so that a dependency can never be met (an `ok` parent FAILED or CANCELLED, a
 * `notok` parent COMPLETED), the dependent is ended: cancelled by clusterjob when the scheduler
 * still holds it (SLURM without `--kill-on-invalid-dep`, LSF, OpenPBS after a deleted parent),
 * or recorded as ended by the dependency when the scheduler ended it itself (SLURM with
 * `--kill-on-invalid-dep`, Torque's exit 271, OpenPBS `F`, SGE's guard). Either way it ends
 * CANCELLED with a reason naming the parent, its final status and the dependency kind.
 * Internal module.
 *
 * @module
 */

import type { DependencyKind } from "../core/dependency.ts";
import { isFinished, Status, type StatusCode, statusName } from "../core/status.ts";
import type { DependencyParent as WatchedRun, RunDependency } from "./run_options.ts";

/** One dependency of a run and the run it depends on (made from the id when only that is known). */
export interface ParentLink<R extends WatchedRun = WatchedRun> {
  readonly dependency: RunDependency;
  readonly parent: R;
}

/** What the watch does to the dependent. */
export interface DependentHooks {
  /** Waits for the dependent's own final status (its poller watch). */
  watch(): Promise<StatusCode>;
  /** Ends the dependent for `reason`: cancels it first when `cancel` (the scheduler still holds it). */
  end(reason: string, cancel: boolean): Promise<void>;
  /** The dependent's status now. */
  status(): StatusCode;
}

/**
 * Whether a dependency of kind `when` can no longer be met once its parent ended with `status`
 * in scheduler state `state`: `ok` after FAILED or CANCELLED, `notok` after COMPLETED; never
 * for `any` and `start`, nor for a parent that vanished (neither queue nor accounting knew it:
 * its end is unknown, and SLURM, for one, counts a forgotten job as satisfied).
 */
export function breaks(when: DependencyKind, status: StatusCode, state: string): boolean {
  if (!isFinished(status) || state === "VANISHED") return false;
  if (when === "ok") return status !== Status.COMPLETED;
  if (when === "notok") return status === Status.COMPLETED;
  return false;
}

/** The reason of a dependent ended by its dependency: the parent, its end, the kind. */
export function dependencyReason(dependency: RunDependency, parent: WatchedRun): string {
  const name = parent.jobName !== parent.jobId ? ` (${parent.jobName})` : "";
  const exit = parent.exitCode === undefined ? "" : `, exit code ${parent.exitCode}`;
  const needs = dependency.when === "ok" ? "complete" : "end otherwise than completed";
  return `Dependency never satisfied: after ${dependency.when} on job ${parent.jobId}${name}, ` +
    `which ended ${statusName(parent.status)} (state ${parent.state}${exit}); it had to ${needs}`;
}

/** The first link whose parent has ended so that its dependency breaks, among finished parents. */
function brokenNow<R extends WatchedRun>(
  links: readonly ParentLink<R>[],
): ParentLink<R> | undefined {
  return links.find(({ dependency, parent }) =>
    parent.ready() && breaks(dependency.when, parent.status, parent.state)
  );
}

/**
 * Resolves with the first link whose dependency breaks, or `undefined` once every parent ended
 * without breaking one; rejects when a parent's wait rejects (`stop` aborted, failed queries).
 */
function firstBroken<R extends WatchedRun>(
  links: readonly ParentLink<R>[],
  stop: AbortSignal,
): Promise<ParentLink<R> | undefined> {
  return new Promise((resolve, reject) => {
    let open = links.length;
    for (const link of links) {
      link.parent.wait({ signal: stop }).then(() => {
        if (breaks(link.dependency.when, link.parent.status, link.parent.state)) resolve(link);
        else if (--open === 0) resolve(undefined);
      }, reject);
    }
  });
}

/**
 * Waits for a dependent run: its own watch, and its parents' (see the module doc). Resolves with
 * its final status, after ending it when a dependency broke.
 */
export async function watchDependent<R extends WatchedRun>(
  links: readonly ParentLink<R>[],
  hooks: DependentHooks,
  stop: AbortSignal,
): Promise<StatusCode> {
  const checked = links.filter(({ dependency }) =>
    dependency.when === "ok" || dependency.when === "notok"
  );
  if (checked.length === 0) return await hooks.watch();
  const already = brokenNow(checked);
  if (already !== undefined && !isFinished(hooks.status())) {
    await hooks.end(dependencyReason(already.dependency, already.parent), true);
    return hooks.status();
  }
  const own = hooks.watch();
  const broken = firstBroken(checked, stop);
  // Whichever loses the race is still settled (and its rejection handled) below or here.
  broken.catch(() => {});
  own.catch(() => {});
  const first = await Promise.race([
    own.then((status) => ({ own: true as const, status })),
    broken.then((link) => ({ own: false as const, link })),
  ]);
  if (!first.own) {
    if (first.link === undefined || isFinished(hooks.status())) {
      const status = await own;
      const link = first.link ?? brokenNow(checked);
      if (link !== undefined && status !== Status.COMPLETED) {
        await hooks.end(dependencyReason(link.dependency, link.parent), false);
      }
      return hooks.status();
    }
    await hooks.end(dependencyReason(first.link.dependency, first.link.parent), true);
    await own;
    return hooks.status();
  }
  // The dependent ended by itself: the scheduler may have ended it for its dependency (its
  // parents were polled in the same round, so their end is known now). A parent that ended may
  // itself be ending for its own dependency (SGE's guard): that settles first.
  if (first.status === Status.COMPLETED) return first.status;
  const ended = checked.filter(({ parent }) => parent.ready());
  await Promise.all(ended.map(({ parent }) => parent.wait({ signal: stop }).catch(() => {})));
  const link = brokenNow(checked);
  if (link !== undefined) await hooks.end(dependencyReason(link.dependency, link.parent), false);
  return hooks.status();
}
