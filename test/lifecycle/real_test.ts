// The lifecycle suite (test/lifecycle/cases.ts) against real schedulers: SLURM and SGE, each
// through LocalTransport and through SshTransport (as the sshd target's test user, jobs in that
// user's home). The targets only describe themselves; the cases are the ones the simulator runs.
//
// Enabled by test/real/_targets.ts (CLUSTERJOB_REAL=slurm,sge,ssh); a plain run shows one ignored
// test saying how to enable them. The four targets run each case concurrently (one step each), so
// the suite costs about as long as one target (~3.5 min): jobs sleep 1–24 s, the walltime case
// 1–1.5 min, the purge case the queue retention (SLURM MinJobAge, 10 s in CI) plus 30 s.

import type { Backend } from "../../src/core/backend.ts";
import { sge } from "../../backends/sge.ts";
import { slurm } from "../../backends/slurm.ts";
import { LocalTransport } from "../../src/transports/local_transport.ts";
import { SshTransport } from "../../src/transports/ssh_transport.ts";
import type { Transport } from "../../src/core/transport.ts";
import { type LifecycleCapabilities, lifecycleCases, type LifecycleTarget } from "./cases.ts";
import {
  realEnabled,
  type RealTargetName,
  realTargets,
  realTests,
  sshTarget,
} from "../real/_targets.ts";
import { withRun } from "../_wrapped_transport.ts";

/** What every real target can do: scripts really run, minutes are affordable, no fault injection. */
const CAPABILITIES: LifecycleCapabilities = {
  scriptsRun: true,
  longJobs: true,
  queryFailures: false,
  accountingOutlivesQueue: true,
};

/** A real target whose accounting is hidden: only the queue and the job's markers tell. */
const WITHOUT_ACCOUNTING: LifecycleCapabilities = {
  ...CAPABILITIES,
  accountingOutlivesQueue: false,
  noAccounting: true,
};

/**
 * What the accounting commands of a site without accounting answer: SLURM without
 * AccountingStorageType (`src/sacct/options.c`, as the simulator), SGE without its accounting
 * file (`qacct`, recording sge/115's tool with the file gone).
 */
const NO_ACCOUNTING: Readonly<Record<string, string>> = {
  sacct: "Slurm accounting storage is disabled\n",
  qacct: "error: reporting file /opt/sge/default/common/accounting does not exist\n",
};

/**
 * The real scheduler with its accounting hidden: every other command (the queue, submit,
 * cancel, the markers' grep) reaches it unchanged.
 */
function withoutAccounting(inner: Transport): Transport {
  return withRun(inner, (argv, options) => {
    const said = NO_ACCOUNTING[argv[0] ?? ""];
    if (said === undefined) return inner.run(argv, options);
    return Promise.resolve({ code: 1, stdout: "", stderr: said });
  });
}

/**
 * Job durations: the cases' nominal seconds × 0.2 (40 s → 8 s, 5 s → 1 s). Long enough that the
 * first poll (5 s after submission) still sees the job running; short enough for CI.
 */
const TIME_SCALE = 0.2;

/**
 * Polling on a real target: accounting lags the queue by a second or two (SGE flushes every
 * second in CI), so a minute of grace is plenty; a stuck command fails after 30 s.
 */
const POLLING = { vanishGraceMs: 60_000, queryTimeoutMs: 30_000 };

/** One real target family: a scheduler reached one way. */
interface RealSuite {
  label: string;
  /** Targets of test/real/_targets.ts it needs. */
  needs: RealTargetName[];
  backend: Backend;
  /** How long finished jobs stay in the live queue (s). */
  retention(): Promise<number>;
  /** A new transport ("a new process of the workflow"). */
  transport(): Transport;
  /** The directory under which each case gets a fresh folder. */
  home(): Promise<string>;
  /** What it can do (default {@linkcode CAPABILITIES}). */
  capabilities?: LifecycleCapabilities;
}

