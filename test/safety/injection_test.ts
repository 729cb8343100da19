// Injection payloads through every string field that reaches a script, a directive, an argv or
// a file name, on all five simulated schedulers in shell mode (job scripts really run, with
// bash, in the simulator's sandbox). Each field either refuses the payload up front with a typed
// error naming it, or the job is submitted, runs and completes with the payload inert: printed
// back intact through `{field:q}`, used as a literal file name, and no canary file anywhere —
// neither in the simulator's sandbox nor in the real working directory, /tmp or $HOME (the
// prologue and epilogue run on this machine).
//
// One job per payload and scheduler carries the payload in every field that accepts it, so the
// whole matrix costs 40 short jobs, run side by side.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  AsyncResult,
  ClusterjobError,
  InvalidValueError,
  JobScript,
  type JobScriptOptions,
  Status,
  statusName,
} from "../../mod.ts";
import { SimCluster } from "../../sim/mod.ts";

const SCHEDULERS = ["slurm", "pbs", "pbspro", "lsf", "sge"] as const;
type Scheduler = typeof SCHEDULERS[number];

const PAYLOADS: readonly string[] = [
  "$(touch CANARY)",
  "`touch CANARY`",
  "; touch CANARY",
  "\ntouch CANARY",
  "' ; touch CANARY ; '",
  '" ; touch CANARY ; "',
  "x\0touch CANARY",
  "-rf",
  "--user=root",
];

/** A pass-through option each scheduler's submit command takes with a value of any text. */
const PASS_THROUGH: Readonly<Record<Scheduler, string>> = {
  slurm: "comment",
  pbs: "-M",
  pbspro: "-M",
  lsf: "-P",
  sge: "-P",
};

/** One field a payload can be put in. */
interface Field {
  /** The field's name, as an error names it. */
  name: string;
  /** The options that put `value` in the field. */
  options(value: string, scheduler: Scheduler): Partial<Record<string, unknown>>;
  /** The value the job prints back for it (`{name:q}`), when it has a placeholder. */
  printed?: (value: string) => string;
  /** The placeholder that prints it. */
  placeholder?: string;
}

const FIELDS: readonly Field[] = [
  { name: "name", options: (v) => ({ name: v }), printed: (v) => v, placeholder: "{name:q}" },
  {
    name: "rootdir",
    options: (v) => ({ rootdir: v }),
    printed: (v) => v,
    placeholder: "{rootdir:q}",
  },
  {
    name: "workdir",
    options: (v) => ({ workdir: v }),
    printed: (v) => v,
    placeholder: "{workdir:q}",
  },
  {
    name: "filename",
    options: (v) => ({ filename: v }),
    printed: (v) => v,
    placeholder: "{filename:q}",
  },
  {
    name: "stdout",
    options: (v) => ({ resources: { stdout: v } }),
    printed: (v) => v,
    placeholder: "{stdout:q}",
  },
  {
    name: "stderr",
    options: (v) => ({ resources: { stderr: `${v}.err` } }),
    printed: (v) => `${v}.err`,
    placeholder: "{stderr:q}",
  },
  {
    name: "queue",
    options: (v) => ({ resources: { queue: v } }),
    printed: (v) => v,
    placeholder: "{queue:q}",
  },
  {
    name: "account",
    options: (v) => ({ resources: { account: v } }),
    printed: (v) => v,
    placeholder: "{account:q}",
  },
  {
    name: "pass-through value",
    options: (v, scheduler) => ({ resources: { [PASS_THROUGH[scheduler]]: v } }),
  },
  { name: "vars", options: (v) => ({ vars: { v } }), printed: (v) => v, placeholder: "{v:q}" },
  { name: "auxScripts", options: (v) => ({ auxScripts: { [`${v}.sh`]: "true" } }) },
];

/** Fields that no payload may enter (each is refused; checked separately). */
const REFUSING_FIELDS: readonly Field[] = [
  { name: "remote", options: (v) => ({ remote: v }) },
  { name: "cachePrefix", options: (v) => ({ cachePrefix: v }) },
  { name: "shell", options: (v) => ({ shell: v }) },
];

