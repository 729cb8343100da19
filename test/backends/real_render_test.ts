// The golden renderings (test/golden/{slurm,sge}-*.txt) are accepted by the real tools:
// `sbatch --test-only` for SLURM, `qsub -w v` for SGE. Nothing is submitted.
//
// Two documented substitutions adapt a golden script to the single-node CI cluster:
//  1. the queue: `#SBATCH --partition=…` / `#$ -q …` name the cluster's default partition/queue
//     (the goldens name a site's queues: batch, test);
//  2. only when the tool refuses the script for its SIZE (the goldens ask for 4 nodes × 32 cores
//     and 64 GB; the CI node has a few cores), and only with the refusal a too-large request
//     gets: the node, task, core and slot counts and the memory are shrunk to this node, every
//     directive staying in place; the shrunk script must then be accepted.
// A negative control shows that a bad directive is refused for what it is.
//
// Needs the real targets (test/real/_targets.ts: CLUSTERJOB_REAL=slurm,sge).

import assert from "node:assert/strict";
import { basename } from "node:path";
import { LocalTransport } from "../../src/transports/local_transport.ts";
import type { CommandOutput } from "../../src/core/transport.ts";
import { realTargets, realTests } from "../real/_targets.ts";

const local = new LocalTransport();
const goldenDir = new URL("../golden/", import.meta.url).pathname;

async function goldens(prefix: string): Promise<string[]> {
  const names = (await Array.fromAsync(Deno.readDir(goldenDir)))
    .map((entry) => entry.name)
    .filter((name) => name.startsWith(`${prefix}-`) && name.endsWith(".txt"))
    .sort();
  return names.map((name) => `${goldenDir}${name}`);
}

