import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { JobScript } from "../../../src/job/job_script.ts";
import { loadSettings, parseSettings, SettingsError } from "../../../src/job/settings.ts";
import type { JobWarning } from "../../../src/job/job_warning.ts";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/settings/${name}`, import.meta.url));

async function settingsError(name: string): Promise<SettingsError> {
  const path = fixture(name);
  try {
    await loadSettings(path);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    assert.equal(error.source, path);
    assert.ok(error.message.startsWith(`Invalid settings in ${path}`), error.message);
    return error;
  }
  assert.fail(`${name} loaded without error`);
}

Deno.test("loadSettings() reads the original's example with real types", async () => {
  const path = fixture("cluster.yaml");
  const settings = await loadSettings(path);
  assert.equal(settings.source, path);
  assert.deepEqual(settings.attributes, {
    remote: "login.cluster.edu",
    backend: "pbs",
    shell: "/bin/sh",
    cacheFolder: "cache",
    prologue:
      "ssh {remote} 'mkdir -p {rootdir}/{workdir}'\nrsync -av {workdir}/ {remote}:{rootdir}/{workdir}\n",
    epilogue: "rsync -av {remote}:{rootdir}/{workdir}/ {workdir}",
    rootdir: "~/jobs/",
    workdir: "run001",
    maxSleepInterval: 60,
    vars: { text: "Hello World", module_load: "module load intel" },
  });
  assert.deepEqual(settings.resources, {
    queue: "exec",
    nodes: 1,
    threads: 12,
    mem: 10000,
    "-A": "proj",
    exclusive: true,
  });
  assert.deepEqual(Object.keys(settings.resources), [
    "queue",
    "nodes",
    "threads",
    "mem",
    "-A",
    "exclusive",
  ]);
  assert.ok(Object.isFrozen(settings) && Object.isFrozen(settings.resources));
});

Deno.test("Settings serve as defaults of many job scripts without global state", async () => {
  const settings = await loadSettings(fixture("cluster.yaml"));
  const warnings: JobWarning[] = [];
  const job = new JobScript({
    defaults: settings,
    name: "oct",
    body: "{module_load}\necho {text}",
    resources: { threads: 4, time: "1:00:00" },
    onWarning: (warning) => warnings.push(warning),
  });
  // The original's example has `exclusive: true`, which renders "#PBS -exclusive": not a qsub option.
  assert.deepEqual(warnings.map((warning) => [warning.key, warning.backend]), [[
    "exclusive",
    "pbs",
  ]]);
  assert.equal(job.backend.name, "pbs");
  assert.equal(job.remote, "login.cluster.edu");
  assert.equal(job.rootdir, "~/jobs");
  assert.equal(job.shell, "/bin/sh");
  assert.equal(job.maxSleepInterval, 60);
  assert.equal(job.cacheFolder, "cache");
  assert.equal(job.resources.threads, 4);
  assert.equal(job.resources.queue, "exec");
  assert.equal(job.resources.timeSeconds, 3600);
  assert.deepEqual(job.resources.extra, [["-A", "proj"], ["exclusive", true]]);
  assert.equal(
    job.renderScript(job.prologue),
    "#!/bin/sh\nssh login.cluster.edu 'mkdir -p ~/jobs/run001'\nrsync -av run001/ login.cluster.edu:~/jobs/run001\n",
  );
  assert.ok(job.render().endsWith("\nmodule load intel\necho Hello World\n"));

  // A job's own options win; an unrelated job built without the settings is untouched.
  const local = new JobScript({
    defaults: settings,
    name: "x",
    body: "true",
    remote: "",
    backend: "slurm",
  });
  assert.equal(local.remote, undefined);
  assert.equal(local.backend.name, "slurm");
  const plain = new JobScript({ name: "y", body: "true" });
  assert.equal(plain.backend.name, "slurm");
  assert.equal(plain.remote, undefined);
  assert.deepEqual(plain.resources, { name: "y", extra: [], interpreter: "/bin/bash" });
});

Deno.test("an empty remote in settings means local (the original treated it as a host)", async () => {
  const settings = await loadSettings(fixture("local.yaml"));
  assert.equal(settings.attributes.remote, "");
  assert.equal(new JobScript({ defaults: settings, name: "a", body: "true" }).remote, undefined);
  assert.equal(parseSettings("attributes:\n  remote: ~\n").attributes.remote, undefined);
});

Deno.test("an unknown attribute names the key, the file and the line, with a hint", async () => {
  const error = await settingsError("unknown_attribute.yaml");
  assert.equal(error.key, "max_sleep_interval");
  assert.equal(error.line, 3);
  assert.match(
    error.message,
    /, line 3: unknown attribute "max_sleep_interval"; expected one of .*; did you mean "maxSleepInterval"\?$/,
  );
});

Deno.test("an unknown section is an error naming it", async () => {
  const error = await settingsError("unknown_section.yaml");
  assert.equal(error.key, "Resources");
  assert.equal(error.line, 3);
  assert.match(error.message, /unknown section "Resources"; expected "attributes" or "resources"/);
});

Deno.test("attributes must have the right type: numbers are numbers", async () => {
  const error = await settingsError("wrong_type.yaml");
  assert.equal(error.key, "maxSleepInterval");
  assert.equal(error.line, 3);
  assert.match(error.message, /attribute "maxSleepInterval" must be a number, not "60"/);
  assert.throws(
    () => parseSettings("attributes:\n  shell: 5\n"),
    /"shell" must be a string, not 5/,
  );
  assert.throws(
    () => parseSettings("attributes:\n  vars:\n    a: [1]\n"),
    (e) =>
      e instanceof SettingsError && e.key === "vars.a" && e.line === 3 &&
      /Invalid value for "vars\.a": \[1\]; expected a string without NUL characters, a finite number or a boolean/
        .test(e.message),
  );
  assert.throws(() => parseSettings("attributes:\n  vars: [a]\n"), /"vars" must be a mapping/);
  assert.throws(
    () => parseSettings("attributes:\n  auxScripts:\n    a.sh: 1\n"),
    /"auxScripts" must be a mapping/,
  );
  assert.throws(
    () => parseSettings("attributes: [backend]\n"),
    /section "attributes" must be a mapping/,
  );
});

Deno.test("vars names are checked by JobScript's rule, naming the key, the file and the line", async () => {
  const error = await settingsError("bad_var_name.yaml");
  assert.equal(error.key, "vars.a-b");
  assert.equal(error.line, 7);
  assert.ok(error.cause instanceof InvalidValueError);
  assert.match(error.message, /Invalid value for "vars": "a-b"; expected placeholder names that/);
  // the same rule as JobScript: what settings accept, a job accepts, and the other way round
  assert.throws(
    () => new JobScript({ name: "j", body: "true", backend: "slurm", vars: { "a-b": 1 } }),
    (e) => e instanceof InvalidValueError && e.message === (error.cause as Error).message,
  );
  assert.throws(
    () => parseSettings('attributes:\n  vars: {"1x": 2}\n'),
    (e) => e instanceof SettingsError && e.key === "vars.1x" && e.line === undefined,
  );
  const settings = parseSettings("attributes:\n  vars:\n    _ok: true\n    n: 1.5\n");
  assert.deepEqual(settings.attributes?.vars, { _ok: true, n: 1.5 });
});

Deno.test("resources are validated like JobScript resources, naming the key and line", async () => {
  const error = await settingsError("bad_resource.yaml");
  assert.equal(error.key, "time");
  assert.equal(error.line, 5);
  assert.ok(error.cause instanceof InvalidValueError);
  assert.match(error.message, /Invalid value for "time": "1\.5"/);
  assert.throws(
    () => parseSettings("resources:\n  constraint: {a: 1}\n"),
    (e) => e instanceof SettingsError && e.key === "constraint",
  );
  assert.throws(() => parseSettings("resources:\n  nodes: 0\n"), /"nodes": 0/);
});

Deno.test("a YAML syntax error is a SettingsError with the line", async () => {
  const error = await settingsError("syntax_error.yaml");
  assert.equal(error.line, 3);
  assert.match(error.message, /duplicated mapping key/);
});

Deno.test("per-job options and malformed documents are refused", () => {
  assert.throws(() => parseSettings("attributes:\n  name: x\n"), /"name" belongs to each job/);
  assert.throws(
    () => parseSettings("attributes:\n  filename: x.slr\n"),
    /"filename" belongs to each job/,
  );
  assert.throws(() => parseSettings(""), /found none/);
  assert.throws(() => parseSettings("- a\n- b\n"), /expected a mapping/);
  assert.throws(() => parseSettings("just text"), /expected a mapping/);
  assert.deepEqual(parseSettings("attributes:\nresources:\n"), {
    source: "<string>",
    attributes: {},
    resources: {},
  });
});

Deno.test("an unknown backend named in settings fails when a job uses it", () => {
  const settings = parseSettings("attributes:\n  backend: nosuch\n", "x.yaml");
  assert.throws(
    () => new JobScript({ defaults: settings, name: "a", body: "true" }),
    InvalidValueError,
  );
});

/** `text` in a temporary file, removed after `use`. */
async function withFile<T>(
  text: string | Uint8Array,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    if (typeof text === "string") await Deno.writeTextFile(path, text);
    else await Deno.writeFile(path, text);
    return await use(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("a settings file with an anchor or alias is refused, naming the file and line", async () => {
  const text = "attributes:\n  rootdir: ~/jobs\nresources:\n  queue: &q debug\n  account: *q\n";
  await withFile(text, async (path) => {
    await assert.rejects(
      loadSettings(path),
      (error) =>
        error instanceof SettingsError && error.source === path && error.line === 4 &&
        error.message ===
          `Invalid settings in ${path}, line 4: cannot parse YAML: YAML anchors and aliases are not supported, ` +
            'found the anchor "&q"; write the value out in full where it is needed (column 10)',
    );
  });
});

Deno.test("a settings file above 1 MiB is refused without reading it all", async () => {
  const big = new Uint8Array(3 * 1024 * 1024).fill(0x23); // "###…": a comment, if it were read
  await withFile(big, async (path) => {
    await assert.rejects(
      loadSettings(path),
      (error) =>
        error instanceof SettingsError && error.source === path &&
        error.message.includes("larger than 1048576 bytes (1 MiB)") && error.message.length < 400,
    );
  });
  const fits = "# " + "x".repeat(1024 * 1024 - 40) + "\nresources:\n  queue: q\n";
  await withFile(
    fits,
    async (path) => assert.equal((await loadSettings(path)).resources.queue, "q"),
  );
  assert.throws(() => parseSettings("#".repeat(1024 * 1024 + 1)), /larger than 1048576 bytes/);
});

Deno.test("a misspelt resource in settings says did you mean, with the line", () => {
  const text = "attributes:\n  backend: slurm\nresources:\n  time: 10\n  quene: debug\n";
  assert.throws(
    () => parseSettings(text, "cluster.yaml"),
    (error) =>
      error instanceof SettingsError && error.key === "quene" && error.line === 5 &&
      error.message.startsWith(
        'Invalid settings in cluster.yaml, line 5: Invalid value for "resources": "quene"; did you mean "queue"? ',
      ),
  );
  assert.throws(() => parseSettings("resources:\n  memory: 4G\n"), /did you mean "mem"\?/);
  // A key one of the built-in schedulers has is not a misspelling in settings (jobs check again).
  const torque = parseSettings("resources:\n  walltime: '1:00:00'\n  pmem: 2gb\n");
  assert.deepEqual(torque.resources, { walltime: "1:00:00", pmem: "2gb" });
  assert.ok(
    new JobScript({ defaults: torque, name: "a", body: "true", backend: "pbs" }).render()
      .includes("#PBS -l pmem=2gb"),
  );
  assert.throws(
    () => new JobScript({ defaults: torque, name: "a", body: "true", backend: "slurm" }),
    /"walltime"; did you mean "time"\?/,
  );
});

Deno.test("a resource among the attributes, or a misspelt attribute, gets a hint", () => {
  const hint = (text: string): string => {
    try {
      parseSettings(text);
    } catch (error) {
      assert.ok(error instanceof SettingsError);
      return error.message;
    }
    assert.fail("no error");
  };
  assert.match(
    hint("attributes:\n  queue: debug\n"),
    /unknown attribute "queue": it is a resource; put it under "resources:"$/,
  );
  assert.match(
    hint("attributes:\n  quene: debug\n"),
    /; did you mean the resource "queue"\? \(resources go under "resources:"\)$/,
  );
  assert.match(hint("attributes:\n  rootDir: x\n"), /; did you mean "rootdir"\?$/);
  assert.match(hint("attributes:\n  cache-folder: x\n"), /; did you mean "cacheFolder"\?$/);
  assert.match(hint("attributes:\n  colour: x\n"), /expected one of backend, .*, strict, markers$/);
});

Deno.test("settings may make every job strict; bad values are shown as given", () => {
  const settings = parseSettings("attributes:\n  strict: true\n");
  assert.equal(settings.attributes.strict, true);
  assert.throws(
    () => parseSettings("attributes:\n  strict: yes\n"),
    /"strict" must be true or false, not "yes"/,
  );
  assert.throws(
    () => parseSettings("attributes:\n  maxSleepInterval: .nan\n"),
    /"maxSleepInterval" must be a number, not NaN/,
  );
  assert.throws(
    () => parseSettings("resources:\n  time: '1:99'\n"),
    (error) => error instanceof SettingsError && error.key === "time" && error.line === 2,
  );
  assert.throws(
    () => parseSettings("attributes:\n  backend: slurm\n  shell: '#!$(touch x)'\n", "s.yaml"),
    (error) =>
      error instanceof SettingsError && error.key === "shell" && error.line === 3 &&
      error.cause instanceof InvalidValueError &&
      error.message.startsWith(
        'Invalid settings in s.yaml, line 3: Invalid value for "shell": "#!$(touch x)"; expected an absolute path',
      ),
  );
  assert.throws(
    () => parseSettings('attributes:\n  workdir: "a\\tb"\n'),
    (error) => error instanceof SettingsError && error.key === "workdir" && error.line === 2,
  );
});
