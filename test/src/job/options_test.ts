// The options table drives JobScript's checks, with(), placeholders, settings parsing, and the
// option docs: these tests hold each of them to the table.

import assert from "node:assert/strict";
import { JobScript, type JobScriptOptions } from "../../../src/job/job_script.ts";
import { JOB_OPTIONS, type JobOption, OPTION_NAMES } from "../../../src/job/options.ts";
import { parseSettings, SettingsError } from "../../../src/job/settings.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { BackendRegistry, builtinBackends } from "../../../backends/registry.ts";

const table = (name: keyof typeof JOB_OPTIONS): JobOption => JOB_OPTIONS[name];
const settingNames = OPTION_NAMES.filter((name) => table(name).setting !== undefined);
const placeholderNames = OPTION_NAMES.filter((name) => table(name).placeholder !== undefined);

/** A value for every option but `defaults`, none of them a default. */
const GIVEN: Required<Omit<JobScriptOptions, "defaults">> = {
  name: "given",
  body: "echo {name}",
  backend: "pbs",
  registry: builtinBackends,
  shell: "/bin/sh",
  remote: "hpc",
  rootdir: "/scratch",
  workdir: "run1",
  filename: "job.sh",
  prologue: "echo pro",
  epilogue: "echo epi",
  auxScripts: { "a.sh": "echo a" },
  maxSleepInterval: 60,
  resources: { queue: "q" },
  vars: { x: 1 },
  cacheFolder: "cache",
  cachePrefix: "mine",
  onWarning: () => {},
  strict: true,
  markers: false,
};

/** Another value for each, as with() gets it. */
const CHANGED: Required<Omit<JobScriptOptions, "defaults">> = {
  name: "changed",
  body: "echo changed",
  backend: "lsf",
  registry: new BackendRegistry(builtinBackends.list()),
  shell: "/bin/zsh",
  remote: "other",
  rootdir: "/home",
  workdir: "run2",
  filename: "other.sh",
  prologue: "echo pro2",
  epilogue: "echo epi2",
  auxScripts: { "b.sh": "echo b" },
  maxSleepInterval: 30,
  resources: { account: "acct" },
  vars: { y: 2 },
  cacheFolder: "cache2",
  cachePrefix: "theirs",
  onWarning: () => {},
  strict: false,
  markers: true,
};

/** The field a job keeps an option in, as with() compares it. */
function field(job: JobScript, name: keyof typeof GIVEN): unknown {
  if (name === "resources") return job.resourcesInput;
  if (name === "backend") return job.backend.name;
  return job[name];
}

Deno.test("the table has every option of JobScriptOptions, in order, and nothing else", () => {
  assert.deepEqual(OPTION_NAMES, [...Object.keys(GIVEN), "defaults"]);
});

Deno.test("JobScript rejects any option the table does not have, naming them all", () => {
  assert.throws(
    () => new JobScript({ ...GIVEN, colour: "blue" } as JobScriptOptions),
    (error) =>
      error instanceof InvalidValueError && error.value === "colour" &&
      error.accepted === `one of ${OPTION_NAMES.join(", ")}`,
  );
});

Deno.test("with() keeps every option the table has, and changes each one given", () => {
  const job = new JobScript(GIVEN);
  const same = job.with({});
  for (const name of Object.keys(GIVEN) as (keyof typeof GIVEN)[]) {
    assert.deepEqual(field(same, name), field(job, name), name);
    const changed = job.with({ [name]: CHANGED[name] });
    const merge = table(name).merge === true;
    const expected = merge
      ? { ...field(job, name) as object, ...CHANGED[name] as object }
      : field(new JobScript({ ...GIVEN, [name]: CHANGED[name] }), name);
    assert.deepEqual(field(changed, name), expected, name);
  }
});

Deno.test("with() refuses the options the table marks so (defaults), and unknown ones", () => {
  const job = new JobScript({ name: "a", body: "true" });
  assert.throws(() => job.with({ defaults: {} } as never), /any JobScript option but defaults/);
  assert.throws(
    () => job.with({ colour: "blue" } as never),
    /Invalid value for "options": "colour"/,
  );
  assert.equal(job.with({ colour: undefined } as never).name, "a");
});

