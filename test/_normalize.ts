/**
 * One normaliser for scheduler output, used to compare the simulator with recorded real output
 * (and, later, with a live scheduler in the conformance suite): it blanks what legitimately
 * differs between two runs — dates and times, durations, host names, directories, users, job
 * ids and process ids — and keeps everything else byte for byte, trailing spaces included.
 *
 * @module
 */

/** What to blank. */
export interface NormalizeOptions {
  /**
   * Job ids of the run, in a fixed order: the n-th becomes `<JOBn>` (1-based). Only ids that
   * cannot collide with other numbers of the output should be listed (in practice ids ≥ 1000);
   * small ids are best reproduced exactly instead.
   */
  jobIds?: readonly number[];
  /** Host names, each replaced by `<HOST>`. */
  hosts?: readonly string[];
  /** Directory prefixes → placeholder (e.g. `{ "/srv/cj/jobs/slurm": "<DIR>" }`); longest first. */
  paths?: Readonly<Record<string, string>>;
  /** User names, each replaced by `<USER>` when a whole word. */
  users?: readonly string[];
  /** Blank absolute dates and times (ISO, `Wed Nov 25 08:46:18 2026`, `11/25/2026 08:46:01`, epoch seconds in `start_time  ...`). Default true. */
  times?: boolean;
  /** Blank `[D-]HH:MM:SS` durations (RunTime, Elapsed). Default true. */
  durations?: boolean;
  /** Also blank squeue's short `M:SS` durations (never use on sacct output: `0:15` is an exit code there). Default false. */
  shortDurations?: boolean;
  /** Extra literal replacements applied last. */
  replace?: ReadonlyArray<readonly [RegExp | string, string]>;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Normalises one output text.
 *
 * @param text stdout or stderr.
 * @param options What to blank.
 * @returns The text with run-specific values replaced by placeholders.
 */
export function normalizeOutput(text: string, options: NormalizeOptions = {}): string {
  let out = text;
  const paths = Object.entries(options.paths ?? {}).sort((a, b) => b[0].length - a[0].length);
  for (const [prefix, placeholder] of paths) {
    out = out.replace(new RegExp(escape(prefix) + "(?=/|\\b|$)", "g"), placeholder);
  }
  if (options.times ?? true) {
    out = out
      .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\b/g, "<DATETIME>")
      .replace(
        /\b(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}\b/g,
        "<DATE>",
      )
      .replace(/\b\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d(\.\d+)?\b/g, "<DATETIME>");
  }
  if (options.durations ?? true) {
    out = out.replace(/(?<![\d:-])(\d+-)?\d\d:\d\d:\d\d(?![\d:])/g, "<DUR>");
  }
  if (options.shortDurations ?? false) {
    out = out.replace(/(?<![\d:<])\d{1,2}:\d\d(?![\d:])/g, "<DUR>");
  }
  for (const host of [...(options.hosts ?? [])].sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(?<![\\w.-])${escape(host)}(?![\\w-])`, "g"), "<HOST>");
  }
  for (const user of options.users ?? []) {
    out = out.replace(new RegExp(`(?<![\\w/-])${escape(user)}(?![\\w-])`, "g"), "<USER>");
  }
  (options.jobIds ?? []).forEach((id, index) => {
    out = out.replace(new RegExp(`(?<![\\w.:-])${id}(?![\\d:])`, "g"), `<JOB${index + 1}>`);
  });
  for (const [pattern, replacement] of options.replace ?? []) {
    out = typeof pattern === "string"
      ? out.split(pattern).join(replacement)
      : out.replace(pattern, replacement);
  }
  return out;
}

/** A recorded invocation: command line, outputs and exit code. */
export interface Recording {
  /** The slug (`009-sbatch-plain`). */
  name: string;
  /** The shell command line as run. */
  cmd: string;
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Reads one recorded invocation from `test/fixtures/real-outputs/<scheduler>/`.
 *
 * @param scheduler `slurm`, `sge`, `openpbs`, `torque` or `openlava`.
 * @param name The slug without extension.
 */
export function readRecording(scheduler: string, name: string): Recording {
  const base = new URL(`./fixtures/real-outputs/${scheduler}/${name}`, import.meta.url).pathname;
  return {
    name,
    cmd: Deno.readTextFileSync(`${base}.cmd`).replace(/\n$/, ""),
    stdout: Deno.readTextFileSync(`${base}.out`),
    stderr: Deno.readTextFileSync(`${base}.err`),
    code: Number(Deno.readTextFileSync(`${base}.rc`).trim()),
  };
}

/** Every recorded slug of a scheduler, sorted. */
export function listRecordings(scheduler: string): string[] {
  const dir = new URL(`./fixtures/real-outputs/${scheduler}/`, import.meta.url).pathname;
  const names = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.endsWith(".cmd")) names.add(entry.name.slice(0, -4));
  }
  return [...names].sort();
}

/**
 * Recorded wall-clock times of the invocations (`HH:MM:SS` UTC on the recording day), read from
 * the transcript's `<sub>raw: ... · 08:46:01Z · 0.007s</sub>` lines, keyed `<scheduler>/<slug>`.
 *
 * @param transcript The transcript under `test/fixtures/real-outputs/` (default the SLURM and
 * SGE one; the PBS and LSF ones are `pbs-lsf-capture/outputs-<scheduler>.md`).
 */
export function recordedTimes(transcript = "TRANSCRIPTS.md"): Map<string, string> {
  const text = Deno.readTextFileSync(
    new URL(`./fixtures/real-outputs/${transcript}`, import.meta.url).pathname,
  );
  const times = new Map<string, string>();
  for (
    const match of text.matchAll(
      /raw: `raw\/(\w+)\/([^.`]+)\.\{cmd,out,err,rc\}` · (\d\d:\d\d:\d\d)Z/g,
    )
  ) {
    times.set(`${match[1]}/${match[2]}`, match[3]!);
  }
  return times;
}

/**
 * How long each recorded invocation took, ms, keyed `<scheduler>/<slug>`: the `· 0.013s` after
 * its time in the transcript's `<sub>raw: ...</sub>` lines.
 *
 * @param transcript The transcript under `test/fixtures/real-outputs/`.
 */
export function recordedDurations(transcript: string): Map<string, number> {
  const text = Deno.readTextFileSync(
    new URL(`./fixtures/real-outputs/${transcript}`, import.meta.url).pathname,
  );
  const durations = new Map<string, number>();
  for (
    const match of text.matchAll(
      /raw: `raw\/(\w+)\/([^.`]+)\.\{cmd,out,err,rc\}` · \d\d:\d\d:\d\dZ · ([\d.]+)s/g,
    )
  ) {
    durations.set(`${match[1]}/${match[2]}`, Math.round(Number(match[3]) * 1000));
  }
  return durations;
}

/** Splits a simple shell command line into words (single and double quotes, no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') current += line[++i] ?? "";
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
