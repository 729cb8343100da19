// Helpers of the fidelity tests that replay recorded transcripts on a simulated copy of the
// recording VM: SLURM and SGE (test/sim/slurm/slurm_test.ts, test/sim/sge/mod_test.ts), and the
// conformance tables of OpenPBS, Torque and OpenLava (`replayConformance`, test/sim/pbs/,
// test/sim/lsf/).

import assert from "node:assert/strict";
import { SimCluster, type SimClusterOptions } from "../sim/mod.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import { CommandNotFoundError } from "../src/core/transport_errors.ts";
import {
  listRecordings,
  normalizeOutput,
  readRecording,
  recordedDurations,
  recordedTimes,
  type Recording,
  shellWords,
} from "./_normalize.ts";

/** The day the transcripts were recorded (UTC). */
const RECORDING_DAY = Date.UTC(2026, 10, 25);

/** The environment of the transcripts' `env -i …` submissions. */
export const ENV_I: Readonly<Record<string, string>> = {
  PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/root",
  USER: "root",
  LOGNAME: "root",
  SHELL: "/bin/bash",
};

/**
 * A simulated copy of the recording VM: one node `vm` (2 cpus, 24105 MB), the scheduler's stock
 * queue (`debug`, `all.q`: the simulator's default, as recorded), commands run as root on `vm`,
 * and the recording's job scripts written to `dir`.
 */
export function recordingVm(
  options: SimClusterOptions,
  dir: string,
  scripts: Readonly<Record<string, string>>,
): SimCluster {
  const cluster = new SimCluster({
    nodes: [{ name: "vm", cpus: 2, memoryMB: 24105 }],
    user: "root",
    loginHost: "vm",
    ...options,
  });
  for (const [name, text] of Object.entries(scripts)) cluster.fs.writeText(`${dir}/${name}`, text);
  return cluster;
}

/**
 * Moves the cluster's clock to the recorded `HH:MM:SS` of an invocation (never backwards).
 * `day`: midnight UTC of the recording day (default the SLURM and SGE one, 2026-11-25).
 */
export async function advanceToRecordedTime(
  cluster: SimCluster,
  at: string | undefined,
  day: number = RECORDING_DAY,
): Promise<void> {
  if (at === undefined) return;
  const [h, m, s] = at.split(":").map(Number) as [number, number, number];
  const target = day + ((h * 60 + m) * 60 + s) * 1000;
  if (target > cluster.clock.now()) await cluster.advance(target - cluster.clock.now());
}

/** `env -i A=1 B=2 cmd ...` → the environment and the command. */
export function withoutEnvPrefix(
  words: string[],
): { argv: string[]; env?: Record<string, string> } {
  if (words[0] !== "env" || words[1] !== "-i") return { argv: words };
  const env: Record<string, string> = {};
  let i = 2;
  for (; i < words.length && /^\w+=/.test(words[i]!); i++) {
    const [key, ...value] = words[i]!.split("=");
    env[key!] = value.join("=");
  }
  return { argv: words.slice(i), env };
}

/** A test step named after the recording: stdout, stderr (normalised by `norm`) and exit code match it. */
export function stepMatchesRecording(
  t: Deno.TestContext,
  recording: Recording,
  output: CommandOutput,
  norm: (text: string) => string,
): Promise<boolean> {
  return t.step(recording.name, () => {
    assert.equal(norm(output.stdout), norm(recording.stdout), `stdout of: ${recording.cmd}`);
    assert.equal(norm(output.stderr), norm(recording.stderr), `stderr of: ${recording.cmd}`);
    assert.equal(output.code, recording.code, `exit code of: ${recording.cmd}`);
  });
}

/** A recorded command line as one simulated command: its argv, environment and stdin. */
export interface RecordedCommand {
  argv: string[];
  env?: Record<string, string>;
  stdin?: string;
}

/**
 * Reads the simple shell forms the PBS and LSF transcripts use: `A=1 B=2 cmd ...` (variables for
 * the command), `timeout N cmd ...`, `echo 'text' | cmd ...` and `cmd ... < file` (stdin, the
 * file read with `readFile`). `undefined` for anything else (`;` lists, `>` redirections).
 */
export function recordedCommand(
  line: string,
  readFile: (path: string) => string | undefined,
): RecordedCommand | undefined {
  const unquoted = line.replace(/'[^']*'/g, "''");
  if (/;|>|&&|\|\|/.test(unquoted)) return undefined;
  let stdin: string | undefined;
  let text = line;
  const piped = /^echo '([^']*)' \| (.*)$/.exec(text);
  if (piped) {
    stdin = `${piped[1]}\n`;
    text = piped[2]!;
  } else if (unquoted.includes("|")) return undefined;
  const redirected = /^(.*?) < (\S+)$/.exec(text);
  if (redirected) {
    stdin = readFile(redirected[2]!) ?? "";
    text = redirected[1]!;
  }
  let words = shellWords(text);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_]\w*=/.test(words[0]!)) {
    const [key, ...value] = words[0]!.split("=");
    env[key!] = value.join("=");
    words = words.slice(1);
  }
  if (words[0] === "timeout") words = words.slice(2);
  return {
    argv: words,
    ...(Object.keys(env).length === 0 ? {} : { env }),
    ...(stdin === undefined ? {} : { stdin }),
  };
}

