// The lifecycle suite, defined once and run on many targets: the simulator for every backend
// (test/lifecycle_sim_test.ts) and real SLURM/SGE through LocalTransport and SshTransport. A case
// knows nothing about its target beyond the LifecycleTarget interface; everything a target must
// tell (where jobs may write, how long the queue keeps finished jobs, which capabilities it has)
// is a field of that interface.

import assert from "node:assert/strict";
import type { Backend } from "../../src/core/backend.ts";
import { AsyncResult } from "../../src/run/async_result.ts";
import type { PollingOptions } from "../../src/run/run_options.ts";
import { InvalidValueError } from "../../src/core/errors.ts";
import { JobScript, type JobScriptOptions } from "../../src/job/job_script.ts";
import type { ResourcesInput } from "../../src/core/resources.ts";
import { Status, type StatusCode, statusName } from "../../src/core/status.ts";
import type { CommandOutput, Transport } from "../../src/core/transport.ts";
import { withRun } from "../_wrapped_transport.ts";
import { dependencyCases } from "./_dependency_cases.ts";
import { arrayCases } from "./_array_cases.ts";

/** What a target can do besides the basics every target has. */
export interface LifecycleCapabilities {
  /** Job scripts really run (their output files appear); false for the simulator's model mode. */
  scriptsRun: boolean;
  /** Jobs lasting minutes are affordable (virtual clocks; real clusters in CI). */
  longJobs: boolean;
  /** The target can make the next status queries fail ({@linkcode LifecycleTarget.injectQueryFailures}). */
  queryFailures: boolean;
  /** Accounting still knows a job after the live queue forgot it (a site without accounting would not). */
  accountingOutlivesQueue: boolean;
  /**
   * Accounting is off (or unreadable): a finished job is known to the live queue for a while
   * (`queueRetentionSeconds`), then only to the markers it wrote.
   */
  noAccounting?: boolean;
}

/** One place to run the lifecycle cases. Made fresh for every case. */
export interface LifecycleTarget {
  /** Shown in test names. */
  label: string;
  /** The scheduler's backend. */
  backend: Backend;
  /** A new transport to the scheduler host; each call stands for a new process of the workflow. */
  transport(): Transport | Promise<Transport>;
  /** An absolute directory on the scheduler host where the cases create their job folders. */
  workdirRoot: string;
  /** Factor on job durations (`sleep` seconds) in the cases; 1 on a virtual clock. */
  timeScale: number;
  /** How long (s) a finished job stays in the live queue before only accounting knows it. */
  queueRetentionSeconds: number;
  /** Polling options for every run (e.g. a shorter vanish grace on a fast real target). */
  polling?: PollingOptions;
  /** Resources every job needs on this target (e.g. a queue name). */
  resources?: ResourcesInput;
  /** Resources that submit a job held (default: by backend name, see `HOLD`). */
  holdResources?: ResourcesInput;
  /** Capabilities; cases that need a missing one are skipped. */
  capabilities: LifecycleCapabilities;
  /** Submit commands the scheduler host has served so far (e.g. from the simulator's command log). */
  submitCount?(): number | Promise<number>;
  /** Makes the next `count` status/accounting queries fail (simulator). */
  injectQueryFailures?(count: number): void | Promise<void>;
  /**
   * What `pwd -P` prints inside a job for a directory of the scheduler host (the simulator runs
   * jobs in its own folder on this machine). Default: the path itself.
   */
  jobPath?(path: string): string;
  /** Releases what the target holds (a simulated cluster, a temporary folder). */
  close?(): Promise<void>;
}

/** A lifecycle case. */
export interface LifecycleCase {
  /** Test name. */
  name: string;
  /** Capabilities the case needs. */
  requires?: Array<keyof LifecycleCapabilities>;
  /** Runs the case on a target. */
  run(target: LifecycleTarget): Promise<void>;
}

/** How each scheduler submits a job held (a user hold), as pass-through resources. */
export const HOLD: Readonly<Record<string, ResourcesInput>> = {
  slurm: { hold: true },
  pbs: { h: true },
  pbspro: { h: true },
  sge: { h: true },
  lsf: { H: true },
};

