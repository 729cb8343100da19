// A tiny scripted scheduler for unit tests of runs, polling and submission: a fake backend with a
// trivial text protocol and a fake transport whose answers follow per-job timelines on a virtual
// clock. Failures are injected per command. Test-only.

import type { Backend, JobInfo, QueryCommand } from "../src/core/backend.ts";
import { QueryError, SubmitError } from "../src/core/errors.ts";
import { Status, type StatusCode } from "../src/core/status.ts";
import {
  type CommandOutput,
  type RunOptions,
  type Transport,
  TransportError,
} from "../src/core/transport.ts";
import { VirtualClock } from "../sim/engine/virtual_clock.ts";

const WORD_TO_STATUS: Record<string, StatusCode> = {
  PENDING: Status.PENDING,
  RUNNING: Status.RUNNING,
  COMPLETED: Status.COMPLETED,
  CANCELLED: Status.CANCELLED,
  FAILED: Status.FAILED,
};

/** Ids per status command, small so that tests can see chunking. */
export const CHUNK = 100;

/**
 * Protocol: `fakestat id...` prints `id WORD` for queued jobs (exit 0, even when it knows none);
 * `fakeacct id...` prints `id WORD exit` for finished jobs; `fakesub file` prints `Submitted N`.
 */
export const fakeBackend: Backend = {
  name: "fake",
  extension: "sh",
  prefix: "#FAKE",
  envVars: {
    CLUSTERJOB_ID: "FAKE_ID",
    CLUSTERJOB_WORKDIR: "FAKE_WORKDIR",
    CLUSTERJOB_SUBMIT_HOST: "FAKE_HOST",
    CLUSTERJOB_NAME: "FAKE_NAME",
    CLUSTERJOB_NODELIST: "FAKE_NODES",
    CLUSTERJOB_ARRAY_INDEX: "FAKE_INDEX",
  },
  renderHeaders: (resources) => [`#FAKE name=${resources.name}`],
  submitCommand: (filename) => ({ argv: ["fakesub", filename] }),
  parseJobId(output, argv) {
    const match = /^Submitted (\d+)$/m.exec(output.stdout);
    if (output.code !== 0 || !match?.[1]) throw new SubmitError(argv, output);
    return match[1];
  },
  statusCommands(ids) {
    const commands: QueryCommand[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      commands.push({ argv: ["fakestat", ...chunk], ids: chunk });
    }
    return commands;
  },
  parseStatus: (output, ids) => parseLines(output, ids, ["fakestat", ...ids]),
  accountingCommands: (ids) => [{ argv: ["fakeacct", ...ids], ids: [...ids] }],
  parseAccounting: (output, ids) => parseLines(output, ids, ["fakeacct", ...ids]),
  cancelCommand: (ids) => ["fakecancel", ...ids],
};

function parseLines(
  output: CommandOutput,
  ids: readonly string[],
  argv: string[],
): Map<string, JobInfo> {
  if (output.code !== 0) throw new QueryError(argv, `Query failed: ${output.stderr.trim()}`);
  const result = new Map<string, JobInfo>();
  for (const line of output.stdout.split("\n")) {
    if (line === "") continue;
    const [id, word, exit] = line.split(" ");
    const status = word === undefined ? undefined : WORD_TO_STATUS[word];
    if (id === undefined || status === undefined) {
      throw new QueryError(argv, `Cannot parse line "${line}"`);
    }
    if (!ids.includes(id)) continue;
    result.set(id, { status, state: word!, ...(exit ? { exitCode: Number(exit) } : {}) });
  }
  return result;
}

/** One phase of a fake job: its state word from `at` seconds after submission on. */
export interface Phase {
  /** Seconds after submission. */
  at: number;
  /** Where the job is seen: the queue, accounting, or nowhere. */
  where: "queue" | "accounting" | "nowhere";
  /** The state word. */
  word?: string;
  /** Exit code shown by accounting. */
  exit?: number;
}

interface FakeJob {
  id: string;
  submitted: number;
  phases: Phase[];
  cancelled?: number;
}

/** A command the fake transport served, with the clock time (seconds since start). */
export interface LoggedCall {
  at: number;
  argv: string[];
  cwd?: string | undefined;
  stdin?: string | undefined;
}

