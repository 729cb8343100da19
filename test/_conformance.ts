// Conformance of the simulator to a real scheduler, measured: one scenario (a function of a
// "world") runs against the real tools and against a SimCluster built to look like the real
// cluster (same host, user, CPUs, partition and first job id); every command it observes is
// normalised (test/_normalize.ts) and compared; the result is a table command × scheduler ×
// identical/different.

import { dirname } from "node:path";
import { type NormalizeOptions, normalizeOutput } from "./_normalize.ts";
import type { CommandOutput, Transport } from "../src/core/transport.ts";

/** Where a scenario runs: the real scheduler host, or the simulator. */
export interface World {
  /** `real` or `sim`. */
  label: "real" | "sim";
  transport: Transport;
  /** An absolute directory the scenario may use (its scripts and job output go there). */
  workdir: string;
  /** Job ids in the order the scenario submitted them. */
  ids: string[];
  /** Host and user names this world prints (blanked by the normaliser). */
  hosts: string[];
  users: string[];
}

/** One observed command. */
export interface Observation {
  /** The command as the table names it, e.g. `squeue -h -o %i|%T|%r -j`. */
  command: string;
  /** Whether clusterjob itself issues this command (identity is required). */
  library: boolean;
  /** What the scenario was doing (e.g. "while running"). */
  moment: string;
  argv: string[];
  output: CommandOutput;
}

/** Runs commands for a scenario and records what they printed. */
export class Recorder {
  readonly observations: Observation[] = [];
  readonly world: World;

  constructor(world: World) {
    this.world = world;
  }

  /** Runs `argv` in the world's working directory and records it. */
  async observe(
    command: string,
    library: boolean,
    moment: string,
    argv: string[],
  ): Promise<CommandOutput> {
    const output = await this.world.transport.run(argv, {
      cwd: this.world.workdir,
      timeout: 60_000,
    });
    this.observations.push({ command, library, moment, argv, output });
    return output;
  }

  /** Runs `argv` without recording it (set-up and polling). */
  run(argv: string[]): Promise<CommandOutput> {
    return this.world.transport.run(argv, { cwd: this.world.workdir, timeout: 60_000 });
  }

  /** Submits with `argv`, records it, and remembers the job id `parse` finds. */
  async submit(
    command: string,
    library: boolean,
    argv: string[],
    parse: (output: CommandOutput) => string | undefined,
  ): Promise<string> {
    const output = await this.observe(command, library, "submit", argv);
    const id = parse(output);
    if (id === undefined) {
      throw new Error(`${this.world.label}: "${argv.join(" ")}" gave no job id: ${output.stderr}`);
    }
    this.world.ids.push(id);
    return id;
  }

  /**
   * Polls `done` every 250 ms of the world's clock (virtual time jumps in the simulator) until
   * it holds; throws after `limitMs`.
   */
  async until(what: string, done: () => Promise<boolean>, limitMs = 120_000): Promise<void> {
    const clock = this.world.transport.clock;
    const deadline = clock.now() + limitMs;
    while (!(await done())) {
      if (clock.now() > deadline) {
        throw new Error(`${this.world.label}: gave up waiting for ${what} after ${limitMs} ms`);
      }
      await clock.sleep(250);
    }
  }
}

/** A scenario: the same steps in every world. */
export type Scenario = (recorder: Recorder) => Promise<void>;

/** One row of the table: a command on a scheduler, over all its observations. */
export interface ConformanceRow {
  scheduler: string;
  command: string;
  library: boolean;
  /** How many times the scenario ran it. */
  count: number;
  /** How many of those differed after normalisation. */
  different: number;
  /** The differences: moment, argv and a line diff of each. */
  details: string[];
}

