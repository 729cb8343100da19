// The command line is the top layer: it may import everything, and nothing may import it.

import assert from "node:assert/strict";
import { checkImportGraph, type ImportEdge, layerOf, RULES } from "../../scripts/check_imports.ts";

const edge = (from: string, to: string): ImportEdge => ({ from, to, kind: "code", dynamic: false });

Deno.test("check_imports: cli/ and cli.ts may import any layer; nothing else may import them", () => {
  assert.equal(layerOf("cli/commands/render.ts", RULES.layers)?.name, "cli");
  assert.equal(layerOf("cli.ts", RULES.layers)?.name, "cli entry");
  const files = [
    "cli.ts",
    "cli/main.ts",
    "mod.ts",
    "sim/cluster.ts",
    "src/job/job_script.ts",
    "src/transports/ssh_transport.ts",
  ];
  const allowed = [
    edge("cli.ts", "cli/main.ts"),
    edge("cli/main.ts", "mod.ts"),
    edge("cli/main.ts", "sim/cluster.ts"),
    edge("cli/main.ts", "src/transports/ssh_transport.ts"), // the top layer may load it eagerly
  ];
  assert.deepEqual(checkImportGraph(files, allowed), []);
  assert.deepEqual(
    checkImportGraph(files, [
      edge("mod.ts", "cli/main.ts"),
      edge("src/job/job_script.ts", "cli.ts"),
    ]),
    [
      "Layer violation: mod.ts (façade) imports cli/main.ts (cli); nothing may import cli",
      "Layer violation: src/job/job_script.ts (job) imports cli.ts (cli entry); nothing may import cli entry",
    ],
  );
});
