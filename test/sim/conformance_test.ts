// Conformance, measured: the same scenario against real SLURM / SGE (LocalTransport) and against
// the simulator, built to look like the real cluster; outputs are normalised and compared.
// Prints a table command × scheduler × identical/different (also written to
// .cache/conformance.md) and asserts identity for every command clusterjob itself issues: the
// backends' submit, status, accounting and cancel commands. Differences in commands only users
// type are reported, not asserted.
//
// Needs the real targets (test/real/_targets.ts: CLUSTERJOB_REAL=slurm,sge). ~40 s.

import assert from "node:assert/strict";
import { sge } from "../../backends/sge.ts";
import { slurm } from "../../backends/slurm.ts";
import { LocalTransport } from "../../src/transports/local_transport.ts";
import type { CommandOutput } from "../../src/core/transport.ts";
import { SimCluster } from "../../sim/cluster.ts";
import type { SchedulerKind } from "../../sim/types.ts";
import { modelFromScript } from "../_script_model.ts";
import {
  compareWorlds,
  type ConformanceRow,
  formatTable,
  Recorder,
  type Scenario,
  writeReport,
} from "../_conformance.ts";
import { realEnabled, realTargets, realTests } from "../real/_targets.ts";

const local = new LocalTransport();

async function text(argv: string[]): Promise<string> {
  const output = await local.run(argv, { timeout: 30_000 });
  if (output.code !== 0) throw new Error(`"${argv.join(" ")}" failed: ${output.stderr.trim()}`);
  return output.stdout.trim();
}

/** What the simulator must copy from the real machine to print the same thing. */
interface Mirror {
  user: string;
  /** The compute node (this machine's short host name). */
  node: string;
  cpus: number;
  memoryMB: number;
  /** The name the scheduler records as the submit host. */
  submitHost: string;
}