// ---------------------------------------------------------------------------------------------
// Helpers

/** A command served through a logged transport, with the status of the watched run at that time. */
interface Logged {
  argv: readonly string[];
  output?: CommandOutput;
  error?: unknown;
}

/** Wraps a transport so that every command is appended to `log` (shared across "processes"). */
function logged(inner: Transport, log: Logged[], onCommand?: () => void): Transport {
  return withRun(inner, async (argv, options) => {
    onCommand?.();
    const entry: Logged = { argv: [...argv] };
    log.push(entry);
    try {
      entry.output = await inner.run(argv, options);
      return entry.output;
    } catch (error) {
      entry.error = error;
      throw error;
    }
  });
}

/** Everything a case needs: transports that log, job factories, local scratch space. */
export class Harness {
  readonly log: Logged[] = [];
  readonly target: LifecycleTarget;
  readonly #cleanups: Array<() => Promise<void>> = [];
  #count = 0;

  constructor(target: LifecycleTarget) {
    this.target = target;
  }

  /** A new logged transport (a new "process"); `watch` is called before each command. */
  async transport(watch?: () => void): Promise<Transport> {
    const inner = await this.target.transport();
    if (inner.close) this.#cleanups.push(() => inner.close!());
    return logged(inner, this.log, watch);
  }

  /** Seconds of job time on this target. */
  seconds(nominal: number): number {
    return Math.max(1, Math.round(nominal * this.target.timeScale));
  }

  /** A job in its own folder (with a space and a quote in its path) under the target's root. */
  job(options: Partial<JobScriptOptions> & { body: string }): JobScript {
    this.#count++;
    return new JobScript({
      name: `lifecycle-${this.#count}`,
      backend: this.target.backend,
      rootdir: this.target.workdirRoot,
      workdir: `case ${Date.now().toString(36)}-${this.#count}`,
      ...options,
      resources: { time: 10, ...this.target.resources, ...options.resources },
    });
  }

  /** A private local folder, removed at the end of the case. */
  async localFolder(): Promise<string> {
    const folder = await Deno.makeTempDir({ prefix: "clusterjob lifecycle " });
    this.#cleanups.push(() => Deno.remove(folder, { recursive: true }));
    return folder;
  }

  polling(extra: PollingOptions = {}): { polling: PollingOptions } {
    return { polling: { ...this.target.polling, ...extra } };
  }

  /** Submit commands served so far: the target's own count when it has one, else our log's. */
  async submits(): Promise<number> {
    if (this.target.submitCount) return await this.target.submitCount();
    const submit = this.target.backend.submitCommand("x").argv[0];
    return this.log.filter((entry) => entry.argv[0] === submit).length;
  }

  /** Refreshes until the run is RUNNING (or finished), sleeping on the transport's clock. */
  async untilRunning(run: AsyncResult, limitSeconds = 600): Promise<void> {
    const clock = run.transport.clock;
    const deadline = clock.now() + limitSeconds * 1000;
    while (run.status === Status.PENDING && clock.now() < deadline) {
      await clock.sleep(1000);
      await run.refresh();
    }
    assert.equal(statusName(run.status), "RUNNING", `job ${run.jobId} did not start`);
  }

