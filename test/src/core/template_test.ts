import assert from "node:assert/strict";
import type { CoreVariable } from "../../../src/core/backend.ts";
import { renderTemplate, TemplateError } from "../../../src/core/template.ts";

// Test-local tables: one with variable names only, one with a command (as PBS's nodelist).
const NAMES: Record<CoreVariable, string> = {
  CLUSTERJOB_ID: "SLURM_JOB_ID",
  CLUSTERJOB_WORKDIR: "SLURM_SUBMIT_DIR",
  CLUSTERJOB_SUBMIT_HOST: "SLURM_SUBMIT_HOST",
  CLUSTERJOB_NAME: "SLURM_JOB_NAME",
  CLUSTERJOB_NODELIST: "SLURM_JOB_NODELIST",
  CLUSTERJOB_ARRAY_INDEX: "SLURM_ARRAY_TASK_ID",
};
const WITH_COMMAND: Record<CoreVariable, string> = {
  ...NAMES,
  CLUSTERJOB_ID: "PBS_JOBID",
  CLUSTERJOB_NODELIST: "`cat $PBS_NODEFILE`",
};

function render(
  text: string,
  values: Record<string, string> = {},
  envVars: Record<CoreVariable, string> = NAMES,
): string {
  return renderTemplate(text, {
    envVars,
    lookup: (name) => Object.hasOwn(values, name) ? values[name] : undefined,
  });
}

function templateError(text: string, values: Record<string, string> = {}, envVars = NAMES) {
  try {
    render(text, values, envVars);
  } catch (error) {
    assert.ok(error instanceof TemplateError, String(error));
    return error;
  }
  assert.fail(`render(${JSON.stringify(text)}) did not throw`);
}

Deno.test("renderTemplate() translates every core variable in both forms", () => {
  const text = [
    "$CLUSTERJOB_ID ${CLUSTERJOB_ID}",
    "$CLUSTERJOB_WORKDIR ${CLUSTERJOB_WORKDIR}",
    "$CLUSTERJOB_SUBMIT_HOST ${CLUSTERJOB_SUBMIT_HOST}",
    "$CLUSTERJOB_NAME ${CLUSTERJOB_NAME}",
    "$CLUSTERJOB_NODELIST ${CLUSTERJOB_NODELIST}",
    "$CLUSTERJOB_ARRAY_INDEX ${CLUSTERJOB_ARRAY_INDEX}",
  ].join("\n");
  assert.equal(
    render(text),
    [
      "$SLURM_JOB_ID ${SLURM_JOB_ID}",
      "$SLURM_SUBMIT_DIR ${SLURM_SUBMIT_DIR}",
      "$SLURM_SUBMIT_HOST ${SLURM_SUBMIT_HOST}",
      "$SLURM_JOB_NAME ${SLURM_JOB_NAME}",
      "$SLURM_JOB_NODELIST ${SLURM_JOB_NODELIST}",
      "$SLURM_ARRAY_TASK_ID ${SLURM_ARRAY_TASK_ID}",
    ].join("\n"),
  );
});

Deno.test("renderTemplate() uses a command target as is for both forms", () => {
  assert.equal(
    render(
      "hosts=$CLUSTERJOB_NODELIST; h=${CLUSTERJOB_NODELIST}; id=$CLUSTERJOB_ID",
      {},
      WITH_COMMAND,
    ),
    "hosts=`cat $PBS_NODEFILE`; h=`cat $PBS_NODEFILE`; id=$PBS_JOBID",
  );
});

Deno.test("renderTemplate() leaves longer names and other variables alone", () => {
  const text = "$CLUSTERJOB_IDX ${CLUSTERJOB_IDX} $CLUSTERJOB_ID_2 $CLUSTERJOB_ $HOME $1 $$ $ \\$x";
  assert.equal(render(text), text);
});

Deno.test("renderTemplate() ends a plain variable at the first non-name character", () => {
  assert.equal(
    render('echo "$CLUSTERJOB_ID".out $CLUSTERJOB_ID/x $CLUSTERJOB_ID-1 $CLUSTERJOB_ID'),
    'echo "$SLURM_JOB_ID".out $SLURM_JOB_ID/x $SLURM_JOB_ID-1 $SLURM_JOB_ID',
  );
});

Deno.test("renderTemplate() translates core variables inside parameter expansions", () => {
  assert.equal(
    render("${OUT:-$CLUSTERJOB_ID} ${CLUSTERJOB_ID:-none} ${X:-${CLUSTERJOB_NAME}}"),
    "${OUT:-$SLURM_JOB_ID} ${SLURM_JOB_ID:-none} ${X:-${SLURM_JOB_NAME}}",
  );
});

Deno.test("renderTemplate() refuses an operator on a core variable given as a command", () => {
  const error = templateError("ok\n${CLUSTERJOB_NODELIST:-x}", {}, WITH_COMMAND);
  assert.equal(error.line, 2);
  assert.equal(error.placeholder, "${CLUSTERJOB_NODELIST");
  assert.match(error.message, /on line 2: .*`cat \$PBS_NODEFILE`/);
});

