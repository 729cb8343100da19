// The summary table of `deno task bench` (bench/_figures.ts): what a figure records, the ratio to
// its baseline, whether it meets its goal, and the table's lines.

import assert from "node:assert/strict";
import {
  type Figure,
  figure,
  FIGURES_ENV,
  meetsGoal,
  ratioOf,
  summaryTable,
} from "../../bench/_figures.ts";

const polls: Figure = {
  name: "status commands per round",
  value: 1.1,
  unit: "commands/round",
  baseline: { label: "per-job loop", value: 110 },
  goal: { op: "<=", value: 1.2 },
};
const submit: Figure = {
  name: "submit",
  value: 9,
  unit: "ms",
  baseline: { label: "raw sbatch", value: 8 },
  goal: { op: "<=", value: 1.05, on: "ratio" },
};

Deno.test("a figure's ratio is value / baseline, and its goal is checked on value or ratio", () => {
  assert.equal(ratioOf(polls), 0.01);
  assert.equal(meetsGoal(polls), true);
  assert.equal(ratioOf(submit), 1.125);
  assert.equal(meetsGoal(submit), false);
  assert.equal(meetsGoal({ name: "rss", value: 400, unit: "MB" }), undefined);
  assert.equal(ratioOf({ ...polls, baseline: { label: "none", value: 0 } }), undefined);
  assert.equal(meetsGoal({ ...polls, goal: { op: ">=", value: 2 } }), false);
});

Deno.test("the summary table has a line a figure, with ratio and whether the goal is met", () => {
  const lines = summaryTable([polls, submit, { name: "peak RSS", value: 412.4, unit: "MB" }])
    .split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[0]!, /^figure +ours +baseline \(side by side\) +ratio +goal$/);
  assert.match(
    lines[2]!,
    /^status commands per round +1\.10 commands\/round +110 \(per-job loop\) +1\/100x +<= 1\.2 met$/,
  );
  assert.match(lines[3]!, /^submit +9 ms +8 \(raw sbatch\) +1\.13x +ratio <= 1\.05 NOT MET$/);
  assert.match(lines[4]!, /^peak RSS +412 MB$/);
});

Deno.test("figure() appends one JSON line to the file bench/run.ts names, and nothing without it", async () => {
  const file = await Deno.makeTempFile();
  const before = Deno.env.get(FIGURES_ENV);
  try {
    Deno.env.delete(FIGURES_ENV);
    figure(polls);
    assert.equal(await Deno.readTextFile(file), "");
    Deno.env.set(FIGURES_ENV, file);
    figure(polls);
    figure(submit);
    const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
    assert.deepEqual(lines.map((line) => JSON.parse(line)), [polls, submit]);
  } finally {
    if (before === undefined) Deno.env.delete(FIGURES_ENV);
    else Deno.env.set(FIGURES_ENV, before);
    await Deno.remove(file);
  }
});
