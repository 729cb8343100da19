// The PBS emulators (sim/pbs/mod.ts): what they answer when the server is down or busy.
import assert from "node:assert/strict";
import { pbsEmulator, pbsproEmulator } from "../../../sim/pbs/mod.ts";

Deno.test("pbsEmulator reports Torque's unreachable-server and busy-server texts", () => {
  assert.deepEqual(pbsEmulator.unreachable("qstat"), {
    code: 111,
    stdout: "",
    stderr: "qstat: cannot connect to server pbsserver (errno=111) Connection refused\n",
  });
  const busy = pbsEmulator.transientSubmitFailure("qsub", "refused");
  assert.deepEqual(busy, {
    code: 30, // PBSE_SERVER_BUSY 15134 & 0xff
    stdout: "",
    stderr: "qsub: submit error (Pbs Server is currently too busy to service this request. " +
      "Please retry this request.)\n",
  });
  const lost = pbsEmulator.transientSubmitFailure("qsub");
  assert.equal(lost.code, 237); // PBSE_TIMEOUT 15085 & 0xff
  assert.match(lost.stderr, /Trying again(?:Connection)?.*qsub: submit error \(Time out\)\n$/);
});

Deno.test("pbsproEmulator reports PBS Pro's unreachable-server texts", () => {
  assert.deepEqual(pbsproEmulator.unreachable("qstat"), {
    code: 111,
    stdout: "",
    stderr: "Connection refused\nqstat: cannot connect to server pbsserver (errno=111)\n",
  });
  assert.deepEqual(pbsproEmulator.transientSubmitFailure("qsub"), {
    code: 183, // PBSE_PROTOCOL 15031 & 0xff
    stdout: "",
    stderr: "qsub: Batch protocol error\n",
  });
  assert.deepEqual(pbsproEmulator.transientSubmitFailure("qsub", "refused"), {
    code: 162,
    stdout: "",
    stderr: "qsub: cannot connect to server pbsserver (errno=15010)\n",
  });
});