/** The fields of `options` merged: `resources`, `vars` and `auxScripts` key by key. */
function mergeOptions(parts: readonly Partial<Record<string, unknown>>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      merged[key] = typeof value === "object" && value !== null
        ? { ...(merged[key] as object | undefined), ...value }
        : value;
    }
  }
  return merged;
}

function build(scheduler: Scheduler, options: Record<string, unknown>): JobScript {
  return new JobScript({
    name: "inj",
    body: "true",
    backend: scheduler,
    onWarning: () => {},
    ...options,
  } as JobScriptOptions);
}

/** What a field does with a payload alone: accepted, or the typed error refusing it. */
function tryField(scheduler: Scheduler, field: Field, payload: string): "accepted" | Error {
  try {
    build(scheduler, mergeOptions([field.options(payload, scheduler)]));
    return "accepted";
  } catch (error) {
    return error as Error;
  }
}

/** Asserts that `error` is a typed refusal naming the field (or the key it is in). */
function assertRefusal(error: Error, scheduler: Scheduler, field: Field, payload: string): void {
  const where = `${scheduler} ${field.name} ${JSON.stringify(payload)}`;
  assert.ok(error instanceof InvalidValueError, `${where}: ${error}`);
  const named = field.name === "pass-through value" ? PASS_THROUGH[scheduler] : field.name;
  assert.ok(
    error.message.includes(`"${named}`) || error.message.includes(`"${field.name}.`),
    `${where}: ${error.message}`,
  );
}

/** Every path below `dir`. */
async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    yield path;
    if (entry.isDirectory) yield* walk(path);
  }
}

