// The PBS emulators (sim/pbs/mod.ts): what they answer when the server is down or busy.
import assert from "node:assert/strict";
import { pbsEmulator, pbsproEmulator } from "../../../sim/pbs/mod.ts";

Deno.test("pbsEmulator reports Torque's unreachable-server and busy-server texts", () => {
  assert.deepEqual(pbsEmulator.unreachable("qstat"), {
    code: 111,
    stdout: "",
    stderr: "qstat: cannot connect to server pbsserver (errno=111) Connection refused\n",
  });
  const busy = pbsEmulator.transientSubmitFailure("qsub");
  assert.match(busy.stderr, /^qsub: submit error \(Pbs Server is currently too busy/);
  assert.notEqual(busy.code, 0);
});

Deno.test("pbsproEmulator reports PBS Pro's unreachable-server texts", () => {
  assert.deepEqual(pbsproEmulator.unreachable("qstat"), {
    code: 111,
    stdout: "",
    stderr: "Connection refused\nqstat: cannot connect to server pbsserver (errno=111)\n",
  });
  assert.deepEqual(pbsproEmulator.transientSubmitFailure("qsub"), {
    code: 162,
    stdout: "",
    stderr: "qsub: cannot connect to server pbsserver (errno=15010)\n",
  });
});
