// The SSH transport is loaded only when a run needs it: no static import reaches it from the
// model or from JobScript, and the default transport of a remote job still is an SshTransport.

import assert from "node:assert/strict";
import { readImportGraph, staticPath } from "../../../scripts/check_imports.ts";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { slurm } from "../../../backends/slurm.ts";
import { LocalTransport } from "../../../src/transports/local_transport.ts";

const ROOT = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");
const SSH = "src/transports/ssh_transport.ts";

async function coreFiles(): Promise<string[]> {
  const entries = await Array.fromAsync(Deno.readDir(`${ROOT}/src/core`));
  return entries.filter((entry) => entry.name.endsWith(".ts")).map((entry) =>
    `src/core/${entry.name}`
  );
}

Deno.test("no static import reaches ssh_transport.ts from src/core or JobScript; a dynamic one does", async () => {
  const starts = [...await coreFiles(), "src/job/job_script.ts", "src/job/settings.ts"];
  const edges = await readImportGraph(ROOT, starts);
  const staticEdges = edges.filter((edge) => !edge.dynamic);
  for (const start of starts) {
    assert.equal(staticPath(start, new Set([SSH]), staticEdges), undefined, start);
  }
  assert.deepEqual(
    staticPath("src/job/job_script.ts", new Set([SSH]), edges)?.slice(-2),
    ["src/run/_defaults.ts", SSH],
  );
  assert.ok(edges.some((edge) => edge.to === SSH && edge.dynamic));
});

Deno.test("a loaded run with a saved remote gets an SshTransport (loaded on demand)", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const path = `${folder}/run.json`;
    const transport = new LocalTransport(); // only for dump(); load() picks the SSH one
    await new AsyncResult({ jobId: "1", backend: slurm, transport, remote: "login.example.org" })
      .dump(path);
    const run = await AsyncResult.load(path);
    assert.equal(run.transport.name, "ssh:login.example.org");
    await run.transport.close?.();
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
