/**
 * Facts of the Son of Grid Engine 8.1.9 cell the emulator copies: the Debian 12 gridengine
 * packages on the recording VM of test/fixtures/real-outputs/sge (described in
 * test/fixtures/real-outputs/TRANSCRIPTS.md).
 *
 * @module
 */

/** The version line of usage texts (001-qstat-help-first-line-version). */
export const VERSION = "SGE 8.1.9";

/** `$SGE_ROOT` (083-env-sort-inside-a-plain-job). */
export const SGE_ROOT = "/var/lib/gridengine";

/**
 * PATH of sge_execd, which jobs inherit rather than the submitter's (083: `PATH`, which the
 * fidelity test compares normalised).
 */
export const EXECD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The parallel environments of `all.q` (003-qconf-sq-all-q: `pe_list make smp mpi`); qsub
 * refuses any other (094-qsub-unknown-PE).
 */
export const PARALLEL_ENVIRONMENTS: readonly string[] = ["make", "smp", "mpi"];

/**
 * How long sge_execd takes to kill a deleted running job, which qstat shows as `dr` meanwhile
 * (052-qstat-right-after-qdel-of-running-job-dr).
 */
export const KILL_DELAY_MS = 2000;

/** sge_execd's spool directory on a node (083: `JOB_SCRIPT`, `SGE_JOB_SPOOL_DIR`). */
export function execdSpool(node: string): string {
  return `/var/spool/gridengine/execd/${node}`;
}

/** The line that starts every record of `qstat -j` and `qacct` (037-qstat-j-RUNNING, 019). */
export const SEPARATOR = "=".repeat(62);
