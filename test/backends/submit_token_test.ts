// Token lookups (backends/_submit_token.ts) read on real outputs: what each scheduler lists and
// for how long its listing proves a token absent.

import assert from "node:assert/strict";
import { builtinBackends, type CommandOutput, QueryError, type TokenQuery } from "../../mod.ts";

const REAL = new URL("../fixtures/real-outputs/", import.meta.url);
const TOKEN = "cj-00112233445566778899aabb";
const QUERY: TokenQuery[] = [{ token: TOKEN, name: "ok" }];

async function recorded(path: string): Promise<CommandOutput> {
  const read = (ext: string) => Deno.readTextFile(new URL(`${path}.${ext}`, REAL));
  return { code: Number(await read("rc")), stdout: await read("out"), stderr: await read("err") };
}

function lookup(scheduler: string, output: CommandOutput) {
  return builtinBackends.get(scheduler).submitToken!.parseLookup(output, QUERY);
}

Deno.test("slurm: squeue with no jobs proves absence for MinJobAge; the comment names the job", async () => {
  const empty = lookup("slurm", await recorded("slurm/008-squeue-h-with-no-jobs"));
  assert.deepEqual([empty.jobIds.size, empty.completeForMs], [0, 300_000]);
  const listed = { code: 0, stdout: `5|(null)\n6_[1-3]|${TOKEN}\n7|${TOKEN}\n`, stderr: "" };
  assert.equal(lookup("slurm", listed).jobIds.get(TOKEN), "6");
  const down = await recorded("slurm/155-squeue-while-slurmctld-is-down");
  assert.throws(() => lookup("slurm", down), QueryError);
});

Deno.test("pbspro: the token in a wrapped Variable_List; history shown by an F job proves absence", async () => {
  const running = await recorded("openpbs/024-qstat-f-running-queued-jobs");
  assert.deepEqual(
    [lookup("pbspro", running).jobIds.size, lookup("pbspro", running).completeForMs],
    [0, 0],
  );
  // The token as qsub -v stores it, wrapped mid-word at the first job's line break.
  const stdout = running.stdout.replace(
    "PBS_O_HOST=vm-pbs\n",
    `PBS_O_HOST=vm-pbs,CLUSTERJOB_TO\n\tKEN=${TOKEN}\n`,
  );
  assert.equal(lookup("pbspro", { ...running, stdout }).jobIds.get(TOKEN), "41.vm-pbs");
  const finished = lookup("pbspro", await recorded("openpbs/045-qstat-x-f-finished-exit-0"));
  assert.equal(finished.completeForMs, 14 * 24 * 3600 * 1000);
});

Deno.test("torque: qstat -f lists completed jobs for keep_completed", async () => {
  const listing = await recorded("torque/020-qstat-f-running-queued-held-jobs");
  const found = lookup("pbs", listing);
  assert.deepEqual([found.jobIds.size, found.completeForMs], [0, 300_000]);
});

Deno.test("sge: qstat -j by name; jobs that do not exist are no failure, but prove nothing", async () => {
  const missing = lookup("sge", await recorded("sge/017-qstat-j-FINISHED-job"));
  assert.deepEqual([missing.jobIds.size, missing.completeForMs], [0, 0]);
  const running = await recorded("sge/037-qstat-j-RUNNING");
  const stdout = running.stdout.replace(
    /^binding:/m,
    `context:                    CLUSTERJOB_TOKEN=${TOKEN}\nbinding:`,
  );
  assert.equal(lookup("sge", { ...running, stdout }).jobIds.get(TOKEN), "10");
  assert.equal(lookup("sge", running).jobIds.size, 0);
  const down = await recorded("sge/113-qstat-j-while-qmaster-is-down");
  assert.throws(() => lookup("sge", down), QueryError);
  assert.deepEqual(
    builtinBackends.get("sge").submitToken!.lookupCommand([
      { token: TOKEN, name: "a" },
      { token: TOKEN, name: "b,c" },
      { token: TOKEN, name: "a" },
    ]),
    ["qstat", "-j", "a"],
  );
});

Deno.test("lsf: bjobs -a with no job at all proves absence for CLEAN_PERIOD", () => {
  const none = lookup("lsf", { code: 255, stdout: "", stderr: "No job found\n" });
  assert.deepEqual([none.jobIds.size, none.completeForMs], [0, 3_600_000]);
  const listed = { code: 0, stdout: `101|-\n102|${TOKEN}\n`, stderr: "" };
  assert.equal(lookup("lsf", listed).jobIds.get(TOKEN), "102");
  // OpenLava has no bjobs -o: the lookup fails, nothing is proven.
  const openlava = { code: 255, stdout: "", stderr: "bjobs: invalid option -- 'o'\n" };
  assert.throws(() => lookup("lsf", openlava), QueryError);
});

Deno.test("openlava: bjobs -a -l records; the description after the command, wrapped mid-word", async () => {
  const real = await recorded("openlava/026-bjobs-l-running");
  const openlava = builtinBackends.get("lsf").dialectFor!({
    code: 255,
    stdout: "",
    stderr: "bjobs: invalid option -- 'o'\n",
  })!.submitToken!;
  const none = openlava.parseLookup(real, QUERY);
  assert.deepEqual([none.jobIds.size, none.completeForMs], [0, 3_600_000]);
  // Where OpenLava prints -Jd (prtHeader), wrapped at 79 columns with 21 blanks as it wraps.
  const stdout = real.stdout.replace(
    "                     sleep 2>\n",
    `                     sleep 2>, Job Description <cj-00112233445566\n${
      " ".repeat(21)
    }778899aabb>\n`,
  );
  assert.equal(openlava.parseLookup({ ...real, stdout }, QUERY).jobIds.get(TOKEN), "104");
});

const TOKENS = new URL("../fixtures/tokens/", import.meta.url);

async function tokenCapture(name: string): Promise<CommandOutput> {
  const read = (ext: string) => Deno.readTextFile(new URL(`${name}.${ext}`, TOKENS));
  return { code: Number(await read("rc")), stdout: await read("out"), stderr: await read("err") };
}

Deno.test("real SLURM 22.05: squeue --me -t all shows the comment of a finished job", async () => {
  const found = lookup("slurm", await tokenCapture("slurm-squeue-me-comment"));
  assert.deepEqual([...found.jobIds], [[TOKEN, "1608"]]);
});

Deno.test("real SGE 8.1.9: qstat -j NAME shows the context; names that match nothing", async () => {
  const found = lookup("sge", await tokenCapture("sge-qstat-j-context"));
  assert.deepEqual([...found.jobIds], [[TOKEN, "395"]]);
  const none = lookup("sge", await tokenCapture("sge-qstat-j-no-such-name"));
  assert.deepEqual([none.jobIds.size, none.completeForMs], [0, 0]);
});
