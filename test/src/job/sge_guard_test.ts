// SGE's guard (the lines an SGE job with an `ok`/`notok` dependency starts with), run by bash
// against parents' end markers laid out as the jobs write them.

import assert from "node:assert/strict";
import { sgeGuard } from "../../../src/job/_dependencies.ts";
import { GUARD_EXIT_CODE } from "../../../src/core/_dependency_guard.ts";
import { DependencyError, JobScript } from "../../../mod.ts";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  reason: string | undefined;
}

/** Runs the guard of a job in `base/child` waiting for `base/parent`'s markers, then "BODY". */
async function guarded(
  ends: Record<string, string>,
  when: "ok" | "notok",
  layout: "relative" | "absolute" = "relative",
): Promise<Outcome> {
  const base = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${base}/child`);
    await Deno.mkdir(`${base}/parent/.clusterjob/prep`, { recursive: true });
    for (const [name, text] of Object.entries(ends)) {
      await Deno.writeTextFile(`${base}/parent/.clusterjob/prep/${name}`, `${text}\n`);
    }
    const root = layout === "relative" ? "" : `${base}/`;
    const lines = sgeGuard(
      [{ jobId: "12", when, markerFolder: `${root}parent/.clusterjob/prep` }],
      `${root}child`,
      `${root}child/.clusterjob/collect`,
    );
    const script = ["#!/bin/bash", ...lines, "echo BODY"].join("\n");
    const output = await new Deno.Command("bash", {
      args: ["-c", script],
      cwd: `${base}/child`,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const reason = await Deno.readTextFile(`${base}/child/.clusterjob/collect/dependency`)
      .catch(() => undefined);
    const text = new TextDecoder();
    return {
      code: output.code,
      stdout: text.decode(output.stdout),
      stderr: text.decode(output.stderr),
      reason,
    };
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

Deno.test("the guard runs the body when the parent ended as the kind asks", async () => {
  const ok = await guarded({ end: "time=1 exit=0" }, "ok");
  assert.deepEqual([ok.code, ok.stdout, ok.stderr, ok.reason], [0, "BODY\n", "", undefined]);
  const notok = await guarded({ end: "time=1 signal=TERM" }, "notok");
  assert.deepEqual([notok.code, notok.stdout], [0, "BODY\n"]);
  const absolute = await guarded({ end: "time=1 exit=0" }, "ok", "absolute");
  assert.equal(absolute.stdout, "BODY\n");
});

Deno.test("otherwise it ends the job without the body, with the reason on stderr and in a file", async () => {
  for (
    const [ends, when] of [
      [{ end: "time=1 exit=3" }, "ok"],
      [{}, "ok"], // no end marker: deleted before it ran, or killed
      [{ end: "time=1 exit=0" }, "notok"],
      [{ "end.1": "time=1 exit=0", "end.2": "time=1 exit=1" }, "ok"], // an array task failed
    ] as const
  ) {
    const outcome = await guarded(ends, when);
    assert.equal(outcome.code, GUARD_EXIT_CODE, JSON.stringify(ends));
    assert.equal(outcome.stdout, "");
    assert.match(
      outcome.stderr,
      new RegExp(`^clusterjob: job 12 did not end as after ${when} needs`),
    );
    assert.match(outcome.reason ?? "", new RegExp(`^time=\\d+ parent=12 when=${when}\\n$`));
  }
  const array = await guarded({ "end.1": "time=1 exit=0", "end.2": "time=1 exit=0" }, "ok");
  assert.equal(array.stdout, "BODY\n");
});

Deno.test("a bare job id cannot be checked on SGE: ok and notok on it are refused, any is not", () => {
  assert.throws(
    () => new JobScript({ name: "c", body: "true", backend: "sge", after: ["12"] }),
    (error) =>
      error instanceof DependencyError && /a run submitted with markers/.test(error.message),
  );
  const any = new JobScript({
    name: "c",
    body: "true",
    backend: "sge",
    after: [{ run: "12", when: "any" }],
  });
  assert.ok(any.render().includes("#$ -hold_jid 12\n"));
  assert.ok(!any.render().includes("__clusterjob_after"));
});
