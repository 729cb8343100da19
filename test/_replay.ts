// Helpers of the fidelity tests that replay the recorded SLURM and SGE transcripts
// (test/sim_slurm_test.ts, test/sim_sge_test.ts) on a simulated copy of the recording VM.

import assert from "node:assert/strict";
import { SimCluster, type SimClusterOptions } from "../sim/mod.ts";
import type { CommandOutput } from "../src/core/transport.ts";
import type { Recording } from "./_normalize.ts";

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

/** Moves the cluster's clock to the recorded `HH:MM:SS` of an invocation (never backwards). */
export async function advanceToRecordedTime(
  cluster: SimCluster,
  at: string | undefined,
): Promise<void> {
  if (at === undefined) return;
  const [h, m, s] = at.split(":").map(Number) as [number, number, number];
  const target = RECORDING_DAY + ((h * 60 + m) * 60 + s) * 1000;
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
