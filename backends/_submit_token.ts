/**
 * Submission tokens, per scheduler: where a submission stores its unique token so that the
 * scheduler keeps it with the job, and the one command that lists, for many tokens at once,
 * which job carries which. After an ambiguous submit (the answer was lost) the library asks
 * that command, adopts the job it finds, or submits again when the listing proves there is none.
 *
 * | scheduler | token stored as | looked up with | complete for |
 * |---|---|---|---|
 * | SLURM | `sbatch --comment=TOKEN` (squeue `%k`, sbatch(1), squeue(1)) | `squeue --me -h -t all -o %i\|%k` | MinJobAge, 300 s by default (slurm.conf(5)) |
 * | Torque | `qsub -v CLUSTERJOB_TOKEN=TOKEN` (`Variable_List`, recordings raw/torque/020) | `qstat -f` | `keep_completed` (300 s in the recorded server) |
 * | PBS Pro | `qsub -v CLUSTERJOB_TOKEN=TOKEN` (`Variable_List`, raw/openpbs/024) | `qstat -x -f` | job history, when the listing shows it (state `F`) |
 * | LSF | `bsub -Jd TOKEN` (job description; OpenLava has it too: lsb.sub.c `SUB2_JOB_DESC`) | `bjobs -a -noheader -o "jobid job_description delimiter='\|'"`; OpenLava `bjobs -a -l` | CLEAN_PERIOD, 3600 s by default (lsb.params) |
 * | SGE | `qsub -ac CLUSTERJOB_TOKEN=TOKEN` (job context, `qstat -j` `context:`) | `qstat -j NAME,…` | 0: qmaster forgets a job as soon as it ends |
 *
 * Torque truncates names and SGE's and PBS's job names are the user's, so no scheduler's name
 * carries the token. Internal module.
 *
 * @module
 */

import type { CommandOutput } from "../src/core/transport.ts";
import type { SubmitTokenSupport, TokenLookup, TokenQuery } from "../src/core/backend.ts";
import { nonEmptyLines, queryFailed } from "./_commands.ts";
import { parseQstatFull } from "./_pbs_family.ts";
import { longRecords, unwrapLines } from "./_lsf_records.ts";
import { SUBMIT_TOKEN } from "../src/core/_submit_token.ts";

/** The variable PBS and SGE store the token in. */
const VARIABLE = "CLUSTERJOB_TOKEN";

const SECOND = 1000;

/** The tokens asked about, as a set. */
function wanted(jobs: readonly TokenQuery[]): Set<string> {
  return new Set(jobs.map((job) => job.token).filter((token) => SUBMIT_TOKEN.test(token)));
}

/** A lookup answer of `found` (token → id), complete for `completeForMs`. */
function lookup(found: Map<string, string>, completeForMs: number): TokenLookup {
  return { jobIds: found, completeForMs };
}

/** Keeps the first (lowest) id of a token: a job found once more is still that job. */
function keepFirst(found: Map<string, string>, token: string, id: string): void {
  if (!found.has(token)) found.set(token, id);
}

/** `TOKEN` inside a `KEY=value,KEY=value` list (Variable_List, SGE context). */
function tokenInList(list: string | undefined): string | undefined {
  if (list === undefined) return undefined;
  const match = new RegExp(`(?:^|,)${VARIABLE}=(cj-[0-9a-f]{24})(?:,|$)`).exec(list.trim());
  return match?.[1];
}

const SLURM_LOOKUP = ["squeue", "--me", "-h", "-t", "all", "-o", "%i|%k"];

/**
 * SLURM: the comment. squeue shows every job slurmctld holds, finished ones for MinJobAge
 * (300 s by default, slurm.conf(5)); `%k` prints the comment, `(null)` when there is none.
 */