/** The real places a command run on this machine would leave a canary in. */
function realCanaries(): string[] {
  const home = Deno.env.get("HOME");
  return [
    join(Deno.cwd(), "CANARY"),
    "/tmp/CANARY",
    ...(home === undefined ? [] : [join(home, "CANARY")]),
  ];
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The outcome of one scheduler's run of every payload. */
interface Tally {
  refused: number;
  inert: number;
}

/**
 * Runs every payload on one scheduler: the refusals of each field alone, then one job per
 * payload with it in every accepting field, submitted together and waited for.
 */
async function runScheduler(scheduler: Scheduler): Promise<Tally> {
  const tally: Tally = { refused: 0, inert: 0 };
  const accepted = new Map<string, Field[]>();
  for (const payload of PAYLOADS) {
    const fields: Field[] = [];
    for (const field of FIELDS) {
      const outcome = tryField(scheduler, field, payload);
      if (outcome === "accepted") fields.push(field);
      else {
        assertRefusal(outcome, scheduler, field, payload);
        tally.refused++;
      }
    }
    for (const field of REFUSING_FIELDS) {
      const outcome = tryField(scheduler, field, payload);
      assert.notEqual(outcome, "accepted", `${scheduler} ${field.name} ${JSON.stringify(payload)}`);
      assertRefusal(outcome as Error, scheduler, field, payload);
      tally.refused++;
    }
    accepted.set(payload, fields);
  }
  // A queue of each name the jobs ask for, so that they run instead of being refused for it.
  const queueNames = PAYLOADS.filter((payload) =>
    accepted.get(payload)!.some((field) => field.name === "queue")
  );
  await using cluster = new SimCluster({
    scheduler,
    execution: "shell",
    queues: [{ name: "main", default: true }, ...queueNames.map((name) => ({ name }))],
  });
  const transport = cluster.transport();
  const submissions = PAYLOADS.map(async (payload, index) => {
    const fields = accepted.get(payload)!;
    if (fields.length === 0) return undefined;
    const printers = fields.filter((field) => field.placeholder !== undefined);
    const options = mergeOptions(fields.map((field) => field.options(payload, scheduler)));
    const seen = `seen-${index}.txt`;
    const aux = fields.some((field) => field.name === "auxScripts");
    const values = printers.map((field) => field.placeholder).join(" ");
    options.vars = { ...(options.vars as object | undefined), seen, aux: `${payload}.sh` };
    if (aux) options.auxScripts = { [`${payload}.sh`]: "printf '<%s>\\n' {aux:q} >> {seen:q}" };
    options.body = `
      printf '<%s>\\n' ${values} "$CLUSTERJOB_NAME" > {seen:q}
      ${aux ? "bash ./{aux:q}" : ""}`;
    // Both run on this machine, in the real working directory.
    options.prologue = `printf '%s\\n' ${values} > /dev/null`;
    options.epilogue = `printf '%s\\n' ${values} > /dev/null`;
    const job = build(scheduler, options);
    const expected = [
      ...printers.map((field) => field.printed!(payload)),
      fields.some((field) => field.name === "name") ? payload : "inj",
      ...(aux ? [`${payload}.sh`] : []),
    ].map((value) => `<${value}>\n`).join("");
    // cacheId, like cachePrefix, is a file name of this machine: refused before anything runs.
    const before = cluster.commandLog.length;
    await assert.rejects(
      job.submit({ transport, cacheFolder: "", cacheId: payload }),
      (error) => error instanceof InvalidValueError && error.field === "cacheId",
    );
    assert.equal(cluster.commandLog.length, before, "a refused cacheId runs nothing");
    tally.refused++;
    const run = await job.submit({ transport, cacheFolder: "" });
    return { payload, fields, job, run, seen, expected };
  });
  const jobs = (await Promise.all(submissions)).filter((job) => job !== undefined);
  const statuses = await AsyncResult.waitAll(jobs.map(({ run }) => run));
  for (const [index, { payload, fields, job, run, seen, expected }] of jobs.entries()) {
    const where = `${scheduler} ${JSON.stringify(payload)}`;
    assert.equal(
      statuses[index],
      Status.COMPLETED,
      `${where}: ${statusName(statuses[index]!)} ${run.state} ${run.reason ?? ""}`,
    );
    assert.equal(run.epilogueError, undefined, where);
    const directory = join(cluster.home, job.workingDirectory());
    assert.equal(await transport.readFile(join(directory, seen)), expected, where);
    // The payloads that are file names are files of those very names.
    assert.equal(cluster.fs.stat(join(directory, job.filename)), "file", `${where}: script`);
    if (fields.some((field) => field.name === "auxScripts")) {
      assert.equal(cluster.fs.stat(join(directory, `${payload}.sh`)), "file", `${where}: aux`);
    }
    if (job.resources.stdout !== undefined) {
      assert.equal(cluster.fs.stat(join(directory, job.resources.stdout)), "file", where);
    }
    tally.inert += fields.length;
  }
  for await (const path of walk(cluster.fs.root)) {
    assert.ok(!path.endsWith("/CANARY"), `${scheduler}: a payload ran: ${path}`);
  }
  return tally;
}

Deno.test("injection payloads through every field are refused up front or stay inert on every simulated scheduler", async () => {
  for (const path of realCanaries()) assert.ok(!exists(path), `${path} exists before the test`);
  const tallies = await Promise.all(SCHEDULERS.map(runScheduler));
  for (const path of realCanaries()) assert.ok(!exists(path), `a payload ran here: ${path}`);
  const refused = tallies.reduce((sum, tally) => sum + tally.refused, 0);
  const inert = tallies.reduce((sum, tally) => sum + tally.inert, 0);
  assert.ok(inert > 0 && refused > 0);
  console.log(
    `injection: ${refused + inert} payload × field × scheduler cases: ${refused} refused up ` +
      `front with a typed error, ${inert} submitted and run with the payload inert`,
  );
});

Deno.test("an injection payload's refusal is a ClusterjobError on every path, never an untyped one", () => {
  for (const scheduler of SCHEDULERS) {
    for (const payload of PAYLOADS) {
      for (const field of [...FIELDS, ...REFUSING_FIELDS]) {
        const outcome = tryField(scheduler, field, payload);
        if (outcome !== "accepted") assert.ok(outcome instanceof ClusterjobError, String(outcome));
      }
    }
  }
});