Deno.test("renderTemplate() expands {identifier} placeholders", () => {
  assert.equal(
    render("cd {rootdir}/{workdir} && run {n_trajs} {_x1}", {
      rootdir: "~/jobs",
      workdir: "run1",
      n_trajs: "100",
      _x1: "y",
    }),
    "cd ~/jobs/run1 && run 100 y",
  );
});

Deno.test("renderTemplate() turns {{ and }} into literal braces", () => {
  assert.equal(render("{{name}} {{ }} }}{{", { name: "x" }), "{name} { } }{");
  assert.equal(render("{{{name}}}", { name: "x" }), "{x}");
});

Deno.test("renderTemplate() passes shell braces through untouched", () => {
  const shell = [
    'echo "${HOME}" ${CLUSTERJOB_IDX} ${#array[@]} ${!ref} ${a:-${b}} ${x/{y}/z}',
    "awk '{print $1}' file",
    "f() { echo; }",
    "for i in {1..3}; do echo {a,b}; done",
    "{ } {} {1} {-A} {a b} {name",
    "find . -exec rm {} \\;",
  ].join("\n");
  assert.equal(render(shell), shell);
});

Deno.test("renderTemplate() does not expand placeholders inside ${...}", () => {
  assert.equal(render("${X:-{name}} {name}", { name: "v" }), "${X:-{name}} v");
});

Deno.test("renderTemplate() does not re-expand substituted values", () => {
  assert.equal(
    render("{a} {b}", { a: "{b}", b: "$CLUSTERJOB_ID {{x}}" }),
    "{b} $CLUSTERJOB_ID {{x}}",
  );
});

Deno.test("renderTemplate() names an unknown placeholder and its line", () => {
  const error = templateError("#!/bin/bash\necho ok\n\necho {nosuch}\n", { known: "x" });
  assert.equal(error.placeholder, "nosuch");
  assert.equal(error.line, 4);
  assert.equal(
    error.message,
    'Cannot render placeholder "{nosuch}" on line 4: no resource, job attribute or var has that name; ' +
      'give it a value (a resource, a job attribute or one of "vars"), or write "{{nosuch}}" for literal braces',
  );
});

Deno.test("renderTemplate() does not treat prototype names as core variables", () => {
  assert.equal(render("$constructor ${toString} {{x}}"), "$constructor ${toString} {x}");
  assert.equal(templateError("{constructor}").placeholder, "constructor");
});

Deno.test("renderTemplate() keeps line structure, empty lines and a trailing newline", () => {
  assert.equal(render("\n\na\n\n"), "\n\na\n\n");
  assert.equal(render(""), "");
});

Deno.test("renderTemplate() quotes {name:q} as one POSIX shell word", () => {
  const values = {
    plain: "run1",
    space: "my run",
    subst: "$(touch x)",
    quote: "it's",
    home: "~/jobs",
    homeSpace: "~/my jobs",
    empty: "",
  };
  assert.equal(
    render(
      "{plain:q} {space:q} {subst:q} {quote:q} {home:q} {homeSpace:q} {empty:q} {space}",
      values,
    ),
    `run1 'my run' '$(touch x)' 'it'\\''s' ~/jobs ~/'my jobs' '' my run`,
  );
  // The quoted text is not scanned again: braces and $ in a value stay as they are.
  assert.equal(render("{a:q}", { a: "{b} $CLUSTERJOB_ID" }), "'{b} $CLUSTERJOB_ID'");
});

Deno.test("renderTemplate() leaves {name:other} and {{name:q}} as written", () => {
  assert.equal(render("{a:b} {a:Q} {a:qq} {{a:q}}", { a: "x" }), "{a:b} {a:Q} {a:qq} {a:q}");
  assert.equal(render("${a:q} {a:q}", { a: "x" }), "${a:q} x");
});

Deno.test("renderTemplate() names the script an unknown placeholder is in, and why", () => {
  const context = (script?: string) => ({
    envVars: NAMES,
    lookup: () => undefined,
    ...(script === undefined ? {} : { script }),
    unset: (name: string) =>
      name === "remote" ? 'the job attribute "remote" is not set' : undefined,
  });
  const cases: Array<[string | undefined, string]> = [
    ["body", "in the body, line 2"],
    ["prologue", "in the prologue, line 2"],
    ["epilogue", "in the epilogue, line 2"],
    ["auxScripts.helper.sh", 'in aux script "helper.sh", line 2'],
    [undefined, "on line 2"],
  ];
  for (const [script, where] of cases) {
    assert.throws(
      () => renderTemplate("echo\nrsync {remote:q}", context(script)),
      (error) =>
        error instanceof TemplateError && error.placeholder === "remote" &&
        error.script === script && error.line === 2 &&
        error.message ===
          `Cannot render placeholder "{remote:q}" ${where}: the job attribute "remote" is not set; ` +
            'give it a value (a resource, a job attribute or one of "vars"), or write "{{remote}}" for literal braces',
    );
  }
  assert.throws(
    () =>
      renderTemplate("${CLUSTERJOB_NODELIST:-x}", {
        ...context("epilogue"),
        envVars: WITH_COMMAND,
      }),
    (error) =>
      error instanceof TemplateError && error.script === "epilogue" &&
      error.message.startsWith(
        'Cannot translate "${CLUSTERJOB_NODELIST" with an operator in the epilogue, line 1: ',
      ),
  );
});