function sshTransport(): SshTransport {
  return new SshTransport({ host: sshTarget.host, configFile: sshTarget.configFile });
}

/** The login's home directory through a transport (the remote shell's `$HOME`). */
async function homeOf(transport: Transport): Promise<string> {
  const output = await transport.run(["printenv", "HOME"], { timeout: 30_000 });
  const home = output.stdout.trim();
  if (output.code !== 0 || !home.startsWith("/")) {
    throw new Error(`Cannot read $HOME on ${transport.name}: ${output.stderr.trim()}`);
  }
  return home;
}

/** SLURM's MinJobAge (seconds a finished job stays in squeue), read from the controller. */
async function slurmMinJobAge(transport: Transport): Promise<number> {
  const output = await transport.run(["scontrol", "show", "config"], { timeout: 30_000 });
  const age = /^MinJobAge\s*=\s*(\d+)/m.exec(output.stdout)?.[1];
  if (output.code !== 0 || age === undefined) {
    throw new Error(`Cannot read MinJobAge from "scontrol show config": ${output.stderr.trim()}`);
  }
  return Number(age);
}

const memo = <T>(make: () => Promise<T>): () => Promise<T> => {
  let value: Promise<T> | undefined;
  return () => value ??= make();
};

const localHome = memo(async () => {
  return await Deno.makeTempDir({ prefix: "clusterjob-real-lifecycle-" });
});
const sshHome = memo(async () => {
  const ssh = sshTransport();
  try {
    return `${await homeOf(ssh)}/clusterjob-real-lifecycle`;
  } finally {
    await ssh.close();
  }
});
const slurmRetention = memo(() => slurmMinJobAge(new LocalTransport()));
// SGE drops a finished job from qstat at once; only qacct knows it afterwards.
const sgeRetention = () => Promise.resolve(0);

const SUITES: RealSuite[] = [
  {
    label: "real slurm (local)",
    needs: ["slurm"],
    backend: slurm,
    retention: slurmRetention,
    transport: () => new LocalTransport(),
    home: localHome,
  },
  {
    label: "real slurm (ssh)",
    needs: ["slurm", "ssh"],
    backend: slurm,
    retention: slurmRetention,
    transport: sshTransport,
    home: sshHome,
  },
  {
    label: "real sge (local)",
    needs: ["sge"],
    backend: sge,
    retention: sgeRetention,
    transport: () => new LocalTransport(),
    home: localHome,
  },
  {
    label: "real sge (ssh)",
    needs: ["sge", "ssh"],
    backend: sge,
    retention: sgeRetention,
    transport: sshTransport,
    home: sshHome,
  },
  // The same schedulers without accounting: exit codes and causes from the jobs' markers.
  {
    label: "real slurm (local, no accounting)",
    needs: ["slurm"],
    backend: slurm,
    retention: slurmRetention,
    transport: () => withoutAccounting(new LocalTransport()),
    home: localHome,
    capabilities: WITHOUT_ACCOUNTING,
  },
  {
    label: "real sge (local, no accounting)",
    needs: ["sge"],
    backend: sge,
    retention: sgeRetention,
    transport: () => withoutAccounting(new LocalTransport()),
    home: localHome,
    capabilities: WITHOUT_ACCOUNTING,
  },
];

/**
 * A transport that remembers the ids of the jobs submitted through it, so that a case that fails
 * half-way leaves no job behind (the target cancels them all when it closes).
 */
function rememberingSubmits(inner: Transport, backend: Backend, ids: Set<string>): Transport {
  const submit = backend.submitCommand("x").argv[0];
  return withRun(inner, async (argv, options) => {
    const output = await inner.run(argv, options);
    if (argv[0] === submit && output.code === 0) {
      try {
        ids.add(backend.parseJobId(output, argv));
      } catch { /* not a submission the case cares about */ }
    }
    return output;
  });
}

let folders = 0;

