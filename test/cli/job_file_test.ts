// Job files (cli/job_file.ts): the options they hold, and errors naming the file, key and line.

import assert from "node:assert/strict";
import { InputFileError, JOB_FILE_KEYS, parseJobFile } from "../../cli.ts";
import { JobScript, TemplateError } from "../../mod.ts";

const fails = (text: string): InputFileError => {
  try {
    parseJobFile(text, "job.yaml");
  } catch (error) {
    assert.ok(error instanceof InputFileError, String(error));
    return error;
  }
  assert.fail("no InputFileError");
};

Deno.test("parseJobFile() keeps the options as written, multi-line bodies included", () => {
  const file = parseJobFile(
    [
      "settings: ../cluster.yaml",
      "name: fit",
      "body: |",
      "  module load python",
      "  python fit.py {n}",
      "backend: lsf",
      "rootdir: ~/runs",
      "remote: ~", // null: not set
      "vars:",
      "  n: 3",
      "auxScripts:",
      "  helper.sh: |",
      "    echo help",
      "resources:",
      "  time: 10",
      "  exclusive: true",
      "",
    ].join("\n"),
    "job.yaml",
  );
  assert.equal(file.settings, "../cluster.yaml");
  assert.deepEqual(file.options, {
    name: "fit",
    body: "module load python\npython fit.py {n}\n",
    backend: "lsf",
    rootdir: "~/runs",
    vars: { n: 3 },
    auxScripts: { "helper.sh": "echo help\n" },
    resources: { time: 10, exclusive: true },
  });
  const job = new JobScript({ ...file.options, onWarning: () => {} });
  assert.ok(job.render().endsWith("module load python\npython fit.py 3\n"));
  assert.deepEqual(file.lineOf("vars.n"), 10);
  assert.deepEqual(file.lineOf("auxScripts.helper.sh"), 12);
  assert.deepEqual(file.lineOf("resources.exclusive"), 16);
  assert.deepEqual(file.lineOf("time"), 15);
});

Deno.test("parseJobFile() names the key and the line of what is wrong", () => {
  const cases: [string, string, string | undefined, number | undefined][] = [
    [
      "nmae: a\nbody: x\n",
      'unknown key "nmae"; expected one of ' + JOB_FILE_KEYS.join(", ") + '; did you mean "name"?',
      "nmae",
      1,
    ],
    [
      "name: a\nbody: x\nmem: 4G\n",
      'unknown key "mem": it is a resource; put it under "resources:"',
      "mem",
      3,
    ],
    [
      "name: a\nbody: x\nonWarning: x\n",
      'key "onWarning" cannot be set in a job file',
      "onWarning",
      3,
    ],
    ["name: a\nbody: x\nshell: bash\n", "", "shell", 3],
    [
      "name: a\nbody: x\nmaxSleepInterval: '60'\n",
      'attribute "maxSleepInterval" must be a number, not "60"',
      "maxSleepInterval",
      3,
    ],
    ["name: a\nbody: 3\n", "", "body", 2],
    [
      "name: a\nbody: x\nresources: 4\n",
      '"resources" must be a mapping of resource keys to values',
      "resources",
      3,
    ],
    ["name: a\nbody: x\nresources:\n  nodes: 0\n", "", "resources.nodes", 4],
    ["name: a\nbody: x\nresources:\n  memory: 4G\n", "", "resources.memory", 4],
    ["name: a\nbody: x\nvars:\n  a: 1\n  b c: 2\n", "", "vars.b c", 5],
    [
      "name: a\nbody: x\nsettings: 3\n",
      '"settings" must be the path of a settings file (relative to this file)',
      "settings",
      3,
    ],
    ["body: x\n", 'missing "name:"; a job file needs "name:" and "body:"', "name", undefined],
    ["", 'the file is empty; a job file needs at least "name:" and "body:"', undefined, undefined],
    [
      "- a\n- b\n",
      'expected a mapping of job options ("name:", "body:", "resources:", …)',
      undefined,
      undefined,
    ],
    ["name: a\nname: b\nbody: x\n", "", undefined, 2],
  ];
  for (const [text, problem, key, line] of cases) {
    const error = fails(text);
    if (problem !== "") {
      assert.equal(
        error.message,
        `Invalid job file job.yaml${line ? `, line ${line}` : ""}: ${problem}`,
      );
    }
    assert.deepEqual(
      [error.file, error.key, error.line],
      ["job.yaml", key, line],
      `${text}: ${error.message}`,
    );
    assert.equal(error.exitCode, 3);
  }
});

Deno.test("JobFile.explain() maps errors of building and rendering the job to the file's lines", () => {
  const file = parseJobFile(
    "name: a\nbody: |\n\n  echo ok\n  echo {nosuch}\nresources:\n  gpus: 2\n",
    "job.yaml",
  );
  const render = () => new JobScript(file.options).render();
  let thrown: unknown;
  try {
    render();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof TemplateError);
  const explained = file.explain(thrown);
  assert.ok(explained instanceof InputFileError);
  assert.deepEqual([explained.key, explained.line], ["body", 5]); // the body's line 2 (a blank line first)
  assert.match(
    explained.message,
    /^Invalid job file job\.yaml, line 5: cannot render placeholder "\{nosuch\}" in the body, line 2/,
  );
  const other = new Error("unrelated");
  assert.equal(file.explain(other), other);
});

Deno.test("parseJobFile() takes an array as a per-job option, checked by the option's own rule", () => {
  const file = parseJobFile(
    "name: sweep\nbody: echo $CLUSTERJOB_ARRAY_INDEX\narray: 1-10%2\n",
    "s.yaml",
  );
  assert.equal(file.options.array, "1-10%2");
  assert.deepEqual(new JobScript(file.options).array, {
    indices: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    maxParallel: 2,
  });
  const error = fails("name: sweep\nbody: echo\narray: 10-1\n");
  assert.match(error.message, /array/);
  assert.match(error.message, /line 3/);
});
