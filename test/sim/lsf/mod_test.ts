// The LSF emulator (sim/lsf/mod.ts): what it answers when mbatchd is down or busy.
import assert from "node:assert/strict";
import { lsfEmulator } from "../../../sim/lsf/mod.ts";

Deno.test("lsfEmulator reports mbatchd-down and transient texts", () => {
  assert.deepEqual(lsfEmulator.unreachable("bjobs"), {
    code: 255,
    stdout: "",
    stderr:
      "batch system daemon not responding ... still trying\nTimeout on connect call to server\n",
  });
  assert.equal(
    lsfEmulator.unreachable("bsub").stderr.split("\n")[1],
    "Timeout on connect call to server. Job not submitted.",
  );
  assert.match(
    lsfEmulator.transientSubmitFailure("bsub").stderr,
    /Communication timeout\. Job not submitted\.\n$/,
  );
});