export const slurmToken: SubmitTokenSupport = Object.freeze({
  submitOptions: (token: string): string[] => [`--comment=${token}`],
  // A command-line option wins over the script's: never replace the user's own comment.
  fitsScript: (script: string): boolean => !/^#SBATCH[ \t](?:.*[ \t])?--comment\b/m.test(script),
  lookupCommand: (): string[] => [...SLURM_LOOKUP],
  parseLookup(output: CommandOutput, jobs: readonly TokenQuery[]): TokenLookup {
    if (output.code !== 0) throw queryFailed(SLURM_LOOKUP, output, "Token lookup failed");
    const tokens = wanted(jobs);
    const found = new Map<string, string>();
    for (const line of nonEmptyLines(output.stdout)) {
      const bar = line.indexOf("|");
      const id = /^(\d+)(?:[_+].*)?$/.exec(line.slice(0, bar))?.[1];
      const comment = line.slice(bar + 1);
      if (bar > 0 && id !== undefined && tokens.has(comment)) keepFirst(found, comment, id);
    }
    return lookup(found, 300 * SECOND);
  },
});

/**
 * PBS (both products): the `Variable_List` entry `CLUSTERJOB_TOKEN`. Torque's `qstat -f` shows
 * completed jobs for `keep_completed`; PBS Pro's `qstat -x -f` shows finished ones only where
 * job history is on (`job_history_enable`, off by default), which a finished job (`F`) in the
 * listing proves, and then for `job_history_duration` (two weeks by default).
 */
function pbsToken(product: "torque" | "pbspro"): SubmitTokenSupport {
  const argv = product === "torque" ? ["qstat", "-f"] : ["qstat", "-x", "-f"];
  const keep = new Set(["Variable_List", "job_state"]);
  return Object.freeze({
    submitOptions: (token: string): string[] => ["-v", `${VARIABLE}=${token}`],
    // qsub's command-line -v replaces a -v of the script's directives.
    fitsScript: (script: string): boolean => !/^#PBS[ \t](?:.*[ \t])?-v(?:[ \t]|$)/m.test(script),
    lookupCommand: (): string[] => [...argv],
    parseLookup(output: CommandOutput, jobs: readonly TokenQuery[]): TokenLookup {
      if (output.code !== 0) throw queryFailed(argv, output, "Token lookup failed");
      const tokens = wanted(jobs);
      const found = new Map<string, string>();
      let history = false;
      for (const job of parseQstatFull(output.stdout, keep).jobs) {
        if (job.attributes.get("job_state") === "F") history = true;
        const token = tokenInList(job.attributes.get("Variable_List"));
        if (token !== undefined && tokens.has(token)) keepFirst(found, token, job.id);
      }
      const complete = product === "torque" ? 300 * SECOND : history ? 14 * 24 * 3600 * SECOND : 0;
      return lookup(found, complete);
    },
  });
}

/** Torque's token support. */
export const torqueToken: SubmitTokenSupport = pbsToken("torque");
/** PBS Pro's token support. */
export const pbsproToken: SubmitTokenSupport = pbsToken("pbspro");

const LSF_LOOKUP = ["bjobs", "-a", "-noheader", "-o", "jobid job_description delimiter='|'"];

/**
 * An LSF dialect's token support: `-Jd`, and `lookup` listing the jobs; `read` takes the token
 * → id pairs from a successful answer. With no job at all bjobs says `No job found` (exit 255).
 */
function lsfDialectToken(
  lookupArgv: readonly string[],
  read: (stdout: string) => Iterable<readonly [string | undefined, string]>,
): SubmitTokenSupport {
  return Object.freeze({
    submitOptions: (token: string): string[] => ["-Jd", token],
    // bsub's command line wins over the script's #BSUB lines: never replace the user's -Jd.
    fitsScript: (script: string): boolean => !/^#BSUB[ \t](?:.*[ \t])?-Jd(?:[ \t]|$)/m.test(script),
    lookupCommand: (): string[] => [...lookupArgv],
    parseLookup(output: CommandOutput, jobs: readonly TokenQuery[]): TokenLookup {
      const found = new Map<string, string>();
      if (output.code !== 0) {
        if (/^No job found\s*$/.test(output.stderr) && output.stdout.trim() === "") {
          return lookup(found, 3600 * SECOND);
        }
        throw queryFailed(lookupArgv, output, "Token lookup failed");
      }
      const tokens = wanted(jobs);
      for (const [token, id] of read(output.stdout)) {
        if (token !== undefined && tokens.has(token)) keepFirst(found, token, id);
      }
      return lookup(found, 3600 * SECOND);
    },
  });
}

