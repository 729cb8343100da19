// The import checker's pure graph function, on synthetic graphs: cycles, layer violations and
// eager paths to a lazy module; and the repository's own graph.

import assert from "node:assert/strict";
import {
  checkImportGraph,
  findCycles,
  type ImportEdge,
  type ImportRules,
  layerOf,
  RULES,
  staticPath,
} from "../../scripts/check_imports.ts";

const edge = (from: string, to: string, more: Partial<ImportEdge> = {}): ImportEdge => ({
  from,
  to,
  kind: "code",
  dynamic: false,
  ...more,
});

const RULES_UNDER_TEST: ImportRules = {
  layers: [
    { name: "core", prefix: "core/", imports: [] },
    { name: "run", prefix: "run/", imports: ["core"] },
    { name: "job", prefix: "job/", imports: ["core", "run"] },
    { name: "façade", prefix: "mod.ts", imports: ["*"] },
  ],
  lazy: ["run/ssh.ts"],
};

Deno.test("checkImportGraph() passes a graph whose imports all go down the layers", () => {
  const files = ["core/a.ts", "core/b.ts", "run/r.ts", "run/ssh.ts", "job/j.ts", "mod.ts"];
  const edges = [
    edge("core/b.ts", "core/a.ts"),
    edge("run/r.ts", "core/b.ts", { kind: "type" }),
    edge("run/r.ts", "run/ssh.ts", { dynamic: true }),
    edge("job/j.ts", "run/r.ts"),
    edge("mod.ts", "run/ssh.ts"),
    edge("mod.ts", "job/j.ts"),
    edge("job/j.ts", "npm:js-yaml"),
  ];
  assert.deepEqual(checkImportGraph(files, edges, RULES_UNDER_TEST), []);
});

Deno.test("checkImportGraph() reports a cycle, a layer violation and an eager lazy import", () => {
  const files = ["core/a.ts", "run/r.ts", "run/s.ts", "run/ssh.ts", "job/j.ts"];
  const edges = [
    edge("run/r.ts", "run/s.ts"),
    edge("run/s.ts", "run/r.ts", { kind: "type" }),
    edge("run/s.ts", "job/j.ts", { kind: "type" }),
    edge("job/j.ts", "run/ssh.ts"),
  ];
  assert.deepEqual(checkImportGraph(files, edges, RULES_UNDER_TEST), [
    "Import cycle: run/r.ts → run/s.ts → run/r.ts",
    "Layer violation: run/s.ts (run) imports job/j.ts (job) (types only); run may import core",
    "Eager import of a lazy module: job/j.ts → run/ssh.ts; load it with a dynamic import()",
    "Eager import of a lazy module: run/r.ts → run/s.ts → job/j.ts → run/ssh.ts; load it with a dynamic import()",
    "Eager import of a lazy module: run/s.ts → job/j.ts → run/ssh.ts; load it with a dynamic import()",
  ]);
});

Deno.test("checkImportGraph() says what the lowest layer may import", () => {
  const problems = checkImportGraph(
    ["core/a.ts", "run/r.ts"],
    [edge("core/a.ts", "run/r.ts", { dynamic: true })],
    RULES_UNDER_TEST,
  );
  assert.deepEqual(problems, [
    "Layer violation: core/a.ts (core) imports run/r.ts (run) (dynamic); core may import nothing outside itself",
  ]);
});

Deno.test("findCycles() finds one shortest cycle per component, and self-imports", () => {
  const files = ["a.ts", "b.ts", "c.ts", "d.ts", "e.ts"];
  const cycles = findCycles(files, [
    edge("a.ts", "b.ts"),
    edge("b.ts", "c.ts"),
    edge("c.ts", "a.ts"),
    edge("b.ts", "a.ts"),
    edge("e.ts", "e.ts"),
    edge("d.ts", "a.ts"),
  ]);
  assert.deepEqual(cycles, [
    { cycle: ["a.ts", "b.ts", "a.ts"], component: ["a.ts", "b.ts", "c.ts"] },
    { cycle: ["e.ts", "e.ts"], component: ["e.ts"] },
  ]);
});

Deno.test("staticPath() finds the shortest path and layerOf() the first matching layer", () => {
  const edges = [edge("a", "b"), edge("b", "c"), edge("a", "c"), edge("c", "d")];
  assert.deepEqual(staticPath("a", new Set(["d"]), edges), ["a", "c", "d"]);
  assert.equal(staticPath("d", new Set(["a"]), edges), undefined);
  assert.equal(layerOf("src/run/submit.ts", RULES.layers)?.name, "run");
  assert.equal(layerOf("mod.ts", RULES.layers)?.name, "façade");
  assert.equal(layerOf("test/x_test.ts", RULES.layers), undefined);
});

Deno.test("the repository's import graph passes the checker", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-run", "scripts/check_imports.ts"],
    cwd: new URL("../..", import.meta.url).pathname,
  }).output();
  const said = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.ok(output.success, said);
  assert.match(said, /no cycle, every import goes down the layers/);
});