async function mirrorOfThisMachine(): Promise<Mirror> {
  const node = await text(["hostname", "-s"]);
  const slurmNode = await local.run(["scontrol", "show", "node", node], { timeout: 30_000 });
  const memory = /RealMemory=(\d+)/.exec(slurmNode.stdout)?.[1];
  return {
    user: await text(["id", "-un"]),
    node,
    cpus: Number(await text(["nproc"])),
    memoryMB: memory === undefined ? 1024 : Number(memory),
    // slurmctld and qmaster resolve 127.0.0.1, the address commands come from
    submitHost: "localhost",
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const OK_SLEEP = 4;

const SLURM_SCRIPTS: Record<string, string> = {
  "ok.sh": `#!/bin/bash\n#SBATCH --job-name=conf-ok\n#SBATCH --time=00:05:00\nsleep ${OK_SLEEP}\n`,
  "fail.sh":
    "#!/bin/bash\n#SBATCH --job-name=conf-fail\n#SBATCH --time=00:05:00\nsleep 1\nexit 3\n",
};

const SACCT = slurm.accountingCommands(["1"])[0]!.argv.slice(0, -1); // [..., "-j"]
const SQUEUE = slurm.statusCommands(["1"])[0]!.argv.slice(0, -1);

async function squeueStates(r: Recorder, ids: string[]): Promise<Map<string, string>> {
  const output = await r.run(["squeue", "-h", "-o", "%i %T", "-j", ids.join(",")]);
  return new Map(
    output.stdout.trim().split("\n").filter(Boolean).map((line) =>
      line.split(" ") as [string, string]
    ),
  );
}

const FINISHED = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"]);

const slurmScenario: Scenario = async (r) => {
  for (const [name, script] of Object.entries(SLURM_SCRIPTS)) {
    await r.world.transport.writeFile(`${r.world.workdir}/${name}`, script);
  }
  const parsable = (o: CommandOutput) => /^(\d+)/.exec(o.stdout.trim())?.[1];
  const plain = (o: CommandOutput) => /Submitted batch job (\d+)/.exec(o.stdout)?.[1];
  const ok1 = await r.submit("sbatch FILE", false, ["sbatch", "ok.sh"], plain);
  const ok2 = await r.submit(
    "sbatch --parsable FILE",
    true,
    slurm.submitCommand("ok.sh").argv,
    parsable,
  );
  // The next two are submitted once the first two run: a job submitted while others are still
  // pending gets the reason "Priority" or "Resources" depending on a race inside slurmctld.
  await r.until("two jobs running", async () => {
    const states = await squeueStates(r, [ok1, ok2]);
    return states.get(ok1) === "RUNNING" && states.get(ok2) === "RUNNING";
  });
  const held = await r.submit("sbatch --parsable --hold FILE", false, [
    "sbatch",
    "--parsable",
    "--hold",
    "ok.sh",
  ], parsable);
  const fail = await r.submit(
    "sbatch --parsable FILE",
    true,
    slurm.submitCommand("fail.sh").argv,
    parsable,
  );
  const all = [ok1, ok2, held, fail];

  await r.observe("squeue", false, "two running, one held, one waiting", ["squeue"]);
  await r.observe("squeue -h -o %i|%T|%r -j", true, "two running, one held, one waiting", [
    ...SQUEUE,
    all.join(","),
  ]);
  await r.observe("squeue -j", false, "running and held", ["squeue", "-j", `${ok1},${held}`]);
  await r.observe("scontrol show job", false, "held", ["scontrol", "show", "job", held]);
  await r.observe("scancel", true, "held", slurm.cancelCommand([held]));
  await r.observe("squeue -h -o %i|%T|%r -j", true, "cancelled while held", [...SQUEUE, held]);

  await r.until("every job finished", async () => {
    const states = await squeueStates(r, [ok1, ok2, fail]);
    return [ok1, ok2, fail].every((id) => FINISHED.has(states.get(id) ?? "COMPLETED"));
  });
  await r.observe("squeue -h -o %i|%T|%r -j", true, "finished, within MinJobAge", [
    ...SQUEUE,
    all.join(","),
  ]);
  await r.observe("scontrol show job", false, "finished with exit 3", [
    "scontrol",
    "show",
    "job",
    fail,
  ]);
  // slurmdbd receives records asynchronously (a just-started job shows as "allocation")
  await r.until("accounting settled", async () => {
    const output = await r.run([
      "sacct",
      "-X",
      "-P",
      "-n",
      "-o",
      "JobID,JobName,State",
      "-j",
      all.join(","),
    ]);
    const lines = output.stdout.trim().split("\n").filter(Boolean);
    return lines.length === all.length &&
      lines.every((line) => !line.includes("|allocation|") && !/\|(PENDING|RUNNING)$/.test(line));
  });
  await r.observe("sacct -X -P -n -o FIELDS -j", true, "finished", [...SACCT, all.join(",")]);
  await r.observe("sacct -P -n -j", false, "finished with exit 3", [
    "sacct",
    "-P",
    "-n",
    "-j",
    fail,
  ]);
  await r.observe("scancel", true, "finished", slurm.cancelCommand([ok2]));

  const unknown = "999999";
  await r.observe("squeue -h -o %i|%T|%r -j", true, "unknown id", [...SQUEUE, unknown]);
  await r.observe("sacct -X -P -n -o FIELDS -j", true, "unknown id", [...SACCT, unknown]);
  await r.observe("scancel", true, "unknown id", slurm.cancelCommand([unknown]));
};

const SGE_SCRIPTS: Record<string, string> = {
  "ok.sh":
    `#!/bin/bash\n#$ -N conf-ok\n#$ -l h_rt=00:05:00\n#$ -S /bin/bash\n#$ -cwd\nsleep ${OK_SLEEP}\n`,
  "fail.sh":
    "#!/bin/bash\n#$ -N conf-fail\n#$ -l h_rt=00:05:00\n#$ -S /bin/bash\n#$ -cwd\nsleep 1\nexit 3\n",
};

async function qstatStates(r: Recorder): Promise<Map<string, string>> {
  const output = await r.run(["qstat"]);
  const states = new Map<string, string>();
  for (const line of output.stdout.split("\n").slice(2)) {
    const [id, , , , state] = line.trim().split(/\s+/);
    if (id !== undefined && state !== undefined) states.set(id, state);
  }
  return states;
}

const sgeScenario: Scenario = async (r) => {
  for (const [name, script] of Object.entries(SGE_SCRIPTS)) {
    await r.world.transport.writeFile(`${r.world.workdir}/${name}`, script);
  }
  const terse = (o: CommandOutput) => /^(\d+)/.exec(o.stdout.trim())?.[1];
  const plain = (o: CommandOutput) => /Your job (\d+)/.exec(o.stdout)?.[1];
  const ok1 = await r.submit("qsub FILE", false, ["qsub", "ok.sh"], plain);
  const ok2 = await r.submit("qsub -terse FILE", true, sge.submitCommand("ok.sh").argv, terse);
  const held = await r.submit(
    "qsub -terse -h FILE",
    false,
    ["qsub", "-terse", "-h", "ok.sh"],
    terse,
  );
  const fail = await r.submit("qsub -terse FILE", true, sge.submitCommand("fail.sh").argv, terse);

  await r.until("two jobs running", async () => {
    const states = await qstatStates(r);
    return states.get(ok1) === "r" && states.get(ok2) === "r";
  });
  await r.observe(
    "qstat",
    true,
    "two running, one held, one waiting",
    sge.statusCommands([ok1])[0]!.argv,
  );
  await r.observe("qstat -j", false, "held", ["qstat", "-j", held]);
  await r.observe("qdel", true, "held", sge.cancelCommand([held]));

  await r.until("every job finished and accounted", async () => {
    const states = await qstatStates(r);
    if ([ok1, ok2, fail].some((id) => states.has(id))) return false;
    for (const id of [ok1, ok2, fail]) {
      if ((await r.run(["qacct", "-j", id])).code !== 0) return false;
    }
    return true;
  });
  await r.observe("qstat", true, "no jobs left", sge.statusCommands([ok1])[0]!.argv);
  await r.observe("qacct -j", true, "completed", sge.accountingCommands([ok2])[0]!.argv);
  await r.observe("qacct -j", true, "exit 3", sge.accountingCommands([fail])[0]!.argv);
  await r.observe("qacct -j", true, "deleted while held", sge.accountingCommands([held])[0]!.argv);
  await r.observe("qstat -j", false, "finished", ["qstat", "-j", ok2]);
  await r.observe("qdel", true, "finished", sge.cancelCommand([ok2]));

  const unknown = "999999";
  await r.observe("qacct -j", true, "unknown id", sge.accountingCommands([unknown])[0]!.argv);
  await r.observe("qdel", true, "unknown id", sge.cancelCommand([unknown]));
};

// ---------------------------------------------------------------------------------------------
// Running both worlds

interface SchedulerSetup {
  kind: SchedulerKind;
  scenario: Scenario;
  queue: string;
  /** Cancels whatever the scenario left (by id). */
  cancel: (ids: string[]) => string[];
}

async function runBoth(setup: SchedulerSetup): Promise<ConformanceRow[]> {
  const mirror = await mirrorOfThisMachine();
  const names = [mirror.node, mirror.submitHost];
  const realDir = await Deno.makeTempDir({ prefix: `clusterjob-conformance-${setup.kind}-` });
  const real = new Recorder({
    label: "real",
    transport: local,
    workdir: realDir,
    ids: [],
    hosts: names,
    users: [mirror.user],
  });
  try {
    await setup.scenario(real);
  } finally {
    if (real.world.ids.length > 0) await local.run(setup.cancel(real.world.ids));
    await Deno.remove(realDir, { recursive: true });
  }
  // The simulator mirrors the real cluster, down to the first job id.
  await using cluster = new SimCluster({
    scheduler: setup.kind,
    execution: "model",
    model: modelFromScript,
    clock: "virtual",
    user: mirror.user,
    loginHost: mirror.submitHost,
    nodes: [{ name: mirror.node, cpus: mirror.cpus, memoryMB: mirror.memoryMB }],
    queues: [{ name: setup.queue, default: true }],
    firstJobId: Number(real.world.ids[0]),
    engine: { defaultMemoryMBPerCpu: 256 },
  });
  const sim = new Recorder({
    label: "sim",
    transport: cluster.transport(),
    workdir: realDir,
    ids: [],
    hosts: names,
    users: [mirror.user],
  });
  await sim.world.transport.mkdir(realDir);
  await setup.scenario(sim);
  return compareWorlds(setup.kind, real, sim);
}

const SETUPS: Record<"slurm" | "sge", SchedulerSetup> = {
  slurm: { kind: "slurm", scenario: slurmScenario, queue: "debug", cancel: slurm.cancelCommand },
  sge: { kind: "sge", scenario: sgeScenario, queue: "all.q", cancel: sge.cancelCommand },
};

const results: ConformanceRow[] = [];

// A plain run (no real target asked for) shows one ignored line for the whole file.
const asked = (["slurm", "sge"] as const).filter((name) => realTargets[name].wanted);
if (asked.length === 0) realTests(["slurm", "sge"], () => {});
for (const name of asked) {
  realTests(name, () => {
    Deno.test({
      name: `conformance: ${name} real vs simulator, every command clusterjob issues is identical`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const rows = await runBoth(SETUPS[name]);
        results.push(...rows);
        const table = formatTable(rows);
        console.log(`\n${table}`);
        const broken = rows.filter((row) => row.library && row.different > 0);
        assert.deepEqual(
          broken.map((row) => row.command),
          [],
          `the simulator differs from real ${name} in commands clusterjob issues (see the table)`,
        );
      },
    });
  });
}

if (realEnabled("slurm") || realEnabled("sge")) {
  Deno.test({
    name: "conformance: the whole table (printed, and written to .cache/conformance.md)",
    async fn() {
      assert.ok(results.length > 0, "no scheduler was compared");
      const table = formatTable(results);
      const path = await writeReport("conformance.md", table);
      console.log(`\n${table}\n(written to ${path})`);
    },
  });
}
