// Parser fixtures under test/fixtures/lsf/ are written from IBM Spectrum LSF 10.1 documented
// formats (no real LSF here): bsub's `Job <ID> is submitted to [default] queue <Q>.`, `bjobs -o
// "... delimiter='|'" -noheader` (one delimited line per job, `-` for empty fields), the job
// states of bjobs(1), the termination reasons (TERM_OWNER, TERM_RUNLIMIT) and the messages
// `Job <ID> is not found` and `LSF is down. Please wait ...`.
// The `bhist-*` fixtures follow `bhist -l` as IBM Spectrum LSF 10.1 prints it (see
// backends/_lsf_records.ts for the sources): a blank line and `Job <ID>, ...` per record, records
// separated by 78 dashes, event lines `Www Mmm dd hh:mm:ss: text`, lines cut at 79 columns and
// continued after a 21-column indent (26 when the time stamps carry the year), `No matching job
// found` on stdout with exit 255, and the event log path in a `perror` message.
import assert from "node:assert/strict";
import { lsf } from "../../backends/lsf.ts";
import { unwrapLines } from "../../backends/_lsf_records.ts";
import { InvalidValueError, QueryError, SubmitError } from "../../src/core/errors.ts";
import type { Resources } from "../../src/core/resources.ts";
import { Status } from "../../src/core/status.ts";
import { documentedOutput } from "../_backend_fixtures.ts";

const base: Resources = { name: "job", extra: [] };

Deno.test("lsf headers: every core key in LSF syntax", () => {
  assert.deepEqual(
    lsf.renderHeaders({
      name: "hello",
      queue: "normal",
      account: "proj",
      timeSeconds: 93784,
      nodes: 4,
      ppn: 2,
      threads: 16,
      memMB: 8192,
      gpus: 2,
      stdout: "out.%J",
      stderr: "err.%J",
      extra: [],
    }),
    [
      "#BSUB -J hello",
      "#BSUB -q normal",
      "#BSUB -P proj",
      "#BSUB -W 1564",
      "#BSUB -M 8GB",
      "#BSUB -n 128",
      '#BSUB -R "rusage[mem=8GB] span[ptile=32]"',
      '#BSUB -gpu "num=2"',
      "#BSUB -o out.%J",
      "#BSUB -e err.%J",
      "#BSUB -cwd .",
    ],
  );
});

Deno.test("lsf headers: layouts of the Python clusterjob's Model docs page, ptile spelled right, minutes rounded up", () => {
  const parallel = (resources: Partial<Resources>) =>
    lsf.renderHeaders({ ...base, ...resources }).slice(1, -1);
  assert.deepEqual(parallel({ nodes: 2, ppn: 32, threads: 1 }), [
    "#BSUB -n 64",
    '#BSUB -R "span[ptile=32]"',
  ]);
  assert.deepEqual(parallel({ nodes: 1, ppn: 1, threads: 32 }), [
    "#BSUB -n 32",
    '#BSUB -R "span[ptile=32]"',
  ]);
  assert.deepEqual(parallel({ nodes: 3 }), ["#BSUB -n 3", '#BSUB -R "span[ptile=1]"']);
  assert.deepEqual(parallel({ timeSeconds: 59 }), ["#BSUB -W 1"]);
  assert.deepEqual(parallel({ timeSeconds: 300 }), ["#BSUB -W 5"]);
  assert.deepEqual(parallel({ memMB: 100 }), ["#BSUB -M 100MB", '#BSUB -R "rusage[mem=100MB]"']);
  assert.ok(!lsf.renderHeaders({ ...base, nodes: 2 }).join("\n").includes("ptiles"));
});

