/**
 * Dependency header lines of the built-in backends (`Backend.dependencyHeaders`): each
 * scheduler's syntax for "start this job after those". The ids were checked against the
 * backend's grammar when the dependency was made; they are checked once more here, since a
 * header line is an option of the submit command.
 *
 * - SLURM (sbatch(1) `--dependency`, `--kill-on-invalid-dep`): `afterok:1:2,afterany:3`
 *   (`,` means all of them); `--kill-on-invalid-dep=yes` so that slurmctld cancels a job whose
 *   dependency can never be satisfied instead of keeping it PENDING (`DependencyNeverSatisfied`).
 * - PBS, both dialects (qsub(1B) `-W depend=`): `afterok:1.srv:2.srv,afterany:3.srv`; Torque
 *   names an array parent (`12[].srv`) with the array forms `afterokarray`, `afternotokarray`,
 *   `afteranyarray`, `afterstartarray` (Torque 6.1 qsub(1), "-W depend"; the simulator's qsub.ts reads the same table).
 * - LSF (bsub(1) `-w`, "Specify job dependencies"): `done(1) && exit(2) && ended(3) &&
 *   started(4)`, one quoted word.
 * - SGE (qsub(1) `-hold_jid`): `-hold_jid 1,2`; it only waits for a job to end, so `ok` and
 *   `notok` are made good by the guard the job script starts with (`src/job/_dependencies.ts`);
 *   `start` cannot be said and is refused.
 *
 * @module
 */

import { checkJobId, type HasJobIdGrammar } from "../src/core/job_id.ts";
import {
  DependencyError,
  type DependencyKind,
  type JobDependency,
} from "../src/core/dependency.ts";

const SLURM_TYPES: Record<DependencyKind, string> = {
  ok: "afterok",
  notok: "afternotok",
  any: "afterany",
  start: "after",
};

const LSF_CONDITIONS: Record<DependencyKind, string> = {
  ok: "done",
  notok: "exit",
  any: "ended",
  start: "started",
};

/** The ids of `dependencies`, each checked, grouped by kind in the order of first appearance. */
function byKind(
  owner: HasJobIdGrammar,
  dependencies: readonly JobDependency[],
  typeOf: (dependency: JobDependency) => string,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const dependency of dependencies) {
    const id = checkJobId(owner, dependency.jobId, "after");
    const type = typeOf(dependency);
    const ids = groups.get(type) ?? [];
    if (!ids.includes(id)) ids.push(id);
    groups.set(type, ids);
  }
  return groups;
}

/** SLURM: `#SBATCH --dependency=afterok:1:2,afterany:3` and `--kill-on-invalid-dep=yes`. */
export function slurmDependencyHeaders(
  owner: HasJobIdGrammar,
  dependencies: readonly JobDependency[],
): string[] {
  if (dependencies.length === 0) return [];
  const groups = byKind(owner, dependencies, (dependency) => SLURM_TYPES[dependency.when]);
  const clauses = [...groups].map(([type, ids]) => `${type}:${ids.join(":")}`);
  return [`#SBATCH --dependency=${clauses.join(",")}`, "#SBATCH --kill-on-invalid-dep=yes"];
}

/**
 * PBS: `#PBS -W depend=afterok:1.srv,afterany:3.srv`; with `arrayForms` (Torque) an array
 * parent (`12[].srv`) takes the array type (`afterokarray`).
 */
export function pbsDependencyHeaders(
  owner: HasJobIdGrammar,
  dependencies: readonly JobDependency[],
  arrayForms: boolean,
): string[] {
  if (dependencies.length === 0) return [];
  const groups = byKind(owner, dependencies, ({ jobId, when }) => {
    const type = SLURM_TYPES[when];
    if (!arrayForms || !jobId.includes("[]")) return type;
    return when === "start" ? "afterstartarray" : `${type}array`;
  });
  const clauses = [...groups].map(([type, ids]) => `${type}:${ids.join(":")}`);
  return [`#PBS -W depend=${clauses.join(",")}`];
}

/** LSF: `#BSUB -w "done(1) && ended(2)"`. */
export function lsfDependencyHeaders(
  owner: HasJobIdGrammar,
  dependencies: readonly JobDependency[],
): string[] {
  if (dependencies.length === 0) return [];
  const terms = dependencies.map(({ jobId, when }) =>
    `${LSF_CONDITIONS[when]}(${checkJobId(owner, jobId, "after")})`
  );
  return [`#BSUB -w "${[...new Set(terms)].join(" && ")}"`];
}

/** SGE: `#$ -hold_jid 1,2`; a `start` dependency cannot be said. */
export function sgeDependencyHeaders(
  owner: HasJobIdGrammar,
  dependencies: readonly JobDependency[],
): string[] {
  if (dependencies.length === 0) return [];
  const start = dependencies.find((dependency) => dependency.when === "start");
  if (start !== undefined) {
    throw new DependencyError(
      "after",
      { run: start.jobId, when: "start" },
      'a dependency of kind "ok", "notok" or "any" on scheduler "sge" (its -hold_jid waits ' +
        "for a job to end; SGE cannot start a job when another starts)",
    );
  }
  const ids = byKind(owner, dependencies, () => "hold").get("hold") ?? [];
  return [`#$ -hold_jid ${ids.join(",")}`];
}
