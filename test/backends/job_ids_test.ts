// Each backend's job id grammar: derived from what its parseJobId returns (every successful
// submit in the real transcripts parses to an id of the grammar), strict about everything else,
// and enforced by the command builders and validateBackend.

import assert from "node:assert/strict";
import {
  type Backend,
  BackendError,
  builtinBackends,
  InvalidJobIdError,
  isValidJobId,
  lsf,
  pbs,
  pbspro,
  sge,
  slurm,
  SubmitError,
  validateBackend,
} from "../../mod.ts";
import { capturedOutput } from "../_backend_fixtures.ts";

const ACCEPTED: Record<string, string[]> = {
  slurm: ["1", "7", "1234", "99999999"],
  pbs: [
    "0.server",
    "1",
    "123.server",
    "123[].server",
    "123[4].server",
    "548.moab.example.com",
    "7[]",
  ],
  pbspro: ["1234.pbsserver", "12[].pbsserver", "12[3].pbsserver", "0.pbs", "41"],
  lsf: ["1", "1234", "1234[5]"],
  sge: ["1", "21", "1234"],
};

const REFUSED: Record<string, string[]> = {
  slurm: ["0", "007", "12_3", "12_[1-3]", "12+0", "12.batch", "12;cluster", "12.server"],
  pbs: ["0", "-1.server", "12.ser ver", "12.*", "12[*].server", "all", "x.server", "12]"],
  pbspro: ["0", "all", "12[", "12.server;id"],
  lsf: ["0", "01", "12[]", "12[1-3]", "12.server", "-J"],
  sge: ["0", "12.1", "12.1-3:1", "12[]", "12.server", "*", "-u"],
};

for (const backend of builtinBackends.list()) {
  Deno.test(`${backend.name}: the job id grammar accepts its scheduler's ids and nothing else`, () => {
    assert.ok(backend.jobIdGrammar, "every built-in backend declares its grammar");
    assert.equal(validateBackend(backend), backend);
    for (const id of ACCEPTED[backend.name]!) {
      assert.ok(isValidJobId(backend, id), `${backend.name} accepts ${id}`);
      assert.deepEqual(backend.cancelCommand([id]).at(-1), id);
    }
    for (const id of REFUSED[backend.name]!) {
      assert.ok(!isValidJobId(backend, id), `${backend.name} refuses ${JSON.stringify(id)}`);
      assert.throws(() => backend.cancelCommand([id]), InvalidJobIdError);
      assert.throws(
        () => backend.statusCommands([ACCEPTED[backend.name]![0]!, id]),
        InvalidJobIdError,
      );
      assert.throws(() => backend.accountingCommands([id]), InvalidJobIdError);
    }
  });
}

/** Every successful submit of the real transcripts, with the backend that reads it. */
async function realSubmits(): Promise<Array<{ backend: Backend; stem: string; argv: string[] }>> {
  const found: Array<{ backend: Backend; stem: string; argv: string[] }> = [];
  const folders: Array<[string, Backend, RegExp]> = [
    ["slurm", slurm, /^sbatch --parsable\b/],
    ["sge", sge, /^qsub -terse\b/],
    ["pbs-wrappers", pbs, /^qsub\b/],
  ];
  for (const [folder, backend, command] of folders) {
    const root = new URL(`../fixtures/real-outputs/${folder}/`, import.meta.url);
    for await (const entry of Deno.readDir(root)) {
      if (!entry.name.endsWith(".cmd")) continue;
      const cmd = (await Deno.readTextFile(new URL(entry.name, root))).trim();
      const line = cmd.split("\n").find((part) => command.test(part.trim()));
      if (line === undefined) continue;
      found.push({ backend, stem: entry.name.slice(0, -4), argv: line.trim().split(/\s+/) });
    }
  }
  return found;
}

Deno.test("every id parsed from a real submit transcript is of its backend's grammar", async () => {
  let parsed = 0;
  for (const { backend, stem, argv } of await realSubmits()) {
    const folder = backend === slurm ? "slurm" : backend === sge ? "sge" : "pbs-wrappers";
    const output = await capturedOutput(`real-outputs/${folder}`, stem);
    try {
      const id = backend.parseJobId(output, argv);
      assert.ok(isValidJobId(backend, id), `${stem}: ${id}`);
      parsed++;
    } catch (error) {
      // A refused submission (or a command whose answer carries no id): never a grammar failure.
      assert.ok(error instanceof SubmitError && !(error instanceof InvalidJobIdError), `${stem}`);
    }
  }
  assert.ok(parsed >= 10, `${parsed} ids parsed`);
});

Deno.test("parseJobId refuses an answer whose id is not of the grammar, naming the command", () => {
  const answer = (stdout: string) => ({ code: 0, stdout, stderr: "" });
  const cases: Array<[Backend, string]> = [
    [slurm, "0\n"],
    [slurm, "0;cluster\n"],
    [pbs, "0\n"],
    [pbspro, "0\n"],
    [lsf, "Job <0> is submitted to queue <normal>.\n"],
    [sge, "0\n"],
    [sge, 'Your job 0 ("x") has been submitted\n'],
  ];
  for (const [backend, stdout] of cases) {
    const argv = backend.submitCommand("x.job").argv;
    assert.throws(() => backend.parseJobId(answer(stdout), argv), (error: unknown) => {
      assert.ok(error instanceof InvalidJobIdError, `${backend.name} ${stdout}: ${error}`);
      assert.equal(error.scheduler, backend.name);
      assert.equal(error.source, `the output of "${argv.join(" ")}"`);
      assert.ok(error.message.includes(error.source));
      return true;
    });
  }
});

Deno.test("validateBackend checks a declared jobIdGrammar", () => {
  const bad = (jobIdGrammar: unknown) => () =>
    validateBackend({ ...slurm, name: "mine", jobIdGrammar } as unknown as Backend);
  for (
    const grammar of [
      /^\d+$/,
      { pattern: "^\\d+$", description: "digits" },
      { pattern: /\d+/, description: "unanchored" },
      { pattern: /^\d+$/g, description: "global" },
      { pattern: /^\d+$/, description: " " },
      null,
    ]
  ) {
    assert.throws(
      bad(grammar),
      (error) => error instanceof BackendError && /jobIdGrammar/.test(error.message),
    );
  }
  const mine = {
    ...slurm,
    name: "mine",
    jobIdGrammar: { pattern: /^j\d+$/, description: "j and digits" },
  };
  assert.equal(validateBackend(mine), mine);
  const { jobIdGrammar: _, ...without } = slurm;
  assert.equal(validateBackend({ ...without, name: "plain" }).name, "plain");
});