function normalizeOptions(world: World): NormalizeOptions {
  return {
    jobIds: world.ids.map(Number),
    hosts: world.hosts,
    users: world.users,
    paths: { [world.workdir]: "<WORKDIR>" },
    shortDurations: false,
    replace: [
      // a session id (`AllocNode:Sid=host:2659`) is a process id
      [/(Sid=\S+?:)\d+/g, "$1<PID>"],
      // SLURM's priority/basic counts down with every job the controller has seen since it
      // started (0xFFFF0000 - n): history, not behaviour; 0 (held) stays visible
      [/\bPriority=\d{6,}\b/g, "Priority=<PRIO>"],
      // which of SLURM's two schedulers starts a job that waited is a race between them
      [/\bScheduler=(?:Main|Backfill)\b/g, "Scheduler=<SCHED>"],
      // SGE's `prior` column is recomputed on every scheduling run (0.75000/0.25000 just after
      // submission, 0.50000 once tickets are spread over identical jobs): timing, not behaviour
      [/^(\s+<JOB\d+> )\d\.\d{5}/gm, "$1<PRIO>"],
      // SGE usage: measured by the execution host, different on every run (padding included)
      [/^((?:ru_\w+|cpu|mem|io|iow|maxvmem)\s+).*$/gm, "$1<N>"],
      // the submitter's own $PATH, copied into the job
      [/^(sge_o_path:\s+).*$/gm, "$1<PATH>"],
    ],
  };
}

/** squeue's default TIME column (`M:SS`) is a duration too; elsewhere `0:15` is an exit code. */
function normalizeFor(observation: Observation, world: World): string {
  const options = normalizeOptions(world);
  const squeueTable = observation.argv[0] === "squeue" && !observation.argv.includes("-o");
  const text = `exit ${observation.output.code}\n--- stdout\n${observation.output.stdout}` +
    `--- stderr\n${observation.output.stderr}`;
  return normalizeOutput(text, { ...options, shortDurations: squeueTable });
}

/** The lines only one side has (a longest-common-subsequence diff; outputs are short). */
function lineDiff(real: string, sim: string, limit = 10): string[] {
  const a = real.split("\n");
  const b = sim.split("\n");
  // common[i][j]: length of the LCS of a[i..] and b[j..]
  const common = Array.from(
    { length: a.length + 1 },
    () => new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j]
        ? common[i + 1]![j + 1]! + 1
        : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while ((i < a.length || j < b.length) && out.length < limit) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && common[i + 1]![j]! >= common[i]![j + 1]!)) {
      out.push(`    real ${JSON.stringify(a[i++])}`);
    } else {
      out.push(`    sim  ${JSON.stringify(b[j++])}`);
    }
  }
  return out;
}

/**
 * Compares the observations of the two worlds, in order (the scenario is the same, so the n-th
 * observation of one is the n-th of the other).
 */
export function compareWorlds(
  scheduler: string,
  real: Recorder,
  sim: Recorder,
): ConformanceRow[] {
  const rows = new Map<string, ConformanceRow>();
  const count = Math.max(real.observations.length, sim.observations.length);
  for (let i = 0; i < count; i++) {
    const a = real.observations[i];
    const b = sim.observations[i];
    const any = (a ?? b)!;
    const row = rows.get(any.command) ??
      {
        scheduler,
        command: any.command,
        library: any.library,
        count: 0,
        different: 0,
        details: [],
      };
    rows.set(any.command, row);
    row.count++;
    const left = a === undefined ? "<not run>" : normalizeFor(a, real.world);
    const right = b === undefined ? "<not run>" : normalizeFor(b, sim.world);
    if (left !== right) {
      row.different++;
      row.details.push(`  ${any.moment}: ${any.argv.join(" ")}`, ...lineDiff(left, right));
    }
  }
  return [...rows.values()];
}

/** The table as Markdown, then the differences in detail. */
export function formatTable(rows: readonly ConformanceRow[]): string {
  const lines = [
    "| command | scheduler | library uses it | result |",
    "| --- | --- | --- | --- |",
    ...rows.map((row) =>
      `| \`${row.command}\` | ${row.scheduler} | ${row.library ? "yes" : "no"} | ${
        row.different === 0
          ? `identical (${row.count}/${row.count})`
          : `**different** (${row.different} of ${row.count})`
      } |`
    ),
  ];
  const details = rows.filter((row) => row.different > 0).flatMap((row) => [
    "",
    `${row.scheduler} \`${row.command}\`:`,
    ...row.details,
  ]);
  return [...lines, ...(details.length > 0 ? ["", "Differences (real vs sim):", ...details] : [])]
    .join("\n") + "\n";
}

/** Writes the report under `.cache/` of the project (git-ignored); returns its path. */
export async function writeReport(name: string, text: string): Promise<string> {
  const root = dirname(dirname(new URL(import.meta.url).pathname));
  const path = `${root}/.cache/${name}`;
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
  return path;
}