/** How to replay one recorded command differently from its command line. */
export interface ReplayStep {
  /** Runs before the command (state the recording set up off-transcript, time moving). */
  before?: (cluster: SimCluster) => void | Promise<void>;
  /** Runs instead of the recorded command line (compound lines, extracts of an output). */
  run?: (cluster: SimCluster) => Promise<CommandOutput>;
}

/** A product's conformance replay: its recordings, the cluster they ran on, and the table. */
export interface ConformancePlan {
  /** The recordings' folder under `test/fixtures/real-outputs/` (`torque`). */
  product: string;
  /** A copy of the recorded cluster, at the transcript's start. */
  cluster: SimCluster;
  /** Where the recording ran its commands, and the environment they ran with. */
  cwd: string;
  env: Record<string, string>;
  /** Midnight UTC of the recording day. */
  day: number;
  /** Steps replayed differently, by slug. */
  steps?: Readonly<Record<string, ReplayStep>>;
  /**
   * The conformance table: every recorded command whose simulated output differs, with the
   * reason (one line). Every other recorded command must give the same output and exit code.
   */
  listed: Readonly<Record<string, string>>;
  /** Blanks what legitimately differs between two runs (ids, times, hosts, process values). */
  norm: (text: string) => string;
}

/**
 * With `CLUSTERJOB_CONFORMANCE_DIFFS=<dir>`, a differing command's normalised outputs are written
 * to `<dir>/<product>/<slug>.{real,sim}` (stdout, stderr and exit code), for `diff -r`.
 */
function writeDifference(
  product: string,
  recording: Recording,
  output: CommandOutput,
  norm: (text: string) => string,
): void {
  const dir = Deno.env.get("CLUSTERJOB_CONFORMANCE_DIFFS");
  if (dir === undefined || dir === "") return;
  Deno.mkdirSync(`${dir}/${product}`, { recursive: true });
  const text = (out: CommandOutput) =>
    `$ ${recording.cmd}\n${norm(out.stdout)}--- stderr\n${norm(out.stderr)}--- exit ${out.code}\n`;
  Deno.writeTextFileSync(`${dir}/${product}/${recording.name}.real`, text(recording));
  Deno.writeTextFileSync(`${dir}/${product}/${recording.name}.sim`, text(output));
}

/** What a conformance replay found, by slug. */
export interface ConformanceCounts {
  identical: string[];
  listed: string[];
}

/**
 * Replays every recorded command of a product in order, at its recorded time and for its recorded
 * duration, on the plan's cluster, and compares stdout, stderr and exit code after normalising. A command must be
 * identical, or listed in the plan's table: one step per recording fails when a listed command
 * turns out identical (the table is stale) or an unlisted one differs. Returns the counts.
 */
export async function replayConformance(
  t: Deno.TestContext,
  plan: ConformancePlan,
): Promise<ConformanceCounts> {
  const { cluster, product } = plan;
  const transcript = `pbs-lsf-capture/outputs-${product}.md`;
  const times = recordedTimes(transcript);
  const durations = recordedDurations(transcript);
  const counts: ConformanceCounts = { identical: [], listed: [] };
  const names = listRecordings(product);
  for (const name of Object.keys(plan.listed)) {
    assert.ok(names.includes(name), `the table lists ${name}, which is not a recording`);
  }
  const readFile = (path: string) =>
    cluster.fs.readText(path.startsWith("/") ? path : `${plan.cwd}/${path}`);
  for (const name of names) {
    const recording = readRecording(product, name);
    const step = plan.steps?.[name] ?? {};
    await advanceToRecordedTime(cluster, times.get(`${product}/${name}`), plan.day);
    await step.before?.(cluster);
    let output: CommandOutput;
    if (step.run !== undefined) output = await step.run(cluster);
    else {
      const command = recordedCommand(recording.cmd, readFile);
      output = command === undefined
        ? { code: 127, stdout: "", stderr: `not replayable: ${recording.cmd}\n` }
        : await cluster.run(command.argv, {
          cwd: plan.cwd,
          env: { ...plan.env, ...command.env },
          ...(command.stdin === undefined ? {} : { stdin: command.stdin }),
        }).catch((error: unknown) => {
          if (!(error instanceof CommandNotFoundError)) throw error;
          return { code: 127, stdout: "", stderr: `${command.argv[0]}: command not found\n` };
        });
    }
    // The command took its recorded time; what the scheduler did meanwhile shows in the next.
    await cluster.advance(durations.get(`${product}/${name}`) ?? 0);
    const same = plan.norm(output.stdout) === plan.norm(recording.stdout) &&
      plan.norm(output.stderr) === plan.norm(recording.stderr) && output.code === recording.code;
    const reason = plan.listed[name];
    if (!same) writeDifference(product, recording, output, plan.norm);
    if (same) counts.identical.push(name);
    else if (reason !== undefined) counts.listed.push(name);
    await t.step(name, () => {
      if (reason === undefined) {
        assert.equal(
          plan.norm(output.stdout),
          plan.norm(recording.stdout),
          `stdout of: ${recording.cmd}`,
        );
        assert.equal(
          plan.norm(output.stderr),
          plan.norm(recording.stderr),
          `stderr of: ${recording.cmd}`,
        );
        assert.equal(output.code, recording.code, `exit code of: ${recording.cmd}`);
      } else {
        assert.ok(!same, `listed as different (${reason}) but identical: take it off the table`);
      }
    });
  }
  return counts;
}

