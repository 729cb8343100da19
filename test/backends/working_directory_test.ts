// Where each backend starts a job: in the directory its submit command runs in, which is the
// job's rootdir/workdir (the plan runs the submit command there). No backend writes the path
// itself into the script: it may be relative (the default "."), start with "~" or hold spaces,
// and none of the directive parsers would expand or keep that as the transport does.
import assert from "node:assert/strict";
import { lsf } from "../../backends/lsf.ts";
import { pbs } from "../../backends/pbs.ts";
import { pbspro } from "../../backends/pbspro.ts";
import { sge } from "../../backends/sge.ts";
import { slurm } from "../../backends/slurm.ts";
import type { Backend } from "../../src/core/backend.ts";
import { InvalidValueError } from "../../src/core/errors.ts";
import type { Resources } from "../../src/core/resources.ts";
import { JobScript } from "../../src/job/job_script.ts";

const base: Resources = { name: "job", extra: [], interpreter: "/bin/bash" };

/** The header lines of a job whose workdir has spaces under a `~` root. */
function renderedHeaders(backend: Backend, body = "true"): string[] {
  // Markers off: their prelude follows the headers (test/src/core/markers_test.ts).
  const job = new JobScript({
    name: "w",
    body,
    backend,
    rootdir: "~/my runs",
    workdir: "case 1",
    markers: false,
  });
  const script = job.render();
  assert.ok(!script.includes("my runs") && !script.includes("case 1"), script);
  return script.split("\n").slice(1, -2);
}

Deno.test("slurm: no --chdir, sbatch starts the job in its own directory; a user's chdir passes", () => {
  assert.ok(!renderedHeaders(slurm).some((line) => /chdir|-D\b/.test(line)));
  assert.deepEqual(slurm.renderHeaders({ ...base, extra: [["chdir", "/scratch/x"]] }), [
    "#SBATCH --job-name=job",
    "#SBATCH --chdir=/scratch/x",
  ]);
});

Deno.test("pbs: #PBS -d . after the output files, before pass-through keys (a user's -d wins)", () => {
  assert.equal(renderedHeaders(pbs).at(-1), "#PBS -d .");
  assert.deepEqual(
    pbs.renderHeaders({ ...base, stdout: "o", extra: [["-d", "/scratch/x"], ["V", true]] }),
    ["#PBS -N job", "#PBS -o o", "#PBS -d .", "#PBS -d /scratch/x", "#PBS -V"],
  );
});

Deno.test("pbspro: cd to PBS_O_WORKDIR is the last header line, after every directive", () => {
  assert.equal(renderedHeaders(pbspro).at(-1), 'cd "$PBS_O_WORKDIR" || exit 1');
  assert.deepEqual(pbspro.renderHeaders({ ...base, stdout: "o", extra: [["-j", "oe"]] }), [
    "#PBS -N job",
    "#PBS -o o",
    "#PBS -j oe",
    'cd "$PBS_O_WORKDIR" || exit 1',
  ]);
  // Every directive comes before it: qsub stops reading them at the first command.
  const job = new JobScript({
    name: "a",
    body: "echo hi",
    backend: pbspro,
    resources: { time: 5 },
  });
  const lines = job.render().split("\n");
  const cd = lines.indexOf('cd "$PBS_O_WORKDIR" || exit 1');
  assert.ok(cd > 0 && lines.slice(cd + 1).every((line) => !line.startsWith("#PBS")), job.render());
});

Deno.test("pbspro: shells run the cd; a script of another program is refused with a typed error", () => {
  for (
    const shell of ["/bin/sh", "/bin/bash", "/usr/bin/zsh", "/bin/ksh", "/bin/tcsh", undefined]
  ) {
    const resources: Resources = { ...base };
    if (shell === undefined) delete resources.interpreter;
    else resources.interpreter = shell;
    assert.equal(pbspro.renderHeaders(resources).at(-1), 'cd "$PBS_O_WORKDIR" || exit 1', shell);
  }
  assert.throws(
    () => new JobScript({ name: "py", body: "#!/usr/bin/python3\nprint(1)", backend: pbspro }),
    (error) =>
      error instanceof InvalidValueError && error.field === "interpreter" &&
      error.value === "/usr/bin/python3" && /PBS_O_WORKDIR/.test(error.message),
  );
  // An interpreter with arguments is not known to the backend: taken for a shell.
  const env = new JobScript({
    name: "b",
    body: "#!/usr/bin/env bash\necho",
    backend: pbspro,
    markers: false,
  });
  assert.match(env.render(), /\ncd "\$PBS_O_WORKDIR" \|\| exit 1\necho\n$/);
  // The other backends start such a script in the workdir without a shell line.
  for (const backend of [slurm, pbs, lsf, sge]) {
    assert.doesNotThrow(() =>
      new JobScript({ name: "py", body: "#!/usr/bin/python3\n1", backend })
    );
  }
});

Deno.test("lsf: #BSUB -cwd . after the output files, before pass-through keys (a user's cwd wins)", () => {
  assert.equal(renderedHeaders(lsf).at(-1), "#BSUB -cwd .");
  assert.deepEqual(lsf.renderHeaders({ ...base, stderr: "e", extra: [["cwd", "/scratch/%J"]] }), [
    "#BSUB -J job",
    "#BSUB -e e",
    "#BSUB -cwd .",
    "#BSUB -cwd /scratch/%J",
  ]);
});

Deno.test("sge: #$ -cwd last, once, whatever the pass-through keys say", () => {
  assert.equal(renderedHeaders(sge).at(-1), "#$ -cwd");
  const lines = sge.renderHeaders({ ...base, extra: [["cwd", true], ["-cwd", true]] });
  assert.deepEqual(lines.filter((line) => line.includes("cwd")), ["#$ -cwd"]);
  assert.equal(lines.at(-1), "#$ -cwd");
});
