// Bad input is refused up front with a typed error that names the field (or file and line) and
// the value as given; values spliced into shell code with {name:q} stay inert. The cases of the
// "Safety round" issue, end to end through the public API.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  builtinBackends,
  InvalidValueError,
  JobScript,
  type JobWarning,
  loadSettings,
  MisspelledKeyError,
  parseSettings,
  SettingsError,
  SshTransport,
  TemplateError,
  UnknownKeyError,
} from "../../mod.ts";

/** The "billion laughs": nine levels of nine aliases each, under `resources:`. */
function billionLaughs(): string {
  const lines = ["resources:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < 9; level++) {
    const below = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`  ${name}: &${name} [${Array(9).fill(`*${below}`).join(",")}]`);
  }
  return lines.join("\n") + "\n";
}

async function inTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await use(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a billion-laughs settings file is a short SettingsError naming the file and line", async () => {
  const text = billionLaughs();
  assert.ok(text.length < 400);
  await inTempDir(async (dir) => {
    const path = join(dir, "bomb.yaml");
    await Deno.writeTextFile(path, text);
    await assert.rejects(
      loadSettings(path),
      (error) =>
        error instanceof SettingsError && error.source === path && error.line === 2 &&
        error.message.length < 1024 &&
        error.message.startsWith(`Invalid settings in ${path}, line 2: cannot parse YAML: `) &&
        error.message.includes('YAML anchors and aliases are not supported, found the anchor "&a"'),
    );
  });
  // Without the anchors, the same shape is only refused later, for its type: still short.
  assert.throws(
    () => parseSettings(text.replaceAll(/&\w /g, "").replaceAll(/\*\w/g, '"lol"')),
    (error) => error instanceof SettingsError && error.message.length < 1024,
  );
});

Deno.test("typos in pass-through keys: did you mean, in jobs and in settings files", () => {
  assert.throws(
    () => new JobScript({ name: "a", body: "true", resources: { ppm: 4 } }),
    (error) =>
      error instanceof MisspelledKeyError &&
      error.message.startsWith('Invalid value for "resources": "ppm"; did you mean "ppn"?'),
  );
  assert.throws(
    () => new JobScript({ name: "a", body: "true", backend: "pbs", resources: { memory: "4G" } }),
    (error) =>
      error instanceof MisspelledKeyError &&
      error.message.startsWith('Invalid value for "resources": "memory"; did you mean "mem"?'),
  );
  assert.throws(
    () => parseSettings("resources:\n  quene: debug\n", "cluster.yaml"),
    (error) =>
      error instanceof SettingsError && error.line === 2 &&
      error.message.startsWith(
        'Invalid settings in cluster.yaml, line 2: Invalid value for "resources": "quene"; did you mean "queue"?',
      ),
  );
});

Deno.test("an option the scheduler does not list is a warning; strict: true makes it an error", () => {
  const warnings: JobWarning[] = [];
  const job = new JobScript({
    name: "a",
    body: "true",
    backend: "sge",
    resources: { h_vmen: "2G" },
    onWarning: (warning) => warnings.push(warning),
  });
  assert.ok(job.render().includes("#$ -l h_vmen=2G"));
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!.message,
    /^Resource "h_vmen" renders "#\$ -l h_vmen=2G", but "h_vmen" is not a resource sge's scheduler lists/,
  );
  assert.match(warnings[0]!.message, /did you mean "h_vmem"/);
  assert.throws(() => job.with({ strict: true }), UnknownKeyError);
});

Deno.test("gpus: 0 renders no GPU request on any backend", () => {
  for (const backend of ["slurm", "pbs", "pbspro", "lsf", "sge"]) {
    const script = new JobScript({ name: "a", body: "true", backend, resources: { gpus: 0 } })
      .render();
    assert.ok(!/gpu/i.test(script), script);
  }
});

Deno.test("renderHeaders({ gpus: 0 }) called on a backend directly renders no GPU request", () => {
  for (const backend of builtinBackends.list()) {
    // One node with a layout (Torque's nodes=…:ppn=… list is where its gpus would go), and none.
    for (const layout of [{}, { nodes: 1, ppn: 4 }]) {
      const headers = backend.renderHeaders({ name: "a", ...layout, gpus: 0, extra: [] });
      assert.ok(!/gpu/i.test(headers.join("\n")), `${backend.name}: ${headers}`);
    }
    const one = backend.renderHeaders({ name: "a", gpus: 1, extra: [] }).join("\n");
    assert.match(one, /gpu/i, `${backend.name} still renders gpus: 1`);
  }
});