/**
 * LSF: the job description (`bsub -Jd`, LSF 10.1 and OpenLava). `bjobs -a` lists finished jobs
 * for CLEAN_PERIOD (3600 s by default, lsb.params); with none at all it says `No job found`
 * (exit 255). OpenLava's `bjobs` has no `-o`: the backend's OpenLava dialect asks `bjobs -a -l`
 * ({@linkcode openlavaToken}).
 */
export const lsfToken: SubmitTokenSupport = lsfDialectToken(
  LSF_LOOKUP,
  (stdout) =>
    nonEmptyLines(stdout).flatMap((line) => {
      const [id, description] = line.split("|");
      return id !== undefined && /^\d+$/.test(id) ? [[description, id] as const] : [];
    }),
);

/**
 * OpenLava (and LSF before 9.1.1): `bjobs -a -l` prints every job mbatchd holds, finished ones
 * for CLEAN_PERIOD; a record's header carries `, Job Description <TOKEN>` after the command
 * (`prtHeader`, OpenLava lsbatch/cmd/cmd.job.c), wrapped at 79 columns like the rest of it.
 */
export const openlavaToken: SubmitTokenSupport = lsfDialectToken(
  ["bjobs", "-a", "-l"],
  (stdout) =>
    longRecords(unwrapLines(stdout)).records.map((record) =>
      [/, Job Description <(cj-[0-9a-f]{24})>/.exec(record.header)?.[1], record.id] as const
    ),
);

/** SGE's record separator in `qstat -j` (a line of 62 `=`). */
const SGE_SEPARATOR = /^={62}$/;

/** Job names `qstat -j` can be asked about: no list separator, no wildcard. */
const SGE_NAME = /^[^,*?[\]\s]+$/;

/**
 * SGE: the job context (`qsub -ac`, printed by `qstat -j` as `context:`). qstat finds jobs by
 * name, so the lookup asks about the names of the jobs looked for; jobs that do not exist are
 * listed under `Following jobs do not exist` (exit 1). qmaster forgets a job as soon as it
 * ends, so an absent token proves nothing.
 */
export const sgeToken: SubmitTokenSupport = Object.freeze({
  // -ac adds to the context the script's own -ac lines set (qsub(1)): it always fits.
  submitOptions: (token: string): string[] => ["-ac", `${VARIABLE}=${token}`],
  lookupCommand: (jobs: readonly TokenQuery[]): string[] => {
    const names = [...new Set(jobs.map((job) => job.name).filter((n) => SGE_NAME.test(n)))];
    return ["qstat", "-j", names.join(",")];
  },
  parseLookup(output: CommandOutput, jobs: readonly TokenQuery[]): TokenLookup {
    const argv = sgeToken.lookupCommand(jobs);
    const missingOnly = /^Following jobs do not exist/.test(output.stderr);
    if (output.code !== 0 && !(output.code === 1 && missingOnly)) {
      throw queryFailed(argv, output, "Token lookup failed");
    }
    const tokens = wanted(jobs);
    const found = new Map<string, string>();
    let id: string | undefined;
    for (const line of output.stdout.split("\n")) {
      if (SGE_SEPARATOR.test(line)) id = undefined;
      const field = /^(job_number|context):\s+(.*)$/.exec(line);
      if (field?.[1] === "job_number") id = field[2]!.trim();
      const token = field?.[1] === "context" ? tokenInList(field[2]) : undefined;
      if (token !== undefined && id !== undefined && tokens.has(token)) keepFirst(found, token, id);
    }
    return lookup(found, 0);
  },
});