/** Runs a tool on `script` written to a fresh folder (relative output paths land there). */
async function check(argv: string[], script: string): Promise<CommandOutput> {
  const dir = await Deno.makeTempDir({ prefix: "clusterjob-render-" });
  try {
    await Deno.writeTextFile(`${dir}/job.sh`, script);
    return await local.run([...argv, "job.sh"], { cwd: dir, timeout: 60_000 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function output(argv: string[]): Promise<string> {
  const result = await local.run(argv, { timeout: 30_000 });
  assert.equal(result.code, 0, `${argv.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

/** How a golden fared: accepted as is, or (refused for size) accepted once shrunk. */
interface Verdict {
  golden: string;
  how: "accepted" | "accepted once shrunk to this node";
}

function show(result: CommandOutput): string {
  return `exit ${result.code}: ${(result.stdout + result.stderr).trim()}`;
}

// ---------------------------------------------------------------------------------------------
// SLURM

/** What `sbatch --test-only` says when a request is valid but bigger than the cluster. */
const SLURM_TOO_BIG =
  /Requested node configuration is not available|Node count specification invalid|More processors requested than permitted|Memory required by task is not available/;
const SLURM_ACCEPTED =
  /sbatch: Job \d+ to start at \S+ using \d+ processors on nodes \S+ in partition \S+/;

interface SlurmNode {
  partition: string;
  cpus: number;
  memoryMB: number;
}

async function slurmNode(): Promise<SlurmNode> {
  const partition = (await output(["sinfo", "-h", "-o", "%P"])).split("\n")
    .find((name) => name.endsWith("*"))?.replace(/\*$/, "");
  const node = await output(["sinfo", "-h", "-N", "-o", "%c %m"]);
  const [cpus, memory] = node.split("\n")[0]!.trim().split(/\s+/).map(Number);
  assert.ok(partition && cpus && memory, `cannot read the default partition and node: ${node}`);
  return { partition, cpus, memoryMB: memory };
}

function slurmForCluster(script: string, node: SlurmNode): string {
  return script.replace(/^#SBATCH --partition=.*$/m, `#SBATCH --partition=${node.partition}`);
}

function slurmShrunk(script: string, node: SlurmNode): string {
  return script
    .replace(/^(#SBATCH --nodes=)\d+$/m, "$11")
    .replace(/^(#SBATCH --ntasks-per-node=)\d+$/m, "$11")
    .replace(/^(#SBATCH --cpus-per-task=)\d+$/m, (_, head) => `${head}${node.cpus}`)
    .replace(/^(#SBATCH --mem=)\S+$/m, (_, head) => `${head}${Math.min(node.memoryMB, 256)}M`);
}

async function slurmVerdict(path: string, node: SlurmNode): Promise<Verdict> {
  const golden = basename(path);
  const script = slurmForCluster(await Deno.readTextFile(path), node);
  const first = await check(["sbatch", "--test-only"], script);
  if (first.code === 0) {
    assert.match(first.stderr, SLURM_ACCEPTED, `${golden}: ${show(first)}`);
    return { golden, how: "accepted" };
  }
  assert.match(first.stderr, SLURM_TOO_BIG, `${golden} refused: ${show(first)}`);
  const second = await check(["sbatch", "--test-only"], slurmShrunk(script, node));
  assert.equal(second.code, 0, `${golden} (shrunk) refused: ${show(second)}`);
  assert.match(second.stderr, SLURM_ACCEPTED);
  return { golden, how: "accepted once shrunk to this node" };
}

function slurmTests(): void {
  Deno.test("real slurm: every golden SLURM rendering passes sbatch --test-only", async () => {
    const node = await slurmNode();
    const paths = await goldens("slurm");
    assert.ok(paths.length >= 4, `only ${paths.length} SLURM goldens`);
    const verdicts = await Promise.all(paths.map((path) => slurmVerdict(path, node)));
    console.log(verdicts.map((v) => `${v.golden}: ${v.how}`).join("\n"));
  });

  Deno.test("real slurm: a misspelt directive is refused, not taken for a size problem", async () => {
    const node = await slurmNode();
    const script = slurmForCluster(
      (await Deno.readTextFile(`${goldenDir}slurm-tutorial.txt`)).replace("--nodes=", "--nodez="),
      node,
    );
    const result = await check(["sbatch", "--test-only"], script);
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stderr, SLURM_TOO_BIG);
    assert.match(result.stderr, /unrecognized option|invalid option/);
  });
}

// ---------------------------------------------------------------------------------------------
// SGE

const SGE_TOO_BIG = /cannot run in PE "\S+" because it only offers \d+ slots/;
const SGE_ACCEPTED = /^verification: found suitable queue\(s\)$/m;

interface SgeCell {
  queue: string;
  slots: number;
}

async function sgeCell(): Promise<SgeCell> {
  const queues = (await output(["qconf", "-sql"])).split("\n").map((q) => q.trim());
  assert.ok(queues.length > 0, "no SGE queue");
  const queue = queues.includes("all.q") ? "all.q" : queues[0]!;
  const slots = /^slots\s+(\d+)/m.exec(await output(["qconf", "-sq", queue]))?.[1];
  assert.ok(slots, `cannot read the slots of ${queue}`);
  // the parallel environments the goldens use must exist and be attached to the queue
  const pes = (await output(["qconf", "-spl"])).split("\n");
  assert.ok(pes.includes("smp") && pes.includes("mpi"), `PEs smp and mpi missing: ${pes}`);
  return { queue, slots: Number(slots) };
}

function sgeForCluster(script: string, cell: SgeCell): string {
  return script.replace(/^#\$ -q .*$/m, `#$ -q ${cell.queue}`);
}

function sgeShrunk(script: string, cell: SgeCell): string {
  return script.replace(/^(#\$ -pe \S+ )\d+$/m, (_, head) => `${head}${cell.slots}`);
}

async function sgeVerdict(path: string, cell: SgeCell): Promise<Verdict> {
  const golden = basename(path);
  const script = sgeForCluster(await Deno.readTextFile(path), cell);
  const first = await check(["qsub", "-w", "v"], script);
  if (first.code === 0) {
    assert.match(first.stdout, SGE_ACCEPTED, `${golden}: ${show(first)}`);
    return { golden, how: "accepted" };
  }
  assert.match(first.stdout + first.stderr, SGE_TOO_BIG, `${golden} refused: ${show(first)}`);
  const second = await check(["qsub", "-w", "v"], sgeShrunk(script, cell));
  assert.equal(second.code, 0, `${golden} (shrunk) refused: ${show(second)}`);
  assert.match(second.stdout, SGE_ACCEPTED);
  return { golden, how: "accepted once shrunk to this node" };
}

function sgeTests(): void {
  Deno.test("real sge: every golden SGE rendering is accepted by qsub -w v", async () => {
    const cell = await sgeCell();
    const paths = await goldens("sge");
    assert.ok(paths.length >= 4, `only ${paths.length} SGE goldens`);
    const verdicts = [];
    for (const path of paths) verdicts.push(await sgeVerdict(path, cell));
    console.log(verdicts.map((v) => `${v.golden}: ${v.how}`).join("\n"));
  });

  Deno.test("real sge: an unknown parallel environment is refused, not taken for a size problem", async () => {
    const cell = await sgeCell();
    const script = sgeForCluster(
      (await Deno.readTextFile(`${goldenDir}sge-openmp.txt`)).replace("-pe smp", "-pe nosuchpe"),
      cell,
    );
    const result = await check(["qsub", "-w", "v"], sgeShrunk(script, cell));
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stdout + result.stderr, SGE_TOO_BIG);
  });
}

// A plain run (no real target asked for) shows one ignored line for the whole file.
if (!realTargets.slurm.wanted && !realTargets.sge.wanted) {
  realTests(["slurm", "sge"], () => {});
} else {
  if (realTargets.slurm.wanted) realTests("slurm", slurmTests);
  if (realTargets.sge.wanted) realTests("sge", sgeTests);
}