Deno.test("every placeholder option of the table renders the job's value", () => {
  const job = new JobScript({
    ...GIVEN,
    body: placeholderNames.map((name) => `{${name}}`).join(" "),
  });
  const values = placeholderNames.map((name) =>
    name === "backend" ? job.backend.name : String(job[name as keyof JobScript])
  );
  assert.ok(job.render().endsWith(`\n${values.join(" ")}\n`), job.render());
  const local = new JobScript({ name: "a", body: "echo {remote}", vars: { remote: "fallback" } });
  assert.ok(local.render().endsWith("echo fallback\n"), "an unset attribute falls through to vars");
});

Deno.test("a settings file may set exactly the table's setting options", () => {
  const values: Record<string, string> = {
    backend: "lsf",
    shell: "/bin/sh",
    remote: "hpc",
    rootdir: "/scratch",
    workdir: "run",
    prologue: "echo pro",
    epilogue: "echo epi",
    auxScripts: "{ a.sh: echo a }",
    maxSleepInterval: "60",
    vars: "{ x: 1 }",
    cacheFolder: "cache",
    cachePrefix: "mine",
    strict: "true",
    markers: "false",
  };
  assert.deepEqual(Object.keys(values), settingNames);
  const yaml = `attributes:\n${
    settingNames.map((name) => `  ${name}: ${values[name]}`).join("\n")
  }\n`;
  const settings = parseSettings(yaml);
  const job = new JobScript({ name: "a", body: "true", defaults: settings });
  assert.equal(job.backend.name, "lsf");
  assert.equal(job.cachePrefix, "mine");
  assert.deepEqual(job.vars, { x: 1 });
  assert.equal(job.markers, false);
  for (const name of OPTION_NAMES.filter((name) => !settingNames.includes(name))) {
    assert.throws(
      () => parseSettings(`attributes:\n  ${name}: x\n`),
      (error) => error instanceof SettingsError && error.message.includes("belongs to each job"),
      name,
    );
  }
  for (const name of settingNames) {
    const wrong = table(name).setting!([]);
    assert.throws(
      () => parseSettings(`attributes:\n  ${name}: []\n`),
      new RegExp(`must be ${wrong}`),
    );
  }
});

/** The JSDoc of a symbol's members, from `deno doc --json`. */
async function memberDocs(file: string, symbol: string): Promise<Map<string, string>> {
  const docs = await symbolDoc(file, symbol);
  const properties = (docs.def?.properties ?? []) as { name: string; jsDoc?: { doc: string } }[];
  return new Map(properties.map((property) => [property.name, property.jsDoc?.doc ?? ""]));
}

// deno-lint-ignore no-explicit-any
async function symbolDoc(file: string, symbol: string): Promise<any> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", file],
    cwd: new URL("../../..", import.meta.url).pathname,
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const json = JSON.parse(new TextDecoder().decode(output.stdout));
  const module = Object.values(json.nodes)[0] as {
    symbols: { name: string; declarations: unknown[] }[];
  };
  const found = module.symbols.find((candidate) => candidate.name === symbol);
  assert.ok(found, symbol);
  // deno-lint-ignore no-explicit-any
  return found.declarations[0] as any;
}

Deno.test("the docs of JobScriptOptions are the table's docs", async () => {
  const docs = await memberDocs("src/job/options.ts", "JobScriptOptions");
  assert.deepEqual([...docs.keys()], OPTION_NAMES);
  for (const name of OPTION_NAMES) assert.equal(docs.get(name), table(name).doc, name);
});

Deno.test("the docs of JobScript and parseSettings list the table's placeholders and settings", async () => {
  const jobDoc: string = (await symbolDoc("src/job/job_script.ts", "JobScript")).jsDoc.doc;
  const attributes = /the job's attributes \(([^)]*)\)/.exec(jobDoc.replace(/\s+/g, " "))?.[1] ??
    "";
  assert.deepEqual(
    [...attributes.matchAll(/`\{(\w+)\}`/g)].map((match) => match[1]),
    placeholderNames,
  );

  const settingsDoc: string = (await symbolDoc("src/job/settings.ts", "parseSettings")).jsDoc.doc;
  const yaml = settingsDoc.split("```yaml\n")[1]!.split("\n").slice(0, 2);
  const listed = yaml.map((line) => line.split("#")[1]!.replace("any of:", "")).join(" ");
  assert.deepEqual(listed.trim().split(/\s+/), settingNames);
});