Deno.test("lsf headers: pass-through keys get their dash (fixed)", () => {
  assert.deepEqual(
    lsf.renderHeaders({
      ...base,
      extra: [["P", "proj"], ["outdir", "/tmp/x"], ["-app", "big"], ["x", true], ["B", false], [
        "N",
        null,
      ], ["u", "me@example.org"]],
    }).slice(1),
    [
      "#BSUB -cwd .",
      "#BSUB -P proj",
      "#BSUB -outdir /tmp/x",
      "#BSUB -app big",
      "#BSUB -x",
      "#BSUB -u me@example.org",
    ],
  );
  assert.throws(
    () => lsf.renderHeaders({ ...base, extra: [["P", "a\rb"]] }),
    (error) => error instanceof InvalidValueError && error.field === "P",
  );
});

Deno.test("lsf envVars: LSF's own names, the submission host from LSB_SUB_HOST", () => {
  assert.deepEqual({ ...lsf.envVars }, {
    CLUSTERJOB_ID: "LSB_JOBID",
    CLUSTERJOB_WORKDIR: "LS_SUBCWD",
    CLUSTERJOB_SUBMIT_HOST: "LSB_SUB_HOST",
    CLUSTERJOB_NAME: "LSB_JOBNAME",
    CLUSTERJOB_NODELIST: "LSB_HOSTS",
    CLUSTERJOB_ARRAY_INDEX: "LSB_JOBINDEX",
  });
});

Deno.test("lsf submit: bsub reads the script on stdin; documented answers", async () => {
  assert.deepEqual(lsf.submitCommand("job.lsf"), { argv: ["bsub"], stdinScript: true });
  const argv = ["bsub"];
  const output = (stdout: string, code = 0, stderr = "") => ({ code, stdout, stderr });
  assert.equal(lsf.parseJobId(output(await documentedOutput("lsf", "bsub.out")), argv), "1234");
  assert.equal(
    lsf.parseJobId(output(await documentedOutput("lsf", "bsub-default-queue.out")), argv),
    "1235",
  );
  assert.equal(
    lsf.parseJobId(
      output("\u001b[31mWarning: noise\u001b[0m\nJob <77> is submitted to queue <short>.\n"),
      argv,
    ),
    "77",
  );
  const refused = await documentedOutput("lsf", "bsub-refused.err");
  assert.throws(
    () => lsf.parseJobId(output("", 255, refused), argv),
    (error) => error instanceof SubmitError && error.message.includes("Request aborted by esub"),
  );
  assert.throws(() => lsf.parseJobId(output("nothing useful\n"), argv), /no job id/);
});

Deno.test("lsf status: one bjobs -o for many ids", () => {
  assert.deepEqual(lsf.statusCommands(["1", "2"]), [{
    argv: [
      "bjobs",
      "-o",
      "jobid jobindex stat exit_code exit_reason delimiter='|'",
      "-noheader",
      "1",
      "2",
    ],
    ids: ["1", "2"],
  }]);
});

Deno.test("lsf status: every documented state", async () => {
  const stdout = await documentedOutput("lsf", "bjobs-o.out");
  const ids = Array.from({ length: 13 }, (_, index) => String(1234 + index));
  const result = lsf.parseStatus({ code: 0, stdout, stderr: "" }, ids);
  const status = (id: number) => result.get(String(id))?.status;
  assert.equal(status(1234), Status.RUNNING);
  assert.equal(status(1235), Status.PENDING);
  assert.deepEqual(result.get("1236"), { status: Status.COMPLETED, state: "DONE", exitCode: 0 });
  assert.deepEqual(result.get("1237"), { status: Status.FAILED, state: "EXIT", exitCode: 3 });
  assert.deepEqual(result.get("1238"), {
    status: Status.CANCELLED,
    state: "EXIT",
    exitCode: 130,
    reason: "TERM_OWNER: job killed by owner",
  });
  assert.equal(status(1239), Status.FAILED);
  assert.match(result.get("1239")?.reason ?? "", /^timeout: TERM_RUNLIMIT/);
  for (const id of [1240, 1241, 1242, 1245, 1246]) {
    assert.equal(status(id), Status.PENDING, `${id}`);
  }
  assert.equal(status(1243), Status.RUNNING);
  assert.equal(status(1244), Status.FAILED);
  // Exit 130 without a reason: interrupted as by bkill.
  const bare = lsf.parseStatus({ code: 0, stdout: "5|0|EXIT|130|-\n", stderr: "" }, ["5"]);
  assert.equal(bare.get("5")?.status, Status.CANCELLED);
});

