// SshTransport.target: the remote login as ssh resolves it (`ssh -G`, no connection), the same
// for every spelling of one login, so runs in different processes share one poll per machine;
// over the real sshd and SLURM, two processes tracking jobs there share their status queries.

import assert from "node:assert/strict";
import { join } from "node:path";
import { SshTransport } from "../../../src/transports/ssh_transport.ts";
import { resolvedTarget } from "../../../src/transports/_ssh_target.ts";
import { type Clock, realClock } from "../../../src/core/clock.ts";
import { Status } from "../../../src/core/status.ts";
import { realTests, sshTarget } from "../../real/_targets.ts";

const hasSsh = await new Deno.Command("ssh", {
  args: ["-G", "localhost"],
  stdout: "null",
  stderr: "null",
})
  .output().then((output) => output.success, () => false);

Deno.test("resolvedTarget reads user, host name, port and jumps from ssh -G", () => {
  const sshG =
    "user alice\nhostname login1.example.org\nport 2222\nproxyjump none\nbatchmode yes\n";
  assert.equal(resolvedTarget(sshG), "ssh:alice@login1.example.org:2222");
  assert.equal(
    resolvedTarget("user a\nhostname h\nport 22\nproxyjump gw.example.org\n"),
    "ssh:a@h:22\nProxyJump=gw.example.org",
  );
  assert.equal(
    resolvedTarget("user a\nhostname h\nport 22\nproxycommand nc -X 5 %h %p\n"),
    "ssh:a@h:22\nProxyCommand=nc -X 5 %h %p",
  );
  // incomplete or garbled: no target, so no sharing
  assert.equal(resolvedTarget(""), undefined);
  assert.equal(resolvedTarget("user a\nhostname h\n"), undefined);
  assert.equal(resolvedTarget("user a\nhostname h\nport twenty-two\n"), undefined);
});

Deno.test({
  name: "every spelling of one login names one target; another user, port or gateway another",
  ignore: !hasSsh,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cj-ssh-target-" });
    try {
      const config = join(dir, "config");
      await Deno.writeTextFile(
        config,
        "Host cluster\n  HostName login1.example.org\n  User alice\n  Port 2222\n" +
          "Host behind\n  HostName login1.example.org\n  User alice\n  Port 2222\n  ProxyJump gw.example.org\n",
      );
      const target = (options: ConstructorParameters<typeof SshTransport>[0]) =>
        new SshTransport({ configFile: config, ...options }).target;
      const expected = "ssh:alice@login1.example.org:2222";
      assert.equal(target({ host: "cluster" }), expected);
      assert.equal(target({ host: "alice@login1.example.org", port: 2222 }), expected);
      assert.equal(target({ host: "login1.example.org", user: "alice", port: 2222 }), expected);
      // read once
      const ssh = new SshTransport({ host: "cluster", configFile: config });
      assert.equal(ssh.target, ssh.target);
      // the options given override the config, as with a plain ssh
      assert.equal(target({ host: "cluster", user: "bob" }), "ssh:bob@login1.example.org:2222");
      assert.equal(target({ host: "cluster", port: 22 }), "ssh:alice@login1.example.org:22");
      assert.equal(target({ host: "behind" }), `${expected}\nProxyJump=gw.example.org`);
      // a clock of its own (a test's): no target, as with LocalTransport
      assert.equal(target({ host: "cluster", clock: { ...realClock } as Clock }), undefined);
      // no ssh there: no target (and no error)
      assert.equal(target({ host: "cluster", sshPath: join(dir, "no-ssh") }), undefined);
      // without permission to run ssh: no target, and no prompt
      const probe = join(dir, "probe.ts");
      const module = new URL("../../../src/transports/ssh_transport.ts", import.meta.url).href;
      await Deno.writeTextFile(
        probe,
        `import { SshTransport } from ${JSON.stringify(module)};\n` +
          `console.log(String(new SshTransport({ host: "cluster" }).target));\n`,
      );
      const child = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-env", probe],
        env: { DENO_NO_PROMPT: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(
        new TextDecoder().decode(child.stdout),
        "undefined\n",
        new TextDecoder().decode(child.stderr),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

realTests(["ssh", "slurm"], () => {
  Deno.test("real ssh: two processes tracking SLURM jobs over SSH share one status query per round", async () => {
    await using ssh = new SshTransport({ host: sshTarget.host, configFile: sshTarget.configFile });
    const ids: string[][] = [[], []];
    for (const [p, mine] of ids.entries()) {
      for (let i = 0; i < 3; i++) {
        const out = await ssh.run(["sbatch", "--parsable", "--wrap", `sleep ${1 + i}; exit ${p}`]);
        assert.equal(out.code, 0, out.stderr);
        mine.push(out.stdout.trim().split(";")[0]!);
      }
    }
    const cache = await Deno.makeTempDir({ prefix: "cj-ssh-shared-" });
    try {
      const child = new URL("../../_ssh_shared_poll_child.ts", import.meta.url).pathname;
      const reports = await Promise.all(ids.map(async (mine) => {
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", child, "shared", ...mine],
          env: { XDG_CACHE_HOME: cache },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        return JSON.parse(new TextDecoder().decode(stdout)) as {
          statuses: number[];
          commands: number;
          rounds: number;
          target: string;
        };
      }));
      assert.deepEqual(reports.map((report) => report.statuses), [
        [Status.COMPLETED, Status.COMPLETED, Status.COMPLETED],
        [Status.FAILED, Status.FAILED, Status.FAILED],
      ]);
      // both named the resolved login, and met in one snapshot for it
      assert.deepEqual(reports.map((report) => report.target), [
        ssh.target,
        ssh.target,
      ]);
      assert.match(ssh.target!, /^ssh:[^@\s]+@127\.0\.0\.1:\d+$/);
      const polls = join(cache, "clusterjob", "polls");
      const snapshots = [...Deno.readDirSync(polls)].filter((e) => e.name.endsWith(".json"));
      assert.equal(snapshots.length, 1, snapshots.map((e) => e.name).join(", "));
      // alone, each process asks at least once a round; shared, one asks for both
      const commands = reports.reduce((sum, report) => sum + report.commands, 0);
      const rounds = reports.reduce((sum, report) => sum + report.rounds, 0);
      assert.ok(commands < rounds, `${commands} status commands in ${rounds} rounds`);
    } finally {
      await ssh.run(["scancel", ...ids.flat()]).catch(() => {});
      await Deno.remove(cache, { recursive: true });
    }
  });
});