/** A scripted scheduler host. */
export class FakeCluster implements Transport {
  readonly name = "fake";
  readonly clock: VirtualClock = new VirtualClock({ start: 0 });
  readonly calls: LoggedCall[] = [];
  readonly files = new Map<string, { text: string; mode: number }>();
  readonly dirs = new Set<string>();
  /** Answers for the next `fakesub` calls (default: accept with the next id). */
  readonly submitAnswers: Array<CommandOutput | Error> = [];
  /** Phases given to the next submitted jobs (default: pending 10 s, running 20 s, done). */
  nextPhases: Phase[] = [
    { at: 0, where: "queue", word: "PENDING" },
    { at: 10, where: "queue", word: "RUNNING" },
    { at: 30, where: "accounting", word: "COMPLETED", exit: 0 },
  ];
  /** Decides whether a query command fails: return an error to throw, an output to answer, or nothing. */
  failQuery?:
    | ((argv: readonly string[], at: number) => CommandOutput | Error | undefined)
    | undefined;
  #jobs = new Map<string, FakeJob>();
  #nextId = 100;

  /** Adds a job directly (as if submitted elsewhere) and returns its id. */
  addJob(phases: Phase[]): string {
    const id = String(this.#nextId++);
    this.#jobs.set(id, { id, submitted: this.clock.now(), phases });
    return id;
  }

  /** Seconds since the start. */
  seconds(): number {
    return this.clock.now() / 1000;
  }

  /** Calls of one command name. */
  callsOf(command: string): LoggedCall[] {
    return this.calls.filter((call) => call.argv[0] === command);
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    const at = this.seconds();
    this.calls.push({
      at,
      argv: [...argv],
      cwd: options.cwd,
      stdin: options.stdin as string | undefined,
    });
    const [command, ...args] = argv;
    if (command === "fakesub") {
      const answer = this.submitAnswers.shift();
      if (answer instanceof Error) return Promise.reject(answer);
      if (answer) return Promise.resolve(answer);
      const id = this.addJob(this.nextPhases);
      return Promise.resolve({ code: 0, stdout: `Submitted ${id}\n`, stderr: "" });
    }
    if (command === "fakestat" || command === "fakeacct") {
      const injected = this.failQuery?.(argv, at);
      if (injected instanceof Error) return Promise.reject(injected);
      if (injected) return Promise.resolve(injected);
      const where = command === "fakestat" ? "queue" : "accounting";
      const lines = args.flatMap((id) => {
        const phase = this.phaseOf(id);
        if (phase?.where !== where) return [];
        return [`${id} ${phase.word}${phase.exit !== undefined ? ` ${phase.exit}` : ""}`];
      });
      return Promise.resolve({ code: 0, stdout: lines.map((l) => l + "\n").join(""), stderr: "" });
    }
    if (command === "fakecancel") {
      for (const id of args) {
        const job = this.#jobs.get(id);
        if (!job) continue;
        const elapsed = (this.clock.now() - job.submitted) / 1000;
        job.phases = [
          ...job.phases.filter((p) => p.at <= elapsed),
          { at: elapsed, where: "accounting", word: "CANCELLED" },
        ];
      }
      return Promise.resolve({ code: 0, stdout: "", stderr: "" });
    }
    return Promise.resolve({ code: 127, stdout: "", stderr: `${command}: command not found\n` });
  }

  /** The phase a job is in now. */
  phaseOf(id: string): Phase | undefined {
    const job = this.#jobs.get(id);
    if (!job) return undefined;
    const elapsed = (this.clock.now() - job.submitted) / 1000;
    let current: Phase | undefined;
    for (const phase of job.phases) if (phase.at <= elapsed) current = phase;
    return current;
  }

  writeFile(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
    this.files.set(path, { text, mode: options.mode ?? 0o644 });
    return Promise.resolve();
  }

  readFile(path: string): Promise<string> {
    const file = this.files.get(path);
    if (!file) {
      return Promise.reject(new TransportError(this.name, `Cannot read "${path}": not found`));
    }
    return Promise.resolve(file.text);
  }

  mkdir(path: string): Promise<void> {
    this.dirs.add(path);
    return Promise.resolve();
  }

  remove(path: string): Promise<void> {
    this.files.delete(path);
    return Promise.resolve();
  }
}