Deno.test("lsf status: unknown ids absent; a down LSF or garbage is a query error", async () => {
  const notFound = await documentedOutput("lsf", "bjobs-not-found.err");
  assert.equal(lsf.parseStatus({ code: 255, stdout: "", stderr: notFound }, ["999"]).size, 0);
  const mixed = lsf.parseStatus({ code: 255, stdout: "1234|0|RUN|-|-\n", stderr: notFound }, [
    "1234",
    "999",
  ]);
  assert.deepEqual([...mixed.keys()], ["1234"]);
  const down = await documentedOutput("lsf", "bjobs-down.err");
  assert.throws(
    () => lsf.parseStatus({ code: 255, stdout: "", stderr: down }, ["1"]),
    (error) => error instanceof QueryError && error.message.includes("LSF is down"),
  );
  assert.throws(() => lsf.parseStatus({ code: 0, stdout: "", stderr: "" }, ["1"]), QueryError);
  assert.throws(
    () => lsf.parseStatus({ code: 0, stdout: "1 RUN normal\n", stderr: "" }, ["1"]),
    /Cannot parse bjobs line/,
  );
  assert.throws(
    () => lsf.parseStatus({ code: 0, stdout: "1|0|HUH|-|-\n", stderr: "" }, ["1"]),
    /Cannot parse LSF job state "HUH"/,
  );
});

Deno.test("lsf accounting: bhist -l -n 0 searches every event log file, chunked", () => {
  assert.deepEqual(lsf.accountingCommands(["1", "2"]), [{
    argv: ["bhist", "-l", "-n", "0", "1", "2"],
    ids: ["1", "2"],
  }]);
  const many = Array.from({ length: 20_000 }, (_, index) => String(100_000 + index));
  const chunks = lsf.accountingCommands(many);
  assert.ok(chunks.length > 1);
  assert.deepEqual(chunks.flatMap((chunk) => chunk.ids), many);
  for (const chunk of chunks) {
    assert.deepEqual(chunk.argv, ["bhist", "-l", "-n", "0", ...chunk.ids]);
    assert.ok(chunk.argv.join(" ").length <= 100_000);
  }
});

Deno.test("lsf accounting: every documented end in bhist -l, wrapped lines joined", async () => {
  const stdout = await documentedOutput("lsf", "bhist-l.out");
  const ids = Array.from({ length: 13 }, (_, index) => String(1234 + index));
  const result = lsf.parseAccounting({ code: 0, stdout, stderr: "" }, [...ids, "999"]);
  assert.deepEqual(result.get("1234"), { status: Status.COMPLETED, state: "DONE", exitCode: 0 });
  // The command echoes an event-like text; only real event lines count.
  assert.deepEqual(result.get("1235"), { status: Status.FAILED, state: "EXIT", exitCode: 3 });
  assert.deepEqual(result.get("1236"), {
    status: Status.CANCELLED,
    state: "EXIT",
    exitCode: 130,
    reason: "TERM_OWNER: job killed by owner",
  });
  // The TERM_RUNLIMIT line is cut in two ("...reaching" / " LSF run time limit.").
  assert.deepEqual(result.get("1237"), {
    status: Status.FAILED,
    state: "EXIT",
    exitCode: 140,
    reason: "timeout: TERM_RUNLIMIT: job killed after reaching LSF run time limit",
  });
  assert.deepEqual(result.get("1238"), {
    status: Status.FAILED,
    state: "EXIT",
    exitCode: 137,
    reason: "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit",
  });
  assert.deepEqual(result.get("1239"), { status: Status.RUNNING, state: "RUN" });
  assert.deepEqual(result.get("1240"), { status: Status.PENDING, state: "PEND" });
  assert.deepEqual(result.get("1241"), {
    status: Status.CANCELLED,
    state: "EXIT",
    reason: "TERM_ADMIN: job killed by root or LSF administrator",
  });
  // Array elements 1242[1] (done) and 1242[2] (exit 2) merge into the worst end.
  const { tasks, ...array } = result.get("1242")!;
  assert.deepEqual(array, { status: Status.FAILED, state: "EXIT", exitCode: 2 });
  // Each element is kept as a task of the array.
  assert.deepEqual([...tasks!.keys()], [1, 2]);
  // A signal that does not kill (USR1) is not a cancellation.
  assert.equal(result.get("1243")?.status, Status.COMPLETED);
  // Requeued after exit 1, then done: the last run counts.
  assert.deepEqual(result.get("1244"), { status: Status.COMPLETED, state: "DONE", exitCode: 0 });
  // bhist logs every kill request: a bare exit 130 is the script's own code.
  assert.deepEqual(result.get("1245"), { status: Status.FAILED, state: "EXIT", exitCode: 130 });
  assert.equal(result.has("999"), false);
  assert.equal(result.size, 12);
  // One element asked for by its own id.
  const element = lsf.parseAccounting({ code: 0, stdout, stderr: "" }, ["1242[1]"]);
  assert.deepEqual([...element.keys()], ["1242[1]"]);
  assert.equal(element.get("1242[1]")?.status, Status.COMPLETED);
});

