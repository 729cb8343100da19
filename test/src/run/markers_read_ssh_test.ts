// Marker files read through SshTransport from the sshd target (CLUSTERJOB_REAL=ssh): grep's
// NUL-separated names survive the SSH session, `~/` paths resolve in the remote home, and a
// missing file is silent.
import assert from "node:assert/strict";
import { readMarkers } from "../../../src/run/_markers_read.ts";
import { SshTransport } from "../../../src/transports/ssh_transport.ts";
import { realTests, sshTarget } from "../../real/_targets.ts";

realTests("ssh", () => {
  Deno.test("real ssh: one grep reads every run's markers, ~/ paths included", async () => {
    const ssh = new SshTransport({ host: sshTarget.host, configFile: sshTarget.configFile });
    const folder = `clusterjob-markers-${Date.now().toString(36)}`;
    try {
      const marker = `~/${folder}/run 'a'/.clusterjob/j`;
      await ssh.mkdir(marker);
      await ssh.writeFile(`${marker}/start`, "time=1 host=h id=9 task=\n");
      await ssh.writeFile(`${marker}/end`, "time=2 exit=7\n");
      const read = await readMarkers(ssh, [
        { folder: marker },
        { folder: `~/${folder}/none/.clusterjob/j` },
      ], 30_000);
      assert.equal(read.error, undefined);
      assert.equal(read.commands.length, 1);
      assert.deepEqual(read.readings[0]!.start, {
        kind: "start",
        time: 1,
        host: "h",
        id: "9",
        task: "",
      });
      assert.deepEqual(read.readings[0]!.end, { kind: "end", time: 2, exit: 7 });
      assert.equal(read.readings[1]!.end, undefined);
    } finally {
      await ssh.run(["rm", "-rf", "--", folder], { timeout: 30_000 }).catch(() => {});
      await ssh.close();
    }
  });
});
