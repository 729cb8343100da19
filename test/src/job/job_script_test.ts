import assert from "node:assert/strict";
import type { Backend } from "../../../src/core/backend.ts";
import { BackendError, BackendRegistry } from "../../../backends/registry.ts";
import { slurm } from "../../../backends/slurm.ts";
import { InvalidValueError } from "../../../src/core/errors.ts";
import { JobScript, type JobScriptOptions } from "../../../src/job/job_script.ts";
import { TemplateError } from "../../../src/core/template.ts";
import { MisspelledKeyError } from "../../../src/job/key_errors.ts";

function invalid(options: JobScriptOptions, field: string): InvalidValueError {
  try {
    new JobScript(options);
  } catch (error) {
    assert.ok(error instanceof InvalidValueError, String(error));
    assert.equal(error.field, field, error.message);
    return error;
  }
  assert.fail(`new JobScript(${JSON.stringify(options)}) did not throw`);
}

// A minimal custom backend: headers list the resolved resources, variables are "MY_*".
const toy: Backend = {
  ...slurm,
  name: "toy",
  extension: "toy",
  prefix: "#TOY",
  envVars: {
    CLUSTERJOB_ID: "MY_ID",
    CLUSTERJOB_WORKDIR: "MY_DIR",
    CLUSTERJOB_SUBMIT_HOST: "MY_HOST",
    CLUSTERJOB_NAME: "MY_NAME",
    CLUSTERJOB_NODELIST: "`my-nodes`",
    CLUSTERJOB_ARRAY_INDEX: "MY_INDEX",
  },
  renderHeaders: (resources) => [
    `#TOY name=${resources.name}`,
    ...(resources.timeSeconds === undefined ? [] : [`#TOY seconds=${resources.timeSeconds}`]),
  ],
};

Deno.test("JobScript has the original's defaults", () => {
  const job = new JobScript({ name: "hello", body: "echo hello" });
  assert.equal(job.name, "hello");
  assert.equal(job.body, "echo hello");
  assert.equal(job.backend.name, "slurm");
  assert.equal(job.shell, "/bin/bash");
  assert.equal(job.remote, undefined);
  assert.equal(job.rootdir, ".");
  assert.equal(job.workdir, ".");
  assert.equal(job.filename, "hello.slr");
  assert.equal(job.prologue, "");
  assert.equal(job.epilogue, "");
  assert.deepEqual(job.auxScripts, {});
  assert.equal(job.maxSleepInterval, 900);
  assert.deepEqual(job.resources, { name: "hello", extra: [], interpreter: "/bin/bash" });
  assert.deepEqual(job.vars, {});
  assert.equal(job.cacheFolder, undefined);
  assert.equal(job.cachePrefix, "clusterjob");
  assert.equal(job.scriptPath(), "hello.slr");
  assert.equal(job.workingDirectory(), ".");
});

Deno.test("render() adds #!<shell>, then the headers, then the body, ending with a newline", () => {
  const job = new JobScript({
    name: "a",
    body: "echo $CLUSTERJOB_ID",
    backend: toy,
    resources: { time: 5 },
    markers: false,
  });
  assert.equal(
    job.render(),
    '#!/bin/bash\n#TOY name=a\n#TOY seconds=300\nexport CLUSTERJOB_ID="${MY_ID:-}" CLUSTERJOB_ARRAY_INDEX=""\necho $MY_ID\n',
  );
  assert.equal(
    job.with({ shell: "/usr/bin/env zsh" }).render(),
    '#!/usr/bin/env zsh\n#TOY name=a\n#TOY seconds=300\nexport CLUSTERJOB_ID="${MY_ID:-}" CLUSTERJOB_ARRAY_INDEX=""\necho $MY_ID\n',
  );
});

Deno.test("render() keeps a body's own shebang first, headers after it (fix of bug 4)", () => {
  const job = new JobScript({
    name: "py",
    body: "#!/usr/bin/env python3\nprint('{name}')\n",
    backend: toy,
  });
  assert.equal(job.render(), "#!/usr/bin/env python3\n#TOY name=py\nprint('py')\n");
});

