// Golden renderings: every built-in backend × the parallel layouts of the Python clusterjob's Model docs page and the
// tutorial job. Run with UPDATE_GOLDEN=1 to rewrite test/golden/*.txt (then read every file).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Backend } from "../../src/core/backend.ts";
import { builtinBackends } from "../../backends/registry.ts";
import { createSgeBackend } from "../../backends/sge.ts";
import { InvalidValueError } from "../../src/core/errors.ts";
import { JobScript } from "../../src/job/job_script.ts";
import type { ResourcesInput } from "../../src/core/resources.ts";
import { tutorialJob } from "../../examples/tutorial.ts";

const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const BACKENDS = ["slurm", "pbs", "pbspro", "lsf", "sge"];

/** The layouts of the Python clusterjob's Model docs page on 32-core nodes. */
const LAYOUTS: Record<string, ResourcesInput> = {
  mpi: { nodes: 2, ppn: 32, threads: 1 }, // pure MPI, 64 processes
  openmp: { nodes: 1, ppn: 1, threads: 32 }, // one process, 32 threads
  hybrid: { nodes: 4, ppn: 2, threads: 16 }, // 8 processes × 16 threads
};

/** SGE needs a multi-node parallel environment for layouts on several nodes. */
const SGE_WITH_MPI = createSgeBackend({ mpiEnvironment: "mpi" });

function layoutJob(layout: string, backend: string | Backend): JobScript {
  return new JobScript({
    name: layout,
    backend,
    body: `
      export OMP_NUM_THREADS={threads}
      echo "$CLUSTERJOB_NAME ($CLUSTERJOB_ID) from $CLUSTERJOB_SUBMIT_HOST:$CLUSTERJOB_WORKDIR"
      echo "nodes: $CLUSTERJOB_NODELIST"
      mpirun ./simulate --input \${HOME}/{layout}.in
    `,
    resources: {
      queue: "batch",
      time: "1-02:00:00",
      mem: "64G",
      ...LAYOUTS[layout],
      stdout: `${layout}.out`,
      stderr: `${layout}.err`,
    },
    vars: { layout },
  });
}

function goldenUrl(name: string): URL {
  return new URL(`../golden/${name}.txt`, import.meta.url);
}

async function assertGolden(name: string, actual: string): Promise<void> {
  const url = goldenUrl(name);
  if (UPDATE) {
    await Deno.mkdir(new URL("../golden/", import.meta.url), { recursive: true });
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      assert.fail(`missing golden file ${fileURLToPath(url)}; run with UPDATE_GOLDEN=1`);
    }
    throw error;
  }
  assert.equal(actual, expected, `rendering differs from ${fileURLToPath(url)}`);
}

for (const backendName of BACKENDS) {
  for (const layout of Object.keys(LAYOUTS)) {
    Deno.test(`golden: ${backendName} renders the ${layout} layout`, async () => {
      const multiNode = (LAYOUTS[layout]?.nodes ?? 1) > 1;
      const backend = backendName === "sge" && multiNode ? SGE_WITH_MPI : backendName;
      await assertGolden(`${backendName}-${layout}`, layoutJob(layout, backend).render());
    });
  }
  Deno.test(`golden: ${backendName} renders the tutorial job`, async () => {
    await assertGolden(`${backendName}-tutorial`, tutorialJob(backendName).render());
  });
}

Deno.test("golden: every built-in backend is covered", () => {
  assert.deepEqual([...BACKENDS].sort(), builtinBackends.names());
});

Deno.test("SGE without an MPI parallel environment refuses multi-node layouts clearly", () => {
  for (const layout of ["mpi", "hybrid"]) {
    assert.throws(
      () => layoutJob(layout, "sge"),
      (error) =>
        error instanceof InvalidValueError && error.field === "nodes" &&
        /mpiEnvironment/.test(error.message),
    );
  }
  // A single node needs no MPI environment.
  assert.doesNotThrow(() => layoutJob("openmp", "sge"));
});