Deno.test("a job's remote is checked by SshTransport's own host rule, naming the field remote", () => {
  const hosts = [
    "login.cluster.edu",
    "alice@login",
    "10.0.0.1",
    "fe80::1%eth0",
    "login;x",
    "login&&x",
    "$(touch x)",
    "`x`",
    "a|b",
    "a>b",
    "two hosts",
    "-oProxyCommand=x",
    "me@-x",
    "@login",
    "a\u0000b",
    "a\u007fb",
    "héte.example",
  ];
  for (const host of hosts) {
    let transportError: unknown;
    try {
      new SshTransport({ host });
    } catch (error) {
      transportError = error;
    }
    let jobError: unknown;
    try {
      new JobScript({ name: "a", body: "true", remote: host });
    } catch (error) {
      jobError = error;
    }
    assert.equal(jobError === undefined, transportError === undefined, JSON.stringify(host));
    if (jobError === undefined) continue;
    assert.ok(jobError instanceof InvalidValueError && transportError instanceof InvalidValueError);
    assert.equal(jobError.field, "remote");
    assert.equal(transportError.field, "host");
    assert.equal(jobError.accepted, transportError.accepted, JSON.stringify(host));
    assert.equal(
      jobError.message,
      transportError.message.replace('"host"', '"remote"'),
      JSON.stringify(host),
    );
  }
  // Refused at construction, so nothing is written or submitted.
  assert.throws(
    () => new JobScript({ name: "a", body: "true", remote: "login;x" }),
    (error) =>
      error instanceof InvalidValueError && error.field === "remote" &&
      error.message.startsWith('Invalid value for "remote": "login;x"; expected a host name'),
  );
});

Deno.test("bad values are reported as given: NaN, Infinity, -1, 1:99, #!$(…)", () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ resources: { nodes: Number.NaN } }, "nodes", "NaN"],
    [{ resources: { mem: Number.POSITIVE_INFINITY } }, "mem", "Infinity"],
    [{ resources: { ppn: -1 } }, "ppn", "-1"],
    [{ resources: { time: "1:99" } }, "time", '"1:99"'],
    [{ shell: "#!$(touch x)" }, "shell", '"#!$(touch x)"'],
    [{ workdir: "run\n1" }, "workdir", '"run\\n1"'],
    [{ rootdir: "a\0b" }, "rootdir", '"a\\u0000b"'],
    [{ resources: { stdout: "out\r.txt" } }, "stdout", '"out\\r.txt"'],
    [{ maxSleepInterval: Number.NaN }, "maxSleepInterval", "NaN"],
  ];
  for (const [options, field, shown] of cases) {
    assert.throws(
      () => new JobScript({ name: "a", body: "true", ...options }),
      (error) =>
        error instanceof InvalidValueError && error.field === field &&
        error.message.startsWith(`Invalid value for "${field}": ${shown}; expected `),
      field,
    );
  }
});

Deno.test("an unset {remote} names the script it is in", () => {
  const job = new JobScript({ name: "a", body: "true", prologue: "rsync -a x/ {remote}:y" });
  assert.throws(
    () => job.renderScript(job.prologue, "prologue"),
    (error) =>
      error instanceof TemplateError &&
      error.message ===
        'Cannot render placeholder "{remote}" in the prologue, line 1: the job attribute "remote" is not set; ' +
          'give it a value (a resource, a job attribute or one of "vars"), or write "{{remote}}" for literal braces',
  );
});

/** Runs `script` with `bash -c` in `dir`; returns its standard output. */
async function bash(script: string, dir: string): Promise<string> {
  const output = await new Deno.Command("bash", { args: ["-c", script], cwd: dir }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("{workdir:q} is one inert word: a space and a $(touch x) stay text", async () => {
  for (const workdir of ["my run", "$(touch x)", "`touch x`", "it's; touch x", 'a"b $HOME']) {
    const job = new JobScript({
      name: "a",
      body: "true",
      rootdir: "~/jobs",
      workdir,
      prologue: "printf '<%s>\\n' {workdir:q}/ {rootdir:q}/{workdir:q}",
    });
    await inTempDir(async (dir) => {
      const output = await bash(job.renderScript(job.prologue, "prologue"), dir);
      const home = Deno.env.get("HOME");
      assert.equal(output, `<${workdir}/>\n<${home}/jobs/${workdir}>\n`, workdir);
      assert.ok(!await exists(join(dir, "x")), `${workdir}: nothing ran`);
    });
  }
});

Deno.test("without :q the same value is code: the quoting form is what keeps it inert", async () => {
  const job = new JobScript({
    name: "a",
    body: "true",
    workdir: "$(touch x)",
    prologue: "echo {workdir}",
  });
  await inTempDir(async (dir) => {
    await bash(job.renderScript(job.prologue), dir);
    assert.ok(await exists(join(dir, "x")), "the raw placeholder ran the command");
  });
});