  async close(): Promise<void> {
    for (const cleanup of this.#cleanups.reverse()) await cleanup().catch(() => {});
  }
}

/**
 * A case body run with a fresh {@linkcode Harness} for its target, which is closed afterwards
 * (its transports, temporary folders) whatever the body does.
 */
export function withHarness(
  body: (h: Harness, target: LifecycleTarget) => Promise<void>,
): (target: LifecycleTarget) => Promise<void> {
  return async (target) => {
    const h = new Harness(target);
    try {
      await body(h, target);
    } finally {
      await h.close();
    }
  };
}

/** Statuses must only move forward: PENDING → RUNNING → finished. */
function assertMonotonic(seen: StatusCode[], label: string): void {
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]! >= seen[i - 1]!, `${label}: status went back: ${seen.map(statusName)}`);
    if (seen[i - 1]! >= 0) {
      assert.equal(seen[i], seen[i - 1], `${label}: a finished status changed`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The cases

/** Every lifecycle case, in order. */
export const lifecycleCases: LifecycleCase[] = [
  {
    name: "a job goes pending → running → completed, and is never queried after",
    run: withHarness(async (h, target) => {
      const seen: StatusCode[] = [];
      const watched: { run?: AsyncResult } = {};
      const transport = await h.transport(() => watched.run && seen.push(watched.run.status));
      const job = h.job({ body: `echo start\nsleep ${h.seconds(40)}\necho done` });
      const run = watched.run = await job.submit({ transport, ...h.polling() });
      assert.equal(run.status, Status.PENDING);
      assert.equal(await run.wait(), Status.COMPLETED);
      seen.push(run.status);
      assertMonotonic(seen, target.label);
      if (target.capabilities.longJobs) assert.ok(seen.includes(Status.RUNNING), `${seen}`);
      assert.ok(run.successful());
      assert.equal(run.exitCode ?? 0, 0);
      assert.equal(run.cause, "exit");
      const commands = h.log.length;
      await run.cancel(); // finished: nothing to do, nothing sent
      assert.equal(await run.refresh(), Status.COMPLETED);
      assert.equal(h.log.length, commands);
      assert.equal(run.status, Status.COMPLETED);
    }),
  },
  {
    name: "exit code 3 ends FAILED with exitCode 3",
    run: withHarness(async (h) => {
      const run = await h.job({ body: `sleep ${h.seconds(5)}\nexit 3` })
        .submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(await run.wait(), Status.FAILED);
      assert.equal(run.exitCode, 3);
      assert.equal(run.cause, "exit");
      assert.equal(run.successful(), false);
      await assert.rejects(run.get(), /ended FAILED/);
    }),
  },
  {
    name: "a job killed at its walltime ends FAILED with a timeout state",
    requires: ["longJobs"],
    run: withHarness(async (h) => {
      const run = await h.job({ body: "sleep 3600", resources: { time: 1 } })
        .submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(run.maxSleepInterval, 10);
      assert.equal(await run.wait(), Status.FAILED);
      assert.match(`${run.state} ${run.reason ?? ""}`, /time|runlimit|h_rt|wall/i);
      assert.equal(run.cause, "timeout", `${run.state}: ${run.reason}`);
    }),
  },
  {
    name: "cancel while pending ends CANCELLED; the scheduler no longer holds the job",
    run: withHarness(async (h, target) => {
      const hold = target.holdResources ?? HOLD[target.backend.name] ?? {};
      const run = await h.job({ body: "sleep 60", resources: hold })
        .submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(await run.refresh(), Status.PENDING);
      await run.cancel();
      assert.equal(run.status, Status.CANCELLED);
      assert.equal(run.cause, "cancelled");
      assert.equal(await run.wait(), Status.CANCELLED);
      // Another process asks the scheduler: the job is gone (accounting may not know a job
      // that never started, so "vanished" is an acceptable answer; live is not).
      const fresh = new AsyncResult({
        jobId: run.jobId,
        backend: target.backend,
        ...(run.markers !== undefined ? { markers: run.markers } : {}),
        transport: await h.transport(),
        maxSleepInterval: 10,
        polling: { ...target.polling, vanishGraceMs: 0 },
      });
      const status = await fresh.wait();
      assert.ok(status === Status.CANCELLED || fresh.state === "VANISHED", `${fresh.state}`);
    }),
  },
  {
    name: "cancel while running ends CANCELLED, once, without the epilogue",
    requires: ["longJobs"],
    run: withHarness(async (h, target) => {
      const local = await h.localFolder();
      const run = await h.job({ body: "sleep 3600", epilogue: `touch "${local}/epilogue ran"` })
        .submit({ transport: await h.transport(), ...h.polling() });
      await h.untilRunning(run);
      const cancel = target.backend.cancelCommand([run.jobId])[0];
      await run.cancel();
      assert.equal(run.status, Status.CANCELLED);
      await run.cancel();
      assert.equal(h.log.filter((entry) => entry.argv[0] === cancel).length, 1);
      await assert.rejects(Deno.stat(`${local}/epilogue ran`), Deno.errors.NotFound);
      const fresh = new AsyncResult({
        jobId: run.jobId,
        backend: target.backend,
        ...(run.markers !== undefined ? { markers: run.markers } : {}),
        transport: await h.transport(),
        maxSleepInterval: 10,
        ...h.polling(),
      });
      const status = await fresh.wait();
      assert.ok(status === Status.CANCELLED || status === Status.FAILED, statusName(status));
    }),
  },
  {
    name: "a workflow killed mid-way and run again finds its job: same id, no second submit",
    run: withHarness(async (h, target) => {
      const cacheFolder = await h.localFolder();
      const options = { body: `sleep ${h.seconds(60)}`, name: "rerun-me", cacheFolder };
      const job = h.job(options);
      const first = await job.submit({ transport: await h.transport(), ...h.polling() });
      // "Killed": the first process stops waiting long before the job ends.
      assert.ok((await first.wait({ timeout: h.seconds(5) * 1000 })) < 0);
      const submitted = await h.submits();
      // The second process builds the same job and submits it again.
      const again = await new JobScript({ ...jobOptionsOf(job), cacheFolder })
        .submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(again.jobId, first.jobId);
      assert.equal(await h.submits(), submitted);
      assert.equal(await again.wait(), Status.COMPLETED);
      // A third run of the workflow gets the finished run from the cache without any command.
      const before = h.log.length;
      const third = await new JobScript({ ...jobOptionsOf(job), cacheFolder })
        .submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(third.status, Status.COMPLETED);
      assert.equal(third.jobId, first.jobId);
      assert.equal(h.log.length, before);
      // Loading the cache file directly gives the same run.
      const files = await Array.fromAsync(Deno.readDir(cacheFolder));
      assert.equal(files.length, 1);
      const loaded = await AsyncResult.load(`${cacheFolder}/${files[0]!.name}`, {
        transport: await h.transport(),
        backend: target.backend,
      });
      assert.equal(loaded.jobId, first.jobId);
      assert.equal(loaded.status, Status.COMPLETED);
    }),
  },
  {
    name: "a job purged from the queue is found in accounting (markers off), " +
      "or by its end marker without accounting",
    requires: ["accountingOutlivesQueue"],
    run: withHarness(async (h, target) => {
      const transport = await h.transport();
      const bare = await h.job({ body: `sleep ${h.seconds(5)}`, markers: false })
        .submit({ transport, ...h.polling() });
      const marked = await h.job({ body: `sleep ${h.seconds(5)}` })
        .submit({ transport, ...h.polling() });
      assert.deepEqual(await AsyncResult.waitAll([bare, marked]), [0, 0]);
      await transport.clock.sleep((target.queueRetentionSeconds + 30) * 1000);
      const accounting = target.backend.accountingCommands([bare.jobId])[0]!.argv[0];
      const ask = async (run: AsyncResult) => {
        const fresh = new AsyncResult({
          jobId: run.jobId,
          backend: target.backend,
          ...(run.markers !== undefined ? { markers: run.markers } : {}),
          transport: await h.transport(),
          ...h.polling(),
        });
        const start = h.log.length;
        assert.equal(await fresh.refresh(), Status.COMPLETED, `${fresh.state}: ${fresh.reason}`);
        assert.equal(fresh.exitCode ?? 0, 0);
        assert.equal(fresh.cause, "exit");
        return h.log.slice(start).filter((e) => e.argv[0] === accounting && e.output).length;
      };
      assert.ok(await ask(bare) > 0, `no ${accounting} for a job without markers`);
      const asked = await ask(marked);
      // PBS Pro's status command is its history (qstat -x): the queue still knows the job.
      if (target.backend.statusCommands([bare.jobId])[0]!.argv[0] !== accounting) {
        assert.equal(asked, 0, `${accounting} asked about a job its markers settle`);
      }
    }),
  },
  {
    name:
      "without accounting, a job the queue forgot gets its exit code and cause from its markers",
    requires: ["noAccounting"],
    run: withHarness(async (h, target) => {
      const cacheFolder = await h.localFolder();
      const transport = await h.transport();
      const job = h.job({ body: `sleep ${h.seconds(5)}\nexit 3`, cacheFolder });
      await job.submit({ transport, ...h.polling() });
      // Another process, long after the job ended and the queue forgot it.
      await transport.clock.sleep((target.queueRetentionSeconds + 30) * 1000);
      const files = await Array.fromAsync(Deno.readDir(cacheFolder));
      const run = await AsyncResult.load(`${cacheFolder}/${files[0]!.name}`, {
        transport: await h.transport(),
        backend: target.backend,
        ...h.polling(),
      });
      assert.equal(run.markers, job.markerFolder());
      const start = h.log.length;
      assert.equal(await run.wait(), Status.FAILED);
      assert.equal(run.exitCode, 3, `${run.state}: ${run.reason}`);
      assert.equal(run.cause, "exit");
      assert.equal(run.state, "ENDED");
      assert.match(run.reason ?? "", /end marker .* says exit=3/);
      const reads = h.log.slice(start).filter((entry) => entry.argv[0] === "grep");
      assert.equal(reads.length, 1, "one marker read");
    }),
  },
  {
    name: "injected query failures do not change states",
    requires: ["queryFailures", "longJobs"],
    run: withHarness(async (h, target) => {
      const seen: StatusCode[] = [];
      const watched: { run?: AsyncResult } = {};
      const transport = await h.transport(() => watched.run && seen.push(watched.run.status));
      const run = watched.run = await h.job({ body: `sleep ${h.seconds(120)}` })
        .submit({ transport, ...h.polling({ maxQueryFailures: 5 }) });
      await h.untilRunning(run);
      await target.injectQueryFailures!(3);
      const failedBefore = h.log.filter(failed).length;
      assert.equal(await run.wait(), Status.COMPLETED);
      seen.push(run.status);
      // At least the injected ones failed (some tools also exit non-zero for finished jobs).
      assert.ok(h.log.filter(failed).length - failedBefore >= 3);
      assertMonotonic(seen, target.label);
    }),
  },
  {
    name: "too many failed queries reject wait with the last error and keep the status",
    requires: ["queryFailures", "longJobs"],
    run: withHarness(async (h, target) => {
      const run = await h.job({ body: `sleep ${h.seconds(600)}` })
        .submit({ transport: await h.transport(), ...h.polling({ maxQueryFailures: 2 }) });
      await h.untilRunning(run);
      await target.injectQueryFailures!(2);
      await assert.rejects(run.wait());
      assert.equal(run.status, Status.RUNNING);
      await run.cancel();
    }),
  },
  {
    name: "prologue, epilogue and aux scripts run where they belong, the epilogue once",
    run: withHarness(async (h, target) => {
      const local = await h.localFolder();
      const job = h.job({
        name: "aux-test",
        body: 'cd "$CLUSTERJOB_WORKDIR"\nbash ./helper.sh',
        auxScripts: { "helper.sh": 'echo "aux of {name}" > "aux out.txt"' },
        prologue: `echo "prologue of {name}" > "${local}/prologue.txt"`,
        epilogue: `echo "epilogue of {name}" >> "${local}/epilogue.txt"`,
      });
      const transport = await h.transport();
      const run = await job.submit({ transport, ...h.polling() });
      assert.equal(await Deno.readTextFile(`${local}/prologue.txt`), "prologue of aux-test\n");
      const directory = job.workingDirectory();
      assert.match(await transport.readFile(`${directory}/helper.sh`), /aux of aux-test/);
      assert.equal(await transport.readFile(job.scriptPath()), job.render());
      assert.equal(await run.wait(), Status.COMPLETED);
      await run.wait();
      await run.refresh();
      assert.equal(await Deno.readTextFile(`${local}/epilogue.txt`), "epilogue of aux-test\n");
      assert.equal(run.epilogueError, undefined);
      if (target.capabilities.scriptsRun) {
        assert.equal(await transport.readFile(`${directory}/aux out.txt`), "aux of aux-test\n");
      }
    }),
  },
  {
    // The same relative paths on every scheduler: PBS starts jobs in $HOME unless told, SGE
    // too without -cwd; no `cd` in the body. `pwd -P`: the physical path, whatever PWD the
    // scheduler passes on (SGE sets it, SLURM exports the submitter's).
    name: "the body runs in rootdir/workdir, next to its aux scripts, on every scheduler",
    requires: ["scriptsRun"],
    run: withHarness(async (h, target) => {
      const transport = await h.transport();
      const stamp = Date.now().toString(36);
      for (const workdir of [`where-${stamp}`, `where  with spaces ${stamp}`]) {
        const job = h.job({
          name: "where",
          workdir,
          body: "pwd -P > where.txt; ./helper.sh",
          auxScripts: { "helper.sh": 'echo "helper of {name} ran" > helper.txt' },
        });
        const run = await job.submit({ transport, ...h.polling() });
        assert.equal(await run.wait(), Status.COMPLETED, `${workdir}: ${run.state}`);
        const directory = job.workingDirectory();
        const expected = target.jobPath?.(directory) ?? directory;
        assert.equal(await transport.readFile(`${directory}/where.txt`), `${expected}\n`);
        assert.equal(await transport.readFile(`${directory}/helper.txt`), "helper of where ran\n");
      }
    }),
  },
  {
    name: "names and paths with spaces and quotes survive the whole trip",
    run: withHarness(async (h, target) => {
      const cacheFolder = await h.localFolder();
      const options = {
        workdir: `dir with 'single' and "double" quotes ${Date.now().toString(36)}`,
        body: 'cd "$CLUSTERJOB_WORKDIR"\necho "$CLUSTERJOB_NAME" > "name out.txt"',
        cacheFolder,
      };
      let job: JobScript;
      try {
        job = h.job({ ...options, name: "it's a spaced & quoted name" });
      } catch (error) {
        // Some schedulers (SGE) refuse whitespace in job names: a typed error naming the field.
        assert.ok(error instanceof InvalidValueError && error.field === "name", String(error));
        job = h.job({ ...options, name: "it's_a_quoted_&_name" });
      }
      const transport = await h.transport();
      const run = await job.submit({ transport, ...h.polling() });
      assert.equal(await run.wait(), Status.COMPLETED);
      assert.equal(run.jobName, job.name);
      assert.equal(await transport.readFile(job.scriptPath()), job.render());
      if (target.capabilities.scriptsRun) {
        const written = await transport.readFile(`${job.workingDirectory()}/name out.txt`);
        assert.ok(written.trim().length > 0);
      }
      const again = await new JobScript({ ...jobOptionsOf(job), cacheFolder })
        .submit({ transport: await h.transport(), ...h.polling() });
      assert.equal(again.jobId, run.jobId);
    }),
  },
  ...dependencyCases({ withHarness, jobOptionsOf }),
  ...arrayCases,
];

function failed(entry: Logged): boolean {
  return entry.error !== undefined || (entry.output !== undefined && entry.output.code !== 0);
}

/** The options that rebuild the same job in "another process". */
function jobOptionsOf(job: JobScript): JobScriptOptions {
  return {
    name: job.name,
    body: job.body,
    backend: job.backend,
    rootdir: job.rootdir,
    workdir: job.workdir,
    resources: { ...job.resourcesInput },
    prologue: job.prologue,
    epilogue: job.epilogue,
    auxScripts: job.auxScripts,
    markers: job.markers,
  };
}

/** A target factory and the label and capabilities it has, for {@linkcode defineLifecycleSuite}. */
export interface LifecycleSuite {
  /** Label prefix of the test names. */
  label: string;
  /** Capabilities (known before making a target, to skip cases). */
  capabilities: LifecycleCapabilities;
  /** Makes a fresh target for one case. */
  target(): Promise<LifecycleTarget>;
  /** Skip the whole suite (with the reason shown by the runner). */
  ignore?: boolean;
}

/** Registers one `Deno.test` per case for a suite; cases needing a missing capability are ignored. */
export function defineLifecycleSuite(suite: LifecycleSuite): void {
  for (const testCase of lifecycleCases) {
    const missing = (testCase.requires ?? []).filter((need) => !suite.capabilities[need]);
    Deno.test({
      name: `${suite.label}: ${testCase.name}`,
      ignore: suite.ignore === true || missing.length > 0,
      async fn() {
        const target = await suite.target();
        try {
          await testCase.run(target);
        } finally {
          await target.close?.();
        }
      },
    });
  }
}