Deno.test("lsf accounting: time stamps with the year and their 26-column indent", async () => {
  const stdout = await documentedOutput("lsf", "bhist-l-year.out");
  const result = lsf.parseAccounting({ code: 0, stdout, stderr: "" }, ["1131"]);
  assert.deepEqual(result.get("1131"), { status: Status.FAILED, state: "EXIT", exitCode: 1 });
});

Deno.test("lsf accounting: an unwrapped line is the text LSF cut", () => {
  const cut =
    "Job <5>, User <alice>, Project <default>, Command <#!/bin/bash;echo a very long l\n" +
    "                     ine>\n" +
    "Mon Nov 25 10:00:00: Submitted from host <login1>, to Queue <normal>, CWD <$HOM\n" +
    "                     E>;\n";
  assert.deepEqual(unwrapLines(cut).slice(0, 2), [
    "Job <5>, User <alice>, Project <default>, Command <#!/bin/bash;echo a very long line>",
    "Mon Nov 25 10:00:00: Submitted from host <login1>, to Queue <normal>, CWD <$HOME>;",
  ]);
});

Deno.test("lsf accounting: unknown ids absent; a broken log, a failure or garbage is a query error", async () => {
  const notFound = await documentedOutput("lsf", "bhist-not-found.out");
  assert.equal(lsf.parseAccounting({ code: 255, stdout: notFound, stderr: "" }, ["999"]).size, 0);
  const noLog = await documentedOutput("lsf", "bhist-no-eventlog.err");
  assert.throws(
    () => lsf.parseAccounting({ code: 255, stdout: "", stderr: noLog }, ["1"]),
    (error) => error instanceof QueryError && error.message.includes("lsb.events"),
  );
  assert.throws(
    () => lsf.parseAccounting({ code: 255, stdout: "", stderr: "" }, ["1"]),
    QueryError,
  );
  assert.throws(
    () => lsf.parseAccounting({ code: 0, stdout: "", stderr: "" }, ["1"]),
    /printed no job and no error/,
  );
  assert.throws(
    () => lsf.parseAccounting({ code: 0, stdout: "1|DONE|0|-\n", stderr: "" }, ["1"]),
    /printed no job and no error/,
  );
  assert.throws(
    () =>
      lsf.parseAccounting(
        {
          code: 0,
          stdout: "\nJob <1>, User <alice>, Project <default>, Command <x>\n",
          stderr: "",
        },
        ["1"],
      ),
    /Cannot parse bhist record of job <1>/,
  );
});

Deno.test("lsf cancel: bkill", () => {
  assert.deepEqual(lsf.cancelCommand(["1", "2"]), ["bkill", "1", "2"]);
});