Deno.test("render() puts the markers prelude after the headers and the exports, before the body", () => {
  const job = new JobScript({ name: "m", body: "echo body", backend: toy });
  const lines = job.render().split("\n");
  assert.deepEqual(lines.slice(0, 3), [
    "#!/bin/bash",
    "#TOY name=m",
    'export CLUSTERJOB_ID="${MY_ID:-}" CLUSTERJOB_ARRAY_INDEX=""',
  ]);
  assert.match(lines[3]!, /^# clusterjob markers/);
  assert.equal(lines.at(-2), "echo body");
  assert.ok(lines.some((line) => line.includes("id=${MY_ID:-}")), job.render());
  // Array tasks: the task index of the shared contract, exported before the prelude.
  const tasks = job.with({ array: "1-3" }).render().split("\n");
  const exported = tasks.findIndex((line) => line.startsWith("export CLUSTERJOB_ID="));
  const task = tasks.findIndex((line) => line.includes('__cj_task="${CLUSTERJOB_ARRAY_INDEX:-}"'));
  assert.ok(exported >= 0 && task > exported, job.with({ array: "1-3" }).render());
  assert.equal(job.markerFolder(), "./.clusterjob/m");
  // Not a shell script: no prelude, no marker folder.
  const python = new JobScript({
    name: "p",
    body: "#!/usr/bin/env python3\nprint(1)",
    backend: toy,
  });
  assert.equal(python.markers, false);
  assert.equal(python.markerFolder(), undefined);
  assert.equal(python.render(), "#!/usr/bin/env python3\n#TOY name=p\nprint(1)\n");
});

Deno.test("render() of an empty body is the shebang and the headers", () => {
  assert.equal(
    new JobScript({ name: "e", body: "", backend: toy, markers: false }).render(),
    '#!/bin/bash\n#TOY name=e\nexport CLUSTERJOB_ID="${MY_ID:-}" CLUSTERJOB_ARRAY_INDEX=""\n',
  );
  assert.equal(new JobScript({ name: "e", body: "" }).renderScript(""), "#!/bin/bash\n");
});

Deno.test("bodies and scripts written in template literals are dedented and trimmed", () => {
  const job = new JobScript({
    name: "a",
    backend: toy,
    markers: false,
    body: `
      #!/bin/sh
      if true; then
        echo indented
      fi
    `,
    prologue: "\n    echo pro\n      echo more   \n\n",
  });
  assert.equal(job.body, "#!/bin/sh\nif true; then\n  echo indented\nfi");
  assert.equal(
    job.render(),
    '#!/bin/sh\n#TOY name=a\nexport CLUSTERJOB_ID="${MY_ID:-}" CLUSTERJOB_ARRAY_INDEX=""\nif true; then\n  echo indented\nfi\n',
  );
  assert.equal(job.prologue, "echo pro\n  echo more");
  assert.equal(new JobScript({ name: "a", body: "a\r\nb\r\n" }).body, "a\nb");
});

Deno.test("placeholders look in resources as given, then attributes, then vars", () => {
  const job = new JobScript({
    name: "pl",
    body: [
      "{queue} {time} {mem} {nodes} {exclusive} {dependency}",
      "{name} {backend} {shell} {remote} {rootdir} {workdir} {filename}",
      "{maxSleepInterval} {cacheFolder} {cachePrefix} {n_trajs} {flag}",
    ].join("\n"),
    remote: "hpc",
    rootdir: "~/jobs",
    workdir: "run1",
    cacheFolder: "cache",
    maxSleepInterval: 60,
    resources: {
      queue: "debug",
      time: "00:05:00",
      mem: "4G",
      nodes: 2,
      exclusive: true,
      dependency: "after:12",
    },
    vars: { n_trajs: 100, flag: false, queue: "shadowed", name: "shadowed" },
  });
  assert.equal(
    job.render().split("\n").slice(-4).join("\n"),
    [
      "debug 00:05:00 4G 2 true after:12",
      "pl slurm /bin/bash hpc ~/jobs run1 pl.slr",
      "60 cache clusterjob 100 false",
      "",
    ].join("\n"),
  );
});

Deno.test("an unset attribute or unknown name is a TemplateError with its line", () => {
  const job = new JobScript({ name: "a", body: "echo ok\necho {remote}" });
  assert.throws(
    () => job.render(),
    (error) =>
      error instanceof TemplateError && error.placeholder === "remote" && error.line === 2 &&
      error.script === "body" &&
      error.message.startsWith(
        'Cannot render placeholder "{remote}" in the body, line 2: the job attribute "remote" is not set; ',
      ),
  );
  assert.throws(() => job.renderScript("{nosuch}"), TemplateError);
  // A null pass-through resource has no value either.
  const withNull = new JobScript({ name: "a", body: "{x}", resources: { x: null } });
  assert.throws(() => withNull.render(), TemplateError);
});

Deno.test("prologue, epilogue and aux scripts render without headers", () => {
  const job = new JobScript({
    name: "a",
    body: "./helper.sh",
    backend: toy,
    remote: "hpc",
    workdir: "run1",
    prologue: "rsync -av {workdir}/ {remote}:{rootdir}/{workdir}",
    epilogue: "#!/usr/bin/env python3\nprint('{name}')",
    auxScripts: {
      "helper.sh": "echo $CLUSTERJOB_ID on ${CLUSTERJOB_NODELIST}",
      "data.py": "#!/usr/bin/python\nx = {{}}",
    },
  });
  assert.equal(job.renderScript(job.prologue), "#!/bin/bash\nrsync -av run1/ hpc:./run1\n");
  assert.equal(job.renderScript(job.epilogue), "#!/usr/bin/env python3\nprint('a')\n");
  assert.deepEqual(job.renderAuxScripts(), {
    "helper.sh": "#!/bin/bash\necho $MY_ID on `my-nodes`\n",
    "data.py": "#!/usr/bin/python\nx = {}\n",
  });
});

Deno.test("aux script names must be plain file names other than the job script", () => {
  for (const name of ["", ".", "..", "a/b", "/abs", "x\0y", "two\nlines", "a.slr"]) {
    const error = invalid({ name: "a", body: "", auxScripts: { [name]: "echo" } }, "auxScripts");
    assert.equal(error.value, name);
  }
  invalid(
    { name: "a", body: "", auxScripts: { "x.sh": 5 as unknown as string } },
    "auxScripts.x.sh",
  );
  invalid(
    { name: "a", body: "", auxScripts: [] as unknown as Record<string, string> },
    "auxScripts",
  );
});

Deno.test("the default file name follows name and backend; unsafe characters become _", () => {
  assert.equal(new JobScript({ name: "a", body: "", backend: "pbs" }).filename, "a.pbs");
  assert.equal(new JobScript({ name: "my job/1", body: "" }).filename, "my_job_1.slr");
  assert.equal(new JobScript({ name: "-x", body: "" }).filename, "_x.slr");
  assert.equal(new JobScript({ name: "..", body: "" }).filename, "_..slr");
  const explicit = new JobScript({ name: "a", body: "", filename: "sub/job.sh" });
  assert.equal(explicit.filename, "sub/job.sh");
  assert.equal(explicit.with({ backend: "lsf", name: "b" }).filename, "sub/job.sh");
  invalid({ name: "a", body: "", filename: "" }, "filename");
  invalid({ name: "a", body: "", filename: "dir/" }, "filename");
  invalid({ name: "a", body: "", filename: "a\nb" }, "filename");
});

Deno.test("with() returns a changed copy and merges resources and vars key by key", () => {
  const base = new JobScript({
    name: "a",
    body: "echo {greeting}",
    resources: { queue: "q", time: 10, exclusive: true },
    vars: { greeting: "hi", other: 1 },
  });
  const changed = base.with({
    name: "b",
    backend: "pbs",
    resources: { time: 60, exclusive: undefined, mem: "1G" },
    vars: { greeting: "hello" },
    remote: undefined, // undefined keeps the current value
  });
  assert.equal(changed.name, "b");
  assert.equal(changed.filename, "b.pbs");
  assert.equal(changed.backend.name, "pbs");
  assert.deepEqual(
    {
      queue: changed.resources.queue,
      time: changed.resources.timeSeconds,
      mem: changed.resources.memMB,
    },
    { queue: "q", time: 3600, mem: 1024 },
  );
  assert.deepEqual(changed.resources.extra, []);
  assert.deepEqual(changed.vars, { greeting: "hello", other: 1 });
  assert.ok(changed.render().endsWith("echo hello\n"));
  // The original is untouched.
  assert.equal(base.name, "a");
  assert.equal(base.filename, "a.slr");
  assert.equal(base.resources.timeSeconds, 600);
  assert.deepEqual(base.resources.extra, [["exclusive", true]]);
  assert.ok(base.render().endsWith("echo hi\n"));
  // Reset remote to local with "".
  assert.equal(
    new JobScript({ name: "a", body: "", remote: "h" }).with({ remote: "" }).remote,
    undefined,
  );
  assert.throws(() => base.with({ nodes: 1 } as never), InvalidValueError);
  assert.throws(() => base.with({ defaults: {} } as never), InvalidValueError);
  assert.throws(() => base.with({ resources: { nodes: 0 } }), InvalidValueError);
});

Deno.test("JobScript is immutable", () => {
  const job = new JobScript({
    name: "a",
    body: "",
    resources: { queue: "q" },
    vars: { v: 1 },
    auxScripts: { "x.sh": "" },
  });
  assert.throws(() => {
    (job.resourcesInput as Record<string, unknown>).queue = "other";
  }, TypeError);
  assert.throws(() => {
    (job.vars as Record<string, unknown>).v = 2;
  }, TypeError);
  assert.throws(() => {
    job.resources.queue = "other";
  }, TypeError);
  assert.throws(() => {
    job.resources.extra.push(["x", 1]);
  }, TypeError);
  assert.throws(() => {
    (job.auxScripts as Record<string, unknown>)["y.sh"] = "";
  }, TypeError);
});

Deno.test("remote, rootdir and workdir are cleaned like the original; empty remote is local", () => {
  const job = new JobScript({
    name: "a",
    body: "",
    remote: " hpc ",
    rootdir: " ~/jobs// ",
    workdir: " run1/ ",
  });
  assert.equal(job.remote, "hpc");
  assert.equal(job.rootdir, "~/jobs/");
  assert.equal(job.workdir, "run1");
  assert.equal(job.scriptPath(), "~/jobs/run1/a.slr");
  assert.equal(new JobScript({ name: "a", body: "", remote: "  " }).remote, undefined);
  assert.equal(new JobScript({ name: "a", body: "", rootdir: "/" }).rootdir, "/");
  assert.equal(new JobScript({ name: "a", body: "", rootdir: "" }).rootdir, ".");
  invalid({ name: "a", body: "", remote: "-oProxyCommand=x" }, "remote");
  invalid({ name: "a", body: "", remote: "two hosts" }, "remote");
  invalid({ name: "a", body: "", rootdir: "a\nb" }, "rootdir");
});

Deno.test("scriptPath() and workingDirectory() join POSIX paths; an absolute part starts over", () => {
  const at = (rootdir: string, workdir: string, filename?: string) => {
    const job = new JobScript({
      name: "a",
      body: "",
      rootdir,
      workdir,
      ...(filename ? { filename } : {}),
    });
    return [job.workingDirectory(), job.scriptPath()];
  };
  assert.deepEqual(at(".", "."), [".", "a.slr"]);
  assert.deepEqual(at("~/jobs", "run1"), ["~/jobs/run1", "~/jobs/run1/a.slr"]);
  assert.deepEqual(at("/scratch/me", "run 1"), ["/scratch/me/run 1", "/scratch/me/run 1/a.slr"]);
  assert.deepEqual(at("~/jobs", "/abs/run"), ["/abs/run", "/abs/run/a.slr"]);
  assert.deepEqual(at("/r", "w", "/tmp/x.slr"), ["/r/w", "/tmp/x.slr"]);
  assert.deepEqual(at("/r", "w", "sub/x.slr"), ["/r/w", "/r/w/sub/x.slr"]);
});

Deno.test("backends: a name in the built-in or a given registry, or a Backend object", () => {
  for (const name of ["slurm", "pbs", "pbspro", "lsf", "sge"]) {
    assert.equal(new JobScript({ name: "a", body: "", backend: name }).backend.name, name);
  }
  const error = invalid({ name: "a", body: "", backend: "nosuch" }, "backend");
  assert.match(error.message, /"nosuch"/);
  assert.equal(new JobScript({ name: "a", body: "", backend: toy }).filename, "a.toy");
  const registry = new BackendRegistry();
  registry.register(toy);
  const job = new JobScript({ name: "a", body: "", backend: "toy", registry });
  assert.equal(job.backend.name, "toy");
  assert.equal(job.with({ name: "b" }).backend.name, "toy");
  assert.throws(
    () => new JobScript({ name: "a", body: "", backend: { name: "half" } as unknown as Backend }),
    BackendError,
  );
});

Deno.test("bad options throw InvalidValueError at construction, naming the field", () => {
  const base = { name: "a", body: "" };
  invalid({ ...base, colour: "blue" } as unknown as JobScriptOptions, "options");
  invalid({ body: "" } as unknown as JobScriptOptions, "name");
  invalid({ name: "a" } as unknown as JobScriptOptions, "body");
  invalid({ ...base, name: "two\nlines" }, "name");
  invalid({ ...base, shell: "/bin/bash\nrm -rf /" }, "shell");
  invalid({ ...base, maxSleepInterval: 0 }, "maxSleepInterval");
  invalid({ ...base, maxSleepInterval: Number.NaN }, "maxSleepInterval");
  invalid({ ...base, prologue: null as unknown as string }, "prologue");
  invalid({ ...base, vars: { "not-an-identifier": 1 } }, "vars");
  invalid({ ...base, vars: { v: {} as unknown as string } }, "vars.v");
  invalid({ ...base, cachePrefix: "a/b" }, "cachePrefix");
  invalid({ ...base, cachePrefix: "" }, "cachePrefix");
  // The cache file rule (cacheFilePath), checked now rather than at the first cached submit.
  invalid({ ...base, cachePrefix: "my runs" }, "cachePrefix");
  invalid({ ...base, cachePrefix: ".hidden" }, "cachePrefix");
  invalid({ ...base, resources: { time: "1.5" } }, "time");
  invalid({ ...base, resources: { mem: "4Q" } }, "mem");
  invalid({ ...base, resources: { nodes: 0 } }, "nodes");
  invalid({ ...base, resources: { queue: "a\nb" } }, "queue");
  invalid(null as unknown as JobScriptOptions, "options");
});

Deno.test("object options must be objects; defaults and with() merge them key by key", () => {
  invalid(
    { name: "a", body: "", resources: "nodes=1" as unknown as Record<string, never> },
    "resources",
  );
  invalid({ name: "a", body: "", vars: [1] as unknown as Record<string, never> }, "vars");
  invalid(
    { name: "a", body: "", auxScripts: null as unknown as Record<string, never> },
    "auxScripts",
  );
  const job = new JobScript({
    defaults: {
      attributes: { auxScripts: { "a.sh": "echo a" }, vars: { x: 1 } },
      resources: { queue: "q" },
    },
    name: "j",
    body: "",
    auxScripts: { "b.sh": "echo b" },
    vars: { y: 2 },
    resources: { nodes: 1 },
  });
  assert.deepEqual(job.auxScripts, { "a.sh": "echo a", "b.sh": "echo b" });
  assert.deepEqual(job.vars, { x: 1, y: 2 });
  assert.deepEqual(job.resourcesInput, { queue: "q", nodes: 1 });
  assert.deepEqual(job.with({ auxScripts: { "a.sh": "echo A" } }).auxScripts, {
    "a.sh": "echo A",
    "b.sh": "echo b",
  });
});

Deno.test("shell must be an absolute path of safe characters, with plain arguments", () => {
  const base = { name: "a", body: "true" };
  for (
    const shell of ["/bin/sh", "/bin/bash -l", "/usr/bin/env python3", "/opt/my-sh_1.2/bin/zsh"]
  ) {
    assert.ok(new JobScript({ ...base, shell }).render().startsWith(`#!${shell}\n`), shell);
  }
  const bad = [
    "#!$(touch x)",
    "#!/bin/bash",
    "bash",
    "/bin/bash; rm -rf ~",
    "/bin/$(id)",
    "/bin/`id`",
    "/bin/bash  -l",
    "/bin/bash ",
    " /bin/bash",
    "/bin/b ash\t-l",
    "",
  ];
  for (const shell of bad) {
    const error = invalid({ ...base, shell }, "shell");
    assert.ok(
      error.message.startsWith(
        `Invalid value for "shell": ${JSON.stringify(shell)}; expected an absolute path`,
      ),
      error.message,
    );
  }
});

Deno.test("path attributes refuse control characters, naming the field", () => {
  const base = { name: "a", body: "true" };
  for (const field of ["rootdir", "workdir", "filename", "cacheFolder"] as const) {
    for (const bad of ["a\nb", "a\0b", "a\tb", "a\u001b[2Jb", "a\rb", "a\u007fb"]) {
      const error = invalid({ ...base, [field]: bad }, field);
      assert.ok(error.message.startsWith(`Invalid value for "${field}": ${JSON.stringify(bad)}; `));
      assert.match(error.message, /control characters/);
    }
  }
  invalid({ ...base, auxScripts: { "a\tb": "x" } }, "auxScripts");
  // Spaces, quotes, $ and backticks are characters a path may hold.
  const job = new JobScript({ ...base, rootdir: "/scratch/my 'runs'", workdir: "$(touch x)`id`" });
  assert.equal(job.workingDirectory(), "/scratch/my 'runs'/$(touch x)`id`");
});

Deno.test("an unknown option near a real one says did you mean", () => {
  const base = { name: "a", body: "true" };
  const cases: Array<[string, string[]]> = [
    ["worksdir", ["workdir"]],
    ["work_dir", ["workdir"]],
    ["cache_folder", ["cacheFolder"]],
    ["resource", ["resources"]],
    ["prolog", ["prologue"]],
    ["Strict", ["strict"]],
  ];
  for (const [key, suggestions] of cases) {
    const error = invalid({ ...base, [key]: "x" } as unknown as JobScriptOptions, "options");
    assert.ok(error instanceof MisspelledKeyError, key);
    assert.deepEqual(error.suggestions, suggestions, key);
    assert.ok(
      error.message.startsWith(
        `Invalid value for "options": ${JSON.stringify(key)}; did you mean ${
          JSON.stringify(suggestions[0])
        }? Expected one of name, body, `,
      ),
      error.message,
    );
  }
  // Far from every option: the plain error, listing them.
  const error = invalid({ ...base, colour: "blue" } as unknown as JobScriptOptions, "options");
  assert.ok(!(error instanceof MisspelledKeyError));
});

Deno.test("an unknown placeholder names the script it is in", async () => {
  const job = new JobScript({
    name: "a",
    body: "echo {name}",
    prologue: "rsync -a {workdir:q}/ {remote}:{rootdir:q}",
    epilogue: "echo {nosuch}",
    auxScripts: { "helper.sh": "echo\necho {cacheFolder:q}" },
    resources: { x: null },
  });
  const cases: Array<[() => unknown, string, string, string]> = [
    [
      () => job.renderScript(job.prologue, "prologue"),
      "prologue",
      "remote",
      "in the prologue, line 1",
    ],
    [
      () => job.renderScript(job.epilogue, "epilogue"),
      "epilogue",
      "nosuch",
      "in the epilogue, line 1",
    ],
    [
      () => job.renderAuxScripts(),
      "auxScripts.helper.sh",
      "cacheFolder",
      'in aux script "helper.sh", line 2',
    ],
    [() => job.with({ body: "{x}" }).render(), "body", "x", "in the body, line 1"],
  ];
  for (const [render, script, placeholder, where] of cases) {
    assert.throws(
      render,
      (error) =>
        error instanceof TemplateError && error.script === script &&
        error.placeholder === placeholder && error.message.includes(`" ${where}: `),
      script,
    );
  }
  assert.throws(
    () => job.renderScript(job.prologue),
    /"\{remote\}" in the script, line 1: the job attribute "remote" is not set; /,
  );
  assert.throws(
    () => job.with({ body: "{x}" }).render(),
    /the resource "x" is null, which gives it no value/,
  );
  assert.throws(
    () => job.renderScript(job.epilogue, "epilogue"),
    /"\{nosuch\}" in the epilogue, line 1: no resource, job attribute or var has that name; /,
  );
  // Submission renders every script first: the plan's error names the script too.
  const { planSubmission } = await import("../../../src/job/plan_submission.ts");
  await assert.rejects(
    planSubmission(job),
    (error) => error instanceof TemplateError && error.script === "auxScripts.helper.sh",
  );
  await assert.rejects(
    planSubmission(job.with({ auxScripts: { "helper.sh": "true" } })),
    (error) => error instanceof TemplateError && error.script === "prologue",
  );
});
