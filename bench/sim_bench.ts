// Simulator benchmark: 10,000 jobs submitted through the emulated `sbatch` (argv parsing,
// #SBATCH directives, engine) and run to completion in `model` mode on the virtual clock.
// Prints wall time and peak memory (RSS and heap, sampled). Goal: under 2 s.
//
//   deno run -A bench/sim_bench.ts [jobs]

import { SimCluster } from "../sim/mod.ts";

const jobs = Number(Deno.args[0] ?? 10_000);
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const usage = Deno.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
};

sample();
const began = performance.now();
await using cluster = new SimCluster({
  scheduler: "slurm",
  nodes: Array.from(
    { length: 16 },
    (_, i) => ({ name: `node${i + 1}`, cpus: 8, memoryMB: 64_000 }),
  ),
  queues: [{ name: "batch", default: true, maxTimeSeconds: 86_400 }],
  // Runtimes of 1–30 minutes, one in twenty jobs failing, deterministic per job.
  model: (job) => ({
    runtimeSeconds: 60 + ((job.id * 7919) % 1740),
    exitCode: job.id % 20 === 0 ? 1 : 0,
  }),
});
const transport = cluster.transport();
await transport.writeFile(
  "~/job.sh",
  "#!/bin/bash\n#SBATCH --job-name=bench\n#SBATCH --time=01:00:00\n#SBATCH --mem=1G\nsrun ./step\n",
);
for (let i = 0; i < jobs; i++) {
  const out = await transport.run(["sbatch", "--parsable", "-c", String(1 + (i % 4)), "job.sh"]);
  if (out.code !== 0) throw new Error(`sbatch failed: ${out.stderr}`);
  if (i % 500 === 0) sample();
}
const submitted = performance.now();
sample();
await cluster.runUntilIdle();
const finished = performance.now();
sample();

const states = new Map<string, number>();
for (const job of cluster.jobs()) states.set(job.state, (states.get(job.state) ?? 0) + 1);
const simulated = (cluster.clock.now() - Date.UTC(2026, 0, 1)) / 3_600_000;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
console.log(`jobs:            ${jobs} (${[...states].map(([s, n]) => `${n} ${s}`).join(", ")})`);
console.log(`submit (sbatch): ${(submitted - began).toFixed(0)} ms`);
console.log(
  `run to the end:  ${(finished - submitted).toFixed(0)} ms (${simulated.toFixed(1)} h simulated)`,
);
console.log(`wall time:       ${(finished - began).toFixed(0)} ms`);
console.log(`peak memory:     rss ${mb(peakRss)} MB, heap ${mb(peakHeap)} MB`);
if (states.get("COMPLETED")! + (states.get("FAILED") ?? 0) !== jobs) {
  throw new Error("not every job finished");
}