/** A fresh target for one case: its own folder, and cleanup of its jobs and files. */
async function makeTarget(suite: RealSuite): Promise<LifecycleTarget> {
  const ids = new Set<string>();
  const admin = suite.transport();
  const workdirRoot = `${await suite.home()}/${suite.label.replace(/\W+/g, "-")}-${
    Date.now()
      .toString(36)
  }-${++folders}`;
  await admin.mkdir(workdirRoot, { mode: 0o755 });
  return {
    label: suite.label,
    backend: suite.backend,
    transport: () => rememberingSubmits(suite.transport(), suite.backend, ids),
    workdirRoot,
    timeScale: TIME_SCALE,
    queueRetentionSeconds: await suite.retention(),
    polling: POLLING,
    capabilities: suite.capabilities ?? CAPABILITIES,
    // `pwd -P` in a job prints the physical path; over SSH the home directory is taken as one.
    ...(suite.home === localHome ? { jobPath: (path: string) => Deno.realPathSync(path) } : {}),
    async close() {
      try {
        // scancel is silent for finished jobs; qdel complains about them: both are harmless
        if (ids.size > 0) {
          await admin.run(suite.backend.cancelCommand([...ids]), { timeout: 30_000 });
        }
        await admin.run(["rm", "-rf", "--", workdirRoot], { timeout: 60_000 });
      } finally {
        await admin.close?.();
      }
    },
  };
}

/** A limit on one case on one target, so a job that never ends cannot hang CI. */
const CASE_LIMIT_MS = 5 * 60_000;

function withLimit<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: no result after ${CASE_LIMIT_MS / 1000} s`)),
      CASE_LIMIT_MS,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function registerCases(suites: RealSuite[]): void {
  for (const testCase of lifecycleCases) {
    const able = suites.filter((suite) =>
      (testCase.requires ?? []).every((need) => (suite.capabilities ?? CAPABILITIES)[need])
    );
    const missing = able.length > 0 ? [] : testCase.requires ?? [];
    Deno.test({
      name: `real: ${testCase.name}${missing.length > 0 ? ` (needs ${missing.join(", ")})` : ""}`,
      ignore: able.length === 0,
      sanitizeOps: false,
      sanitizeResources: false,
      async fn(t) {
        // Every target at once: they share nothing but the schedulers' slots.
        const results = await Promise.allSettled(able.map((suite) =>
          t.step({
            name: suite.label,
            sanitizeOps: false,
            sanitizeResources: false,
            sanitizeExit: false,
            async fn() {
              const target = await makeTarget(suite);
              try {
                await withLimit(testCase.run(target), `${suite.label}: ${testCase.name}`);
              } finally {
                await target.close?.();
              }
            },
          })
        ));
        const rejected = results.filter((result) => result.status === "rejected");
        if (rejected.length > 0) throw (rejected[0] as PromiseRejectedResult).reason;
      },
    });
  }
  Deno.test({
    name: "real: remove the lifecycle folders",
    async fn() {
      await Deno.remove(await localHome(), { recursive: true }).catch(() => {});
      if (suites.some((suite) => suite.home === sshHome)) {
        const ssh = sshTransport();
        try {
          // each case removed its own folder: only the (empty) parent is left
          await ssh.run(["rmdir", "--", await sshHome()], { timeout: 30_000 });
        } finally {
          await ssh.close();
        }
      }
    },
  });
}

// A plain run (no real target asked for) shows one line; otherwise each target reports itself.
const anyWanted = (["slurm", "sge", "ssh"] as const).some((name) => realTargets[name].wanted);
if (!anyWanted) {
  realTests(["slurm", "sge", "ssh"], () => {});
} else {
  const enabled = SUITES.filter((suite) => realEnabled(...suite.needs));
  // one line (skipped, or required but unavailable) for all the targets that are missing
  const missing = new Set(
    SUITES.flatMap((suite) => suite.needs).filter((name) => !realTargets[name].available),
  );
  if (missing.size > 0) realTests([...missing], () => {});
  if (enabled.length > 0) registerCases(enabled);
}
