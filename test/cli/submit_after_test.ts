// `clusterjob submit --after [KIND:]ID`: a job that waits for cached runs or other jobs, as
// separate processes against a saved simulator.

import assert from "node:assert/strict";
import { CliHome, said } from "./_cli_process.ts";

const CONFIG = `
default: try
clusters:
  try:
    simulator:
      scheduler: slurm
    rootdir: ~/runs
`;

Deno.test("submit --after: a chain by job id, then a failed parent ends its child", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("a.yaml", "name: a\nbody: sleep 1\n");
  await home.write("b.yaml", "name: b\nbody: echo b\n");
  await home.write("bad.yaml", "name: bad\nbody: exit 3\n");
  await home.write("c.yaml", "name: c\nbody: echo c\n");
  const a = await home.run(["submit", "a.yaml"]);
  assert.equal(a.code, 0, said(a));
  const aId = a.stdout.trim();
  const b = await home.run(["submit", "b.yaml", "--after", aId, "--wait"]);
  assert.equal(b.code, 0, said(b));
  assert.match(b.stdout, /^\d+\n.*\n\d+ +b +try +slurm +COMPLETED /s);
  const rendered = await home.run(["status", "--json", b.stdout.split("\n")[0]!]);
  assert.equal(rendered.code, 0, said(rendered));
  const bad = await home.run(["submit", "bad.yaml"]);
  const badId = bad.stdout.trim();
  const c = await home.run(["submit", "c.yaml", "--after", `ok:${badId}`, "--wait"]);
  assert.equal(c.code, 1, said(c));
  assert.match(c.stdout, /\d+ +c +try +slurm +CANCELLED /);
  const status = await home.run(["status", "--json", c.stdout.split("\n")[0]!]);
  assert.match(status.stdout, new RegExp(`after ok on job ${badId} \\(bad\\), which ended FAILED`));
  // The same submission again: the cached run, nothing submitted.
  const again = await home.run(["submit", "c.yaml", "--after", badId, "--no-retry"]);
  assert.equal(again.code, 0, said(again));
  assert.match(again.stderr, /already \(cached/);
});

Deno.test("submit --after refuses an id that is no job id of the scheduler", async () => {
  await using home = await CliHome.create(CONFIG);
  await home.write("c.yaml", "name: c\nbody: echo c\n");
  const output = await home.run(["submit", "c.yaml", "--after", "notok:12.server"]);
  assert.notEqual(output.code, 0, said(output));
  assert.match(output.stderr, /"12\.server"/);
  assert.equal(output.stdout, "");
});