/** The recorded products of test/fixtures/real-outputs/ and where their tools were installed. */
const RECORDED_BIN: Readonly<Record<string, string>> = {
  torque: "/opt/torque/bin",
  openpbs: "/opt/pbs/bin",
  openlava: "/opt/openlava/bin",
};

/** Where a product's recording ran its commands (`/home/pbsuser/<product>`) and its `env -i`. */
export function recordedSession(product: string): { cwd: string; env: Record<string, string> } {
  const bin = RECORDED_BIN[product];
  if (bin === undefined) throw new Error(`no recorded product ${product}`);
  return {
    cwd: `/home/pbsuser/${product}`,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: "/home/pbsuser",
      USER: "pbsuser",
      LOGNAME: "pbsuser",
      SHELL: "/bin/bash",
      LANG: "C.UTF-8",
    },
  };
}

/**
 * A copy of a product's recording VM (PBS and LSF recordings): one node `host` (2 cpus, 24105
 * MB) that is also the login host, commands run as `pbsuser`, the recording's job scripts
 * (test/fixtures/real-outputs/<product>/jobs/*.sh) in its working directory; `options` give the
 * scheduler and what else the recording's cluster had (queues, first id, start, model).
 */
export function recordedCluster(
  product: string,
  host: string,
  options: SimClusterOptions,
): SimCluster {
  const cluster = new SimCluster({
    nodes: [{ name: host, cpus: 2, memoryMB: 24105 }],
    user: "pbsuser",
    loginHost: host,
    ...options,
  });
  const { cwd } = recordedSession(product);
  const jobs = new URL(`./fixtures/real-outputs/${product}/jobs/`, import.meta.url).pathname;
  for (const entry of Deno.readDirSync(jobs)) {
    if (entry.name.endsWith(".sh")) {
      cluster.fs.writeText(`${cwd}/${entry.name}`, Deno.readTextFileSync(jobs + entry.name));
    }
  }
  return cluster;
}

/** What differs between two runs of the PBS products' tools: process values and epoch seconds. */
const PBS_PROCESS_VALUES: Array<[RegExp, string]> = [
  [/^( {4}session_id = )\d+$/gm, "$1<PID>"],
  [/<session_id>\d+<\/session_id>/g, "<session_id><PID></session_id>"],
  [/^( {4}resources_used\.v?mem = )\d+kb$/gm, "$1<KB>"],
  [/<(v?mem)>\d+kb<\/(v?mem)>/g, "<$1><KB></$2>"],
  [/^( {4}total_runtime = )[\d.]+$/gm, "$1<SECONDS>"],
  [/<total_runtime>[\d.]+<\/total_runtime>/g, "<total_runtime><SECONDS></total_runtime>"],
  [/^( {4}Walltime\.Remaining = )\d+$/gm, "$1<SECONDS>"],
  [/\b1[78]\d{8}\b/g, "<EPOCH>"],
  // qstat -a's SessID column: a row's fifth word, right-aligned before NDS and TSK
  [/^(\S+ +\S+ +\S+ +\S+) +\d+( +\d+ +\d+ )/gm, "$1 <PID>$2"],
];

/**
 * The normaliser of the Torque and OpenPBS replays: blanks dates and what only a real process
 * has — its session id, memory, exact runtime, the remaining walltime the server last
 * computed — and epoch seconds (`qstat -x`, `history_timestamp`).
 */
export function normalizePbs(text: string): string {
  return normalizeOutput(text, { durations: false, replace: PBS_PROCESS_VALUES });
}

/**
 * Replays a product's recordings on its recorded cluster (recorded 2026-12-01, in its session)
 * as one test step each, and prints the counts: `torque: 59 identical, 24 listed`.
 */
export async function replayRecorded(
  t: Deno.TestContext,
  product: string,
  cluster: SimCluster,
  table: Pick<ConformancePlan, "listed" | "steps" | "norm">,
): Promise<ConformanceCounts> {
  const counts = await replayConformance(t, {
    product,
    cluster,
    ...recordedSession(product),
    day: Date.UTC(2026, 11, 1),
    ...table,
  });
  console.log(`${product}: ${counts.identical.length} identical, ${counts.listed.length} listed`);
  return counts;
}
