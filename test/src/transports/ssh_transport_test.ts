import assert from "node:assert/strict";
import { join } from "node:path";
import { realClock } from "../../../src/core/clock.ts";
import { describeValue, InvalidValueError } from "../../../src/core/errors.ts";
import { SshTransport, type SshTransportOptions } from "../../../src/transports/ssh_transport.ts";
import { CommandTimeoutError, TransportError } from "../../../src/core/transport.ts";
import { CommandNotFoundError, FilesNotWrittenError } from "../../../src/core/transport_errors.ts";
import { NASTY_WORDS } from "../../_nasty_words.ts";
import { JobScript } from "../../../src/job/job_script.ts";
import { AsyncResult } from "../../../src/run/async_result.ts";
import { slurm } from "../../../backends/slurm.ts";
import { Status } from "../../../src/core/status.ts";
import { realTests, sshTarget } from "../../real/_targets.ts";

// ---------------------------------------------------------------------------------------------
// Part 1, always run: a stand-in `ssh` program that records its argv and runs the remote command
// line with the local `sh` in a private "home", as sshd would. It checks what SshTransport asks
// of ssh and that its remote command lines mean what they should to a POSIX shell.

interface FakeSsh {
  dir: string;
  home: string;
  sshPath: string;
  /** Every invocation's argv. */
  calls(): string[][];
  /** Makes connection attempts fail (or succeed again). */
  failConnect(fail: boolean): Promise<void>;
  /** Sets the PATH of the remote commands (undefined: this process's). */
  remotePath(path: string | undefined): Promise<void>;
  /** Sets the login shell that runs the remote command line (default /bin/sh). */
  loginShell(path: string): Promise<void>;
}

async function withFakeSsh(fn: (fake: FakeSsh) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cj-fake-ssh-" });
  const home = join(dir, "home");
  await Deno.mkdir(home);
  const log = join(dir, "calls");
  const sshPath = join(dir, "ssh");
  await Deno.writeTextFile(
    sshPath,
    `#!/bin/sh
for a in "$@"; do printf '%s\\0' "$a"; done >> '${log}'; printf '\\001' >> '${log}'
for a in "$@"; do last=$a; case "$a" in -N|-O) mode=$a ;; esac; done
if [ "$mode" = -N ]; then
  if [ -e '${dir}/fail' ]; then echo "ssh: connect to host fake port 22: Connection refused" >&2; exit 255; fi
  exit 0
fi
[ "$mode" = -O ] && exit 0
[ -e '${dir}/path' ] && PATH=$(cat '${dir}/path')
login=/bin/sh; [ -e '${dir}/shell' ] && login=$(cat '${dir}/shell')
cd '${home}' && HOME='${home}' exec "$login" -c "$last"
`,
    { mode: 0o755 },
  );
  try {
    await fn({
      dir,
      home,
      sshPath,
      calls: () =>
        Deno.readTextFileSync(log).split("\x01").slice(0, -1).map((call) =>
          call.split("\0").slice(0, -1)
        ),
      failConnect: (fail) =>
        fail ? Deno.writeTextFile(join(dir, "fail"), "") : Deno.remove(join(dir, "fail")),
      remotePath: (path) =>
        path === undefined
          ? Deno.remove(join(dir, "path"))
          : Deno.writeTextFile(join(dir, "path"), path),
      loginShell: (path) => Deno.writeTextFile(join(dir, "shell"), path),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function fakeTransport(fake: FakeSsh, options: Partial<SshTransportOptions> = {}): SshTransport {
  return new SshTransport({ host: "login.example.org", sshPath: fake.sshPath, ...options });
}

/** The value of `-o Key=...` in an ssh argv. */
function sshOption(argv: string[], key: string): string | undefined {
  const found = argv.find((arg, i) => argv[i - 1] === "-o" && arg.startsWith(`${key}=`));
  return found?.slice(key.length + 1);
}

Deno.test("SshTransport validates its options", () => {
  const bad: [Partial<SshTransportOptions>, string][] = [
    [{ host: "" }, "host"],
    [{ host: "-oProxyCommand=touch /tmp/pwned" }, "host"],
    [{ host: "two words" }, "host"],
    [{ host: "h", user: "a b" }, "user"],
    [{ host: "h", user: "-l" }, "user"],
    [{ host: "h", port: 0 }, "port"],
    [{ host: "h", port: 70000 }, "port"],
    [{ host: "h", port: 22.5 }, "port"],
    [{ host: "h", connectTimeout: 0 }, "connectTimeout"],
    [{ host: "h", controlPersist: 1.5 }, "controlPersist"],
    [{ host: "h", maxSessions: 0 }, "maxSessions"],
    [
      { host: "h", extraOptions: { StrictHostKeyChecking: "no" } },
      "extraOptions.StrictHostKeyChecking",
    ],
    [
      { host: "h", extraOptions: { stricthostkeychecking: "off" } },
      "extraOptions.stricthostkeychecking",
    ],
    [
      { host: "h", extraOptions: { UserKnownHostsFile: "/dev/null" } },
      "extraOptions.UserKnownHostsFile",
    ],
    [{ host: "h", extraOptions: { ControlPath: "/tmp/x" } }, "extraOptions.ControlPath"],
    [{ host: "h", extraOptions: { ProxyJump: "a\nb" } }, "extraOptions.ProxyJump"],
    [{ host: "h", extraOptions: { "Bad Key": "x" } }, "extraOptions"],
  ];
  for (const [options, field] of bad) {
    assert.throws(
      () => new SshTransport(options as SshTransportOptions),
      (error: unknown) => error instanceof InvalidValueError && error.field === field,
      JSON.stringify(options),
    );
  }
  const ok = new SshTransport({ host: "login", user: "alice", port: 2222 });
  assert.equal(ok.name, "ssh:alice@login:2222");
  assert.equal(ok.clock, realClock);
  assert.equal(new SshTransport({ host: "cluster-alias" }).name, "ssh:cluster-alias");
});

Deno.test("SshTransport refuses every malformed option at construction, naming it and its value", () => {
  const bad: [Partial<SshTransportOptions>, string, RegExp][] = [
    [{ host: "login\0.evil" }, "host", /contains a NUL character/],
    [{ host: "login\n-oProxyCommand=x" }, "host", /newline or another control character/],
    [{ host: "login\r" }, "host", /control character/],
    [{ host: "log in" }, "host", /contains whitespace/],
    [{ host: "login\t" }, "host", /control character/],
    [{ host: "-oProxyCommand=evil" }, "host", /starts with -, which ssh would read as an option/],
    [{ host: "-" }, "host", /starts with -/],
    [{ host: "@login" }, "host", /empty part around @/],
    [{ host: "alice@" }, "host", /empty part around @/],
    [{ host: "alice@-login" }, "host", /host part that starts with -/],
    [{ host: "-alice@login" }, "host", /starts with -/],
    [{ host: "a@b@login" }, "host", /its user part contains a character/],
    [{ host: "alice@login", user: "bob" }, "host", /user option "bob" is given too/],
    [{ host: "login;touch${IFS}x" }, "host", /shell metacharacter/],
    [{ host: "$(touch${IFS}x)" }, "host", /shell metacharacter/],
    [{ host: "`id`" }, "host", /shell metacharacter/],
    [{ host: "login'" }, "host", /shell metacharacter/],
    [{ host: 42 as never }, "host", /is not a string/],
    [{ host: undefined as never }, "host", /is not a string/],
    [{ host: "h", user: "" }, "user", /is empty/],
    [{ host: "h", user: "al\0ice" }, "user", /NUL/],
    [{ host: "h", user: "alice@corp" }, "user", /not part of a user name/],
    [{ host: "h", user: "$(id)" }, "user", /not part of a user name/],
    [{ host: "h", port: -1 }, "port", /1 to 65535/],
    [{ host: "h", port: 65536 }, "port", /1 to 65535/],
    [{ host: "h", port: NaN }, "port", /1 to 65535/],
    [{ host: "h", port: "22" as never }, "port", /1 to 65535/],
    [{ host: "h", configFile: "/etc/ssh\0/config" }, "configFile", /without NUL/],
    [{ host: "h", configFile: "" }, "configFile", /non-empty/],
    [{ host: "h", identityFile: "/keys/id\0" }, "identityFile", /without NUL/],
    [{ host: "h", identityFile: "/keys/id\n" }, "identityFile", /newlines/],
    [{ host: "h", identityFile: 1 as never }, "identityFile", /a private key file/],
    [{ host: "h", sshPath: "" }, "sshPath", /the ssh program/],
    [{ host: "h", sshPath: "/usr/bin/ssh\0" }, "sshPath", /without NUL/],
    [{ host: "h", extraOptions: "ProxyJump=x" as never }, "extraOptions", /an object/],
    [{ host: "h", extraOptions: { ProxyJump: "gw\0" } }, "extraOptions.ProxyJump", /single-line/],
    [{ host: "h", extraOptions: { ProxyJump: 1 as never } }, "extraOptions.ProxyJump", /string/],
    [{ host: "h", connectTimeout: Infinity }, "connectTimeout", /positive number/],
    [{ host: "h", connectTimeout: "5" as never }, "connectTimeout", /positive number/],
    [{ host: "h", controlPersist: -5 }, "controlPersist", /positive whole/],
    [{ host: "h", maxSessions: 2.5 }, "maxSessions", /positive whole/],
    [{ host: "h", interactive: "yes" as never }, "interactive", /true or false/],
    [{ host: "h", clock: Date as never }, "clock", /a Clock/],
    [{ host: "h", identity_file: "~/.ssh/id" } as never, "options.identity_file", /no such option/],
    [{ host: "h", hostname: "x" } as never, "options.hostname", /the options are host, user/],
  ];
  for (const [options, field, accepted] of bad) {
    let error: unknown;
    try {
      new SshTransport(options as SshTransportOptions);
    } catch (e) {
      error = e;
    }
    const shown = JSON.stringify(options);
    assert.ok(error instanceof InvalidValueError, `${shown}: ${error}`);
    assert.equal(error.field, field, shown);
    assert.match(error.accepted, accepted, shown);
    const value = field.startsWith("options.")
      ? (options as Record<string, unknown>)[field.slice(8)]
      : field.startsWith("extraOptions.")
      ? options.extraOptions?.[field.slice(13)]
      : (options as Record<string, unknown>)[field];
    assert.ok(
      error.message.startsWith(`Invalid value for "${field}": ${describeValue(value)}; expected `),
      error.message,
    );
  }
  assert.throws(() => new SshTransport(null as never), /Invalid value for "options": null/);
  // what is fine stays fine
  const fine: [SshTransportOptions, string][] = [
    [{ host: "alice@login.cluster.edu" }, "ssh:alice@login.cluster.edu"],
    [{ host: "10.0.0.7", port: 22 }, "ssh:10.0.0.7:22"],
    [{ host: "fe80::1%eth0" }, "ssh:fe80::1%eth0"],
    [{ host: "hpc_login-2", user: "a.b-c_d" }, "ssh:a.b-c_d@hpc_login-2"],
    [{ host: "rechner.universität.de" }, "ssh:rechner.universität.de"],
  ];
  for (const [options, name] of fine) assert.equal(new SshTransport(options).name, name);
});

Deno.test("SshTransport passes ssh the options it needs and never disables host-key checks", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake, {
      user: "alice",
      port: 2200,
      configFile: "/etc/cj ssh_config",
      identityFile: "/keys/id",
      connectTimeout: 2500,
      extraOptions: { ProxyJump: "gateway" },
    });
    assert.equal((await ssh.run(["true"])).code, 0);
    const [master, command] = fake.calls();
    for (const argv of [master!, command!]) {
      const hostAt = argv.indexOf("login.example.org");
      assert.equal(argv[hostAt - 1], "--", "options end before the host");
      assert.deepEqual(argv.slice(argv.indexOf("-F"), argv.indexOf("-F") + 2), [
        "-F",
        "/etc/cj ssh_config",
      ]);
      assert.deepEqual(argv.slice(argv.indexOf("-i"), argv.indexOf("-i") + 2), ["-i", "/keys/id"]);
      assert.deepEqual(argv.slice(argv.indexOf("-p"), argv.indexOf("-p") + 2), ["-p", "2200"]);
      assert.deepEqual(argv.slice(argv.indexOf("-l"), argv.indexOf("-l") + 2), ["-l", "alice"]);
      assert.equal(sshOption(argv, "BatchMode"), "yes");
      assert.equal(sshOption(argv, "ConnectTimeout"), "3");
      assert.equal(sshOption(argv, "ProxyJump"), "gateway");
      assert.equal(sshOption(argv, "ControlPersist"), "60");
      assert.equal(sshOption(argv, "StrictHostKeyChecking"), undefined);
      assert.ok(!argv.join(" ").includes("/dev/null"));
      // one ControlMaster value per call (ssh keeps the first one it sees)
      assert.equal(argv.filter((arg) => arg.startsWith("ControlMaster=")).length, 1);
    }
    assert.equal(sshOption(master!, "ControlMaster"), "yes");
    assert.ok(master!.includes("-N") && master!.includes("-f"));
    assert.equal(sshOption(command!, "ControlMaster"), "auto");
    const controlPath = sshOption(command!, "ControlPath")!;
    assert.equal(sshOption(master!, "ControlPath"), controlPath);
    assert.ok(controlPath.length < 100, `socket path too long for unix sockets: ${controlPath}`);
    const controlDir = controlPath.slice(0, controlPath.lastIndexOf("/"));
    assert.equal((await Deno.stat(controlDir)).mode! & 0o777, 0o700);
  });
});

Deno.test("SshTransport starts one master for many concurrent commands", async () => {
  await withFakeSsh(async (fake) => {
    // one-shot: one ssh per command (the sessions' count is in ssh_session_test.ts)
    await using ssh = fakeTransport(fake, { maxSessions: 3, persistentSession: false });
    const outputs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ssh.run(["echo", String(i)])),
    );
    assert.deepEqual(outputs.map((output) => output.stdout), outputs.map((_, i) => `${i}\n`));
    const calls = fake.calls();
    assert.equal(calls.filter((argv) => argv.includes("-N")).length, 1);
    assert.equal(calls.length, 13);
  });
});

Deno.test("SshTransport quotes every argument for the remote shell", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    const output = await ssh.run(["printf", "%s\\0", ...NASTY_WORDS]);
    assert.deepEqual(output.stdout.split("\0").slice(0, -1), NASTY_WORDS);
    const command = fake.calls().at(-1)!.at(-1)!;
    assert.ok(!command.includes("\n'\n") || command.includes("'new\nline'"));
  });
});

Deno.test("SshTransport runs in cwd (~/ expanded remotely) with env and stdin", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    await Deno.mkdir(join(fake.home, "my dir $x"));
    const output = await ssh.run(["sh", "-c", 'pwd; printf "%s\\n" "$A" "$B"; cat'], {
      cwd: "~/my dir $x",
      env: { A: "it's $HOME", B: "" },
      stdin: "from stdin\n",
    });
    assert.deepEqual(output, {
      code: 0,
      stdout: `${join(fake.home, "my dir $x")}\nit's $HOME\n\nfrom stdin\n`,
      stderr: "",
    });
    assert.equal((await ssh.run(["sh", "-c", "exit 42"])).code, 42);
    // a script's own exit 127 for another missing command is its answer, not a missing `sh`
    const inner = await ssh.run(["sh", "-c", "clusterjob-no-such-program"]);
    assert.equal(inner.code, 127);
    await assert.rejects(ssh.run(["true"], { env: { "A B": "1" } }), InvalidValueError);
    await assert.rejects(ssh.run([]), InvalidValueError);
  });
});

Deno.test("SshTransport puts a remote time limit on the command and times out locally", async () => {
  await withFakeSsh(async (fake) => {
    // one-shot, to read the command line ssh is given (sessions: ssh_session_test.ts)
    await using ssh = fakeTransport(fake, { persistentSession: false });
    const started = performance.now();
    const error = await ssh.run(["sleep", "30"], { timeout: 300 }).catch((e) => e);
    assert.ok(error instanceof CommandTimeoutError, String(error));
    assert.deepEqual(error.argv, ["sleep", "30"]);
    assert.ok(performance.now() - started < 5_000);
    assert.match(fake.calls().at(-1)!.at(-1)!, /^timeout -k 5 3 sleep 30$/);
  });
});

Deno.test("SshTransport rejects with the abort reason", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    const reason = new Error("user cancelled");
    await assert.rejects(
      ssh.run(["true"], { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    await assert.rejects(
      ssh.run(["sleep", "30"], { signal: controller.signal }),
      (e) => e === reason,
    );
  });
});

Deno.test("SshTransport file operations work through the remote shell", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    await ssh.mkdir("~/runs/a 'b'/c", { mode: 0o700 });
    const dir = join(fake.home, "runs", "a 'b'", "c");
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    await ssh.writeFile("~/runs/a 'b'/c/job $1.sh", "#!/bin/sh\necho 'hi'\n", { mode: 0o755 });
    assert.equal(await Deno.readTextFile(join(dir, "job $1.sh")), "#!/bin/sh\necho 'hi'\n");
    assert.equal((await Deno.stat(join(dir, "job $1.sh"))).mode! & 0o777, 0o755);
    await ssh.writeFile("~/runs/a 'b'/c/job $1.sh", "v2");
    assert.equal((await Deno.stat(join(dir, "job $1.sh"))).mode! & 0o777, 0o644);
    assert.equal(await ssh.readFile("~/runs/a 'b'/c/job $1.sh"), "v2");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["job $1.sh"]);
    await assert.rejects(
      ssh.readFile("~/nope"),
      (e) =>
        e instanceof TransportError && e.message.endsWith(`Cannot read file "~/nope": not found`),
    );
    await assert.rejects(ssh.writeFile("~/no/such/dir/f", "x"), TransportError);
    // onto a directory: refused, and nothing is moved into it
    await assert.rejects(
      ssh.writeFile("~/runs/a 'b'", "x"),
      (e) =>
        e instanceof TransportError &&
        e.message.endsWith(`Cannot write file "~/runs/a 'b'": is a directory`),
    );
    assert.deepEqual([...Deno.readDirSync(join(fake.home, "runs", "a 'b'"))].map((e) => e.name), [
      "c",
    ]);
    await ssh.remove("~/runs/a 'b'/c/job $1.sh");
    await ssh.remove("~/runs/a 'b'/c/job $1.sh");
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("SshTransport reports a failed connection and retries it on the next command", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    await fake.failConnect(true);
    await assert.rejects(
      ssh.run(["true"]),
      (e) =>
        e instanceof TransportError &&
        /Cannot connect to "login.example.org": .*refused/.test(e.message),
    );
    await fake.failConnect(false);
    assert.equal((await ssh.run(["true"])).code, 0);
  });
});

Deno.test("SshTransport.close() ends the master, removes the socket directory and refuses new work", async () => {
  await withFakeSsh(async (fake) => {
    const ssh = fakeTransport(fake);
    await ssh.run(["true"]);
    const controlPath = sshOption(fake.calls().at(-1)!, "ControlPath")!;
    await ssh.close();
    await ssh.close();
    const exits = fake.calls().filter((argv) => argv.includes("-O"));
    assert.equal(exits.length, 1);
    assert.equal(exits[0]![exits[0]!.indexOf("-O") + 1], "exit");
    await assert.rejects(
      Deno.stat(controlPath.slice(0, controlPath.lastIndexOf("/"))),
      Deno.errors.NotFound,
    );
    await assert.rejects(ssh.run(["true"]), TransportError);
  });
});

Deno.test("SshTransport interactive mode leaves BatchMode to the user's config", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake, { interactive: true });
    await ssh.run(["true"]);
    for (const argv of fake.calls()) assert.equal(sshOption(argv, "BatchMode"), undefined);
  });
});

Deno.test("SshTransport reports a missing ssh program", async () => {
  await using ssh = new SshTransport({ host: "h", sshPath: "/no/such/ssh" });
  await assert.rejects(ssh.run(["true"]), {
    name: "CommandNotFoundError",
    message: '"/no/such/ssh" is not installed on this machine — is this the login node? ' +
      'SshTransport needs the OpenSSH client: install it, or give its path as "sshPath"',
  });
});

Deno.test("SshTransport.run() rejects with CommandNotFoundError when the remote shell cannot find the program", async () => {
  await withFakeSsh(async (fake) => {
    // one-shot, for the shell's exact words (a session's shell numbers its lines on)
    await using ssh = fakeTransport(fake, { user: "alice", port: 2200, persistentSession: false });
    const error = await ssh.run(["clusterjob-no-such-bsub", "job.lsf"]).catch((e) => e);
    assert.ok(error instanceof CommandNotFoundError, String(error));
    assert.equal(
      error.message,
      '"clusterjob-no-such-bsub" is not installed on ssh:alice@login.example.org:2200 ' +
        '("/bin/sh: 1: clusterjob-no-such-bsub: not found") — is this the login node? Check the ' +
        'host, and that "clusterjob-no-such-bsub" is on the PATH of commands run over ssh ' +
        "(try: ssh -p 2200 alice@login.example.org command -v clusterjob-no-such-bsub)",
    );
    assert.deepEqual(
      [error.command, error.where, error.said, error.transport],
      [
        "clusterjob-no-such-bsub",
        "ssh:alice@login.example.org:2200",
        "/bin/sh: 1: clusterjob-no-such-bsub: not found",
        "ssh:alice@login.example.org:2200",
      ],
    );
    assert.deepEqual(error.argv, ["clusterjob-no-such-bsub", "job.lsf"]);
    // under a time limit coreutils' timeout is what answers
    await assert.rejects(
      ssh.run(["clusterjob-no-such-bsub"], { timeout: 10_000, cwd: "~" }),
      (e) =>
        e instanceof CommandNotFoundError && e.command === "clusterjob-no-such-bsub" &&
        /failed to run command/.test(e.said ?? ""),
    );
    // an exit 127 that names another program is the command's own answer
    const own = await ssh.run(["sh", "-c", 'echo "other: not found" >&2; exit 127']);
    assert.deepEqual(own, { code: 127, stdout: "", stderr: "other: not found\n" });
  });
});

Deno.test("SshTransport.run() names a missing remote `timeout` when a time limit needs it", async () => {
  await withFakeSsh(async (fake) => {
    // a remote PATH with the shell's tools but without coreutils' timeout
    await fake.remotePath(await toolDir(fake, ["printf", "cat"]));
    await using ssh = fakeTransport(fake);
    assert.equal((await ssh.run(["printf", "ok"])).stdout, "ok");
    const error = await ssh.run(["printf", "ok"], { timeout: 5_000 }).catch((e) => e);
    assert.ok(error instanceof CommandNotFoundError, String(error));
    assert.equal(error.command, "timeout");
    assert.match(error.message, /^"timeout" is not installed on ssh:login.example.org \(/);
    assert.match(error.message, /under coreutils' timeout on the remote host: install coreutils/);
  });
});

/** A directory of links to this machine's `tools`, to serve as a remote PATH without others. */
async function toolDir(fake: FakeSsh, tools: readonly string[]): Promise<string> {
  const bin = join(fake.dir, "bin");
  await Deno.mkdir(bin);
  for (const tool of tools) {
    const found = await new Deno.Command("sh", { args: ["-c", `command -v ${tool}`] }).output();
    await Deno.symlink(new TextDecoder().decode(found.stdout).trim(), join(bin, tool));
  }
  return bin;
}

Deno.test("over SSH, a login node without the scheduler fails submit and status with CommandNotFoundError", async () => {
  await withFakeSsh(async (fake) => {
    // the file tools and timeout, but no scheduler (even where this machine has one)
    await fake.remotePath(await toolDir(fake, ["mkdir", "cat", "chmod", "mv", "rm", "timeout"]));
    await using ssh = fakeTransport(fake, { user: "alice", persistentSession: false });
    const job = new JobScript({ name: "fit", body: "true", rootdir: "~/runs", workdir: "fit" });
    const cacheFolder = join(fake.dir, "cache");
    const error = await job.submit({ transport: ssh, cacheFolder }).catch((e) => e);
    assert.ok(error instanceof CommandNotFoundError, String(error));
    assert.equal(error.command, "sbatch");
    assert.match(
      error.message,
      // The submit command runs under its 2-minute timeout: coreutils' timeout reports it.
      /^"sbatch" is not installed on ssh:alice@login.example.org \("timeout: failed to run command ‘sbatch’: No such file or directory"\) — is this the login node\? Check the host/,
    );
    // nothing was submitted, so nothing is cached (no "interrupted submission" marker)
    assert.deepEqual([...Deno.readDirSync(cacheFolder)], []);
    // the status poll of a run on that host fails with it, and the run keeps its status
    const run = new AsyncResult({ jobId: "42", backend: slurm, transport: ssh });
    await assert.rejects(
      run.refresh(),
      (e) => e instanceof CommandNotFoundError && e.command === "squeue" && /timeout/.test(e.said!),
    );
    assert.equal(run.status, Status.PENDING);
  });
});

/**
 * Words that would run `touch canary` in the home directory if any shell parsed them as code
 * (no `/`, so they are also file names).
 */
const PAYLOADS: readonly string[] = [
  "$(cd; touch canary)",
  "`cd; touch canary`",
  "x; cd; touch canary",
  "x\ncd; touch canary\n",
  "x' ; cd; touch canary; echo '",
  'x" ; cd; touch canary; echo "',
  "x\\'; cd; touch canary; '",
  "x && cd && touch canary",
  "x | (cd; touch canary)",
  "$(cd;touch${IFS}canary)",
  "-x; cd; touch canary",
  "--x=$(cd; touch canary)",
  "-",
  "--",
  "-n",
];

Deno.test("SshTransport quotes argv, cwd, env and every file path: no payload runs", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    const canary = join(fake.home, "canary");
    const assertNoCanary = async (what: string) =>
      assert.equal(await Deno.stat(canary).then(() => true, () => false), false, what);
    // `-` is a file, never standard input; a leading dash is never an option
    await Deno.writeTextFile(join(fake.home, "-"), "dash file");
    assert.equal(await ssh.readFile("-"), "dash file");
    await ssh.writeFile("-n", "not an option", { mode: 0o600 });
    assert.equal(await Deno.readTextFile(join(fake.home, "-n")), "not an option");
    await ssh.mkdir("-p/-m", { mode: 0o700 });
    await ssh.writeFile("-p/-m/-f", "deep");
    assert.equal(await Deno.readTextFile(join(fake.home, "-p", "-m", "-f")), "deep");
    assert.equal(
      (await ssh.run(["pwd"], { cwd: "-p/-m" })).stdout,
      `${join(fake.home, "-p/-m")}\n`,
    );
    await ssh.remove("-");
    await ssh.remove("-n");
    await ssh.remove("-p/-m/-f");
    assert.deepEqual([...Deno.readDirSync(fake.home)].map((e) => e.name), ["-p"]);
    await Deno.remove(join(fake.home, "-p"), { recursive: true });
    await assertNoCanary("dashes");
    // each payload as an argument, an environment value and a working directory
    const echoed = await ssh.run(["printf", "%s\\0", ...PAYLOADS]);
    assert.deepEqual(echoed.stdout.split("\0").slice(0, -1), PAYLOADS);
    await assertNoCanary("argv");
    for (const [i, payload] of PAYLOADS.entries()) {
      const env = await ssh.run(["sh", "-c", 'printf %s "$V"'], { env: { V: payload } });
      assert.equal(env.stdout, payload);
      await assertNoCanary(`env ${i}`);
      // as a directory, a file in it, and as the working directory of a command
      await ssh.mkdir(payload);
      await ssh.mkdir(`~/${payload}/${payload}`, { mode: 0o700 });
      await ssh.writeFile(`${payload}/${payload}/${payload}`, payload, { mode: 0o600 });
      await ssh.writeFile(`~/${payload}/file`, payload);
      assert.equal(await ssh.readFile(`${payload}/${payload}/${payload}`), payload);
      assert.equal(
        await Deno.readTextFile(join(fake.home, payload, payload, payload)),
        payload,
        "the file is where the path says",
      );
      const pwd = await ssh.run(["pwd"], { cwd: `${payload}/${payload}` });
      assert.equal(pwd.stdout, `${join(fake.home, payload, payload)}\n`);
      await ssh.remove(`${payload}/${payload}/${payload}`);
      await ssh.remove(`~/${payload}/file`);
      assert.deepEqual([...Deno.readDirSync(join(fake.home, payload, payload))], []);
      await assertNoCanary(`path ${JSON.stringify(payload)}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Part 1b, always run: the persistent shell session through the stand-in ssh (the framing
// itself is tested in shell_session_test.ts), and the one-shot fallback under a login shell
// that is not POSIX (the real tcsh).

/** The calls that started a session (their remote command is the bootstrap). */
function sessionCalls(fake: FakeSsh): string[][] {
  return fake.calls().filter((argv) =>
    /^echo cj[0-9a-f]{32}-\$\(\(6\*7\)\) && exec \/bin\/sh -s "\$\(umask\)"$/.test(argv.at(-1)!)
  );
}

/** The calls that ran one command each (neither master, nor session, nor `-O exit`). */
function oneShotCalls(fake: FakeSsh): string[][] {
  const sessions = new Set(sessionCalls(fake));
  return fake.calls().filter((argv) =>
    !argv.includes("-N") && !argv.includes("-O") &&
    !sessionCalls(fake).some((call) => call.join("\0") === argv.join("\0")) && !sessions.has(argv)
  );
}

Deno.test("SshTransport sends every command through one persistent shell session", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake, { maxSessions: 3 });
    for (let i = 0; i < 20; i++) {
      assert.equal((await ssh.run(["echo", String(i)])).stdout, `${i}\n`);
    }
    assert.equal(sessionCalls(fake).length, 1);
    assert.equal(oneShotCalls(fake).length, 0);
    const outputs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ssh.run(["sh", "-c", `sleep 0.05; echo ${i}`])),
    );
    assert.deepEqual(outputs.map((output) => output.stdout), outputs.map((_, i) => `${i}\n`));
    // concurrent commands get at most maxSessions sessions, over the one master
    assert.ok(sessionCalls(fake).length <= 3, String(sessionCalls(fake).length));
    assert.equal(fake.calls().filter((argv) => argv.includes("-N")).length, 1);
    // the session's ssh carries the same options as a command's
    const session = sessionCalls(fake)[0]!;
    assert.equal(sshOption(session, "ControlMaster"), "auto");
    assert.equal(sshOption(session, "BatchMode"), "yes");
    assert.equal(session.at(-3), "--");
  });
});

Deno.test("SshTransport in a session: argv, cwd, env, stdin, exit codes and a missing program", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake, { user: "alice" });
    const output = await ssh.run(["printf", "%s\\0", ...NASTY_WORDS]);
    assert.deepEqual(output.stdout.split("\0").slice(0, -1), NASTY_WORDS);
    await Deno.mkdir(join(fake.home, "my dir $x"));
    assert.deepEqual(
      await ssh.run(["sh", "-c", 'pwd; printf "%s\\n" "$A"; cat'], {
        cwd: "~/my dir $x",
        env: { A: "it's $HOME" },
        stdin: "from stdin",
      }),
      { code: 0, stdout: `${join(fake.home, "my dir $x")}\nit's $HOME\nfrom stdin`, stderr: "" },
    );
    assert.equal((await ssh.run(["sh", "-c", "exit 42"])).code, 42);
    // builtins run as under `sh -c`, and leave the session as it was
    assert.equal((await ssh.run(["exit", "3"])).code, 3);
    assert.equal((await ssh.run(["cd", "/"])).code, 0);
    assert.equal((await ssh.run(["pwd"])).stdout, `${fake.home}\n`);
    // a reserved word is no syntax for the session's shell: a program that is not there
    await assert.rejects(ssh.run(["if"]), CommandNotFoundError);
    const error = await ssh.run(["clusterjob-no-such-bsub", "job.lsf"]).catch((e) => e);
    assert.ok(error instanceof CommandNotFoundError, String(error));
    assert.match(error.said ?? "", /clusterjob-no-such-bsub: not found/);
    // a NUL in stdin cannot sit in a shell word: that command goes one-shot, bytes intact
    const bytes = new Uint8Array([0, 1, 0x27, 0, 0xff]);
    const od = await ssh.run(["od", "-An", "-tx1"], { stdin: bytes });
    assert.deepEqual(od.stdout.trim().split(/\s+/), ["00", "01", "27", "00", "ff"]);
    assert.equal(oneShotCalls(fake).length, 1);
    assert.equal(sessionCalls(fake).length, 1);
  });
});

Deno.test("SshTransport in a session: a timeout replaces the session, the remote side has a limit too", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    await ssh.run(["true"]);
    const started = performance.now();
    const error = await ssh.run(["sleep", "30"], { timeout: 300 }).catch((e) => e);
    assert.ok(error instanceof CommandTimeoutError, JSON.stringify(error));
    assert.deepEqual(error.argv, ["sleep", "30"]);
    assert.ok(performance.now() - started < 5_000);
    // the remote line carries coreutils' timeout (it answers for a missing program under it)
    const limited = await ssh.run(["sh", "-c", "ps -o args= -p $PPID"], { timeout: 5_000 });
    assert.match(limited.stdout, /^timeout -k 5 7 sh -c/);
    assert.equal(sessionCalls(fake).length, 2);
    assert.equal((await ssh.run(["echo", "after"])).stdout, "after\n");
    assert.equal(sessionCalls(fake).length, 2);
  });
});

Deno.test("SshTransport replaces a session that dropped (reconnect)", async () => {
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake);
    // the session's shell dies during a command: 255, as a lost ssh answers
    const lost = await ssh.run(["sh", "-c", "kill -9 $PPID"]);
    assert.equal(lost.code, 255);
    assert.match(lost.stderr, /session ended before the command finished/);
    assert.equal((await ssh.run(["echo", "again"])).stdout, "again\n");
    // it dies while idle: the next command starts another
    const pid = Number((await ssh.run(["sh", "-c", "echo $PPID"])).stdout);
    Deno.kill(pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await ssh.run(["echo", "once more"])).stdout, "once more\n");
    assert.equal(sessionCalls(fake).length, 3);
  });
});

Deno.test("SshTransport.close() lets a running command finish and refuses one still waiting", async () => {
  await withFakeSsh(async (fake) => {
    const ssh = fakeTransport(fake, { maxSessions: 1 });
    const running = ssh.run(["sh", "-c", "touch started; sleep 0.3; echo done"]);
    const waiting = ssh.run(["echo", "never"]).catch((e) => e);
    while (!(await Deno.stat(join(fake.home, "started")).then(() => true, () => false))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await ssh.close();
    assert.equal((await running).stdout, "done\n");
    const refused = await waiting;
    assert.ok(refused instanceof TransportError && /closed/.test(refused.message), String(refused));
    assert.equal(sessionCalls(fake).length, 1);
  });
});

/**
 * A PATH for the remote commands with every program of this machine's PATH but perl, so that
 * the shell writes files where perl would (SshTransport uses perl where the host has it).
 */
async function pathWithoutPerl(fake: FakeSsh): Promise<string> {
  const bin = join(fake.dir, "no-perl");
  try {
    await Deno.stat(bin);
    return bin;
  } catch {
    await Deno.mkdir(bin);
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    const entries = await Array.fromAsync(Deno.readDir(dir)).catch(() => []);
    for (const entry of entries) {
      if (entry.name.startsWith("perl")) continue;
      await Deno.symlink(join(dir, entry.name), join(bin, entry.name)).catch(() => {});
    }
  }
  return bin;
}

for (const perl of [true, false]) {
  Deno.test(`SshTransport.writeFiles creates folders and writes every file in one round trip${perl ? "" : " (no perl there: the shell writes)"}`, async () => {
    await withFakeSsh(async (fake) => {
      if (!perl) await fake.remotePath(await pathWithoutPerl(fake));
      for (const persistentSession of [false, true]) {
        await using ssh = fakeTransport(fake, { persistentSession });
        await ssh.run(["true"]);
        const before = fake.calls().length;
        const root = `~/runs ${persistentSession}/a 'b'`;
        await ssh.writeFiles(
          [
            { path: `${root}/job $1.sh`, text: "#!/bin/sh\necho 'hi'\n", mode: 0o755 },
            { path: `${root}/logs/aux.sh`, text: "", mode: 0o600 },
            { path: `${root}/data`, text: "x".repeat(200_000) },
          ],
          { directories: [root, `${root}/logs`] },
        );
        // a batch of 200 kB goes file by file (through stdin): with sessions, the big file by a
        // one-shot ssh and the small ones in sessions (one more for the concurrent write);
        // one-shot, one ssh for each folder and file
        const extra = fake.calls().length - before;
        assert.equal(extra, persistentSession ? 2 : 2 + 3, `calls: ${extra}`);
        const dir = join(fake.home, `runs ${persistentSession}`, "a 'b'");
        assert.equal(await Deno.readTextFile(join(dir, "job $1.sh")), "#!/bin/sh\necho 'hi'\n");
        assert.equal((await Deno.stat(join(dir, "job $1.sh"))).mode! & 0o777, 0o755);
        assert.equal((await Deno.stat(join(dir, "logs", "aux.sh"))).mode! & 0o777, 0o600);
        assert.equal((await Deno.stat(join(dir, "data"))).mode! & 0o777, 0o644);
        assert.equal((await Deno.readTextFile(join(dir, "data"))).length, 200_000);
        // directories get the login's umask (as mkdir), not the files' private one
        assert.equal((await Deno.stat(join(dir, "logs"))).mode! & 0o777, 0o755);
        // small batches are one command one-shot too
        const small = fake.calls().length;
        await ssh.writeFiles([{ path: `${root}/s1`, text: "1" }, {
          path: `${root}/s2`,
          text: "2",
        }]);
        assert.equal(fake.calls().length - small, persistentSession ? 0 : 1);
      }
    });
  });
}

for (const perl of [true, false]) {
  Deno.test(`SshTransport.writeFiles fails as a whole, naming what failed, and leaves no temporary file${perl ? "" : " (no perl there: the shell writes)"}`, async () => {
    await withFakeSsh(async (fake) => {
      if (!perl) await fake.remotePath(await pathWithoutPerl(fake));
      await using ssh = fakeTransport(fake);
      await ssh.mkdir("~/w");
      await Deno.writeTextFile(join(fake.home, "w", "old"), "old");
      await assert.rejects(
        ssh.writeFiles([{ path: "~/w/old", text: "new" }, { path: "~/w/none/f", text: "x" }]),
        (e) => e instanceof TransportError && /Cannot write file "~\/w\/none\/f"/.test(e.message),
      );
      assert.equal(await Deno.readTextFile(join(fake.home, "w", "old")), "old");
      assert.deepEqual([...Deno.readDirSync(join(fake.home, "w"))].map((e) => e.name), ["old"]);
      await assert.rejects(
        ssh.writeFiles([{ path: "~/w/old/x", text: "x" }], { directories: ["~/w/old/sub"] }),
        (e) =>
          e instanceof TransportError && /Cannot create directory "~\/w\/old\/sub"/.test(e.message),
      );
      await assert.rejects(
        ssh.writeFiles([{ path: "~/w", text: "x" }]),
        (e) =>
          e instanceof TransportError && /Cannot write file "~\/w": is a directory/.test(e.message),
      );
      await assert.rejects(ssh.writeFiles([{ path: "", text: "x" }]), /files\[0\]\.path/);
      await assert.rejects(
        ssh.writeFiles([{ path: "a", text: "x", mode: 0o10000 }]),
        /files\[0\]\.mode/,
      );
      await assert.rejects(ssh.writeFiles([], { directories: [""] }), /directories\[0\]/);
      // texts with a NUL go file by file, through stdin, and arrive whole
      await ssh.writeFiles([{ path: "~/w/nul", text: "a\0b" }]);
      assert.equal(await Deno.readTextFile(join(fake.home, "w", "nul")), "a\0b");
      for (const payload of PAYLOADS) {
        await ssh.writeFiles([{ path: `~/w/${payload}`, text: payload }], {
          directories: [`~/w/d${payload}`],
        });
        assert.equal(await Deno.readTextFile(join(fake.home, "w", payload)), payload);
      }
      await assert.rejects(Deno.stat(join(fake.home, "canary")), Deno.errors.NotFound);
    });
  });
}

/** Whether a program is there (fish and tcsh come from .ci/run's Debian packages). */
function installed(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

for (const shell of ["/usr/bin/tcsh", "/usr/bin/fish"]) {
  Deno.test({
    name:
      `SshTransport under a ${shell} login: detected once, every command one-shot and still quoted`,
    // .ci/run installs both
    ignore: !installed(shell),
    fn: () =>
      withFakeSsh(async (fake) => {
        await fake.loginShell(shell);
        await using ssh = fakeTransport(fake);
        const output = await ssh.run(["printf", "%s\\0", ...NASTY_WORDS]);
        assert.deepEqual(output.stdout.split("\0").slice(0, -1), NASTY_WORDS);
        assert.deepEqual(
          await ssh.run(["sh", "-c", 'pwd; printf "%s\\n" "$A"; cat'], {
            cwd: "~",
            env: { A: "it's $HOME!" },
            stdin: "in\n",
          }),
          { code: 0, stdout: `${fake.home}\nit's $HOME!\nin\n`, stderr: "" },
        );
        await ssh.mkdir("~/t 'x'");
        await ssh.writeFile("~/t 'x'/f!", "one\ntwo", { mode: 0o700 });
        assert.equal(await ssh.readFile("~/t 'x'/f!"), "one\ntwo");
        await ssh.writeFiles([{ path: "~/t 'x'/g", text: "a 'b' $c\n!x" }], {
          directories: ["~/t 'x'/d"],
        });
        assert.equal(await Deno.readTextFile(join(fake.home, "t 'x'", "g")), "a 'b' $c\n!x");
        await assert.rejects(ssh.run(["clusterjob-no-such-bsub"]), CommandNotFoundError);
        for (const payload of PAYLOADS) {
          const echoed = await ssh.run(["printf", "%s", payload], { env: { P: payload } });
          assert.equal(echoed.stdout, payload);
        }
        await assert.rejects(Deno.stat(join(fake.home, "canary")), Deno.errors.NotFound);
        // the probe ran once; every command went one-shot
        assert.equal(sessionCalls(fake).length, 1);
        assert.ok(oneShotCalls(fake).length >= 10);
      }),
  });
}

Deno.test("SshTransport: persistentSession must be a boolean; false starts one ssh per command", async () => {
  assert.throws(
    () => new SshTransport({ host: "h", persistentSession: "no" as unknown as boolean }),
    (e) => e instanceof InvalidValueError && e.field === "persistentSession",
  );
  await withFakeSsh(async (fake) => {
    await using ssh = fakeTransport(fake, { persistentSession: false });
    for (let i = 0; i < 3; i++) await ssh.run(["true"]);
    assert.equal(sessionCalls(fake).length, 0);
    assert.equal(oneShotCalls(fake).length, 3);
  });
});

for (const perl of [true, false]) {
  Deno.test(`SshTransport.writeFilesThenRun writes folders and files, then runs the command, in one command${perl ? "" : " (no perl there: the shell writes)"}`, async () => {
    await withFakeSsh(async (fake) => {
      if (!perl) await fake.remotePath(await pathWithoutPerl(fake));
      for (const persistentSession of [false, true]) {
        await using ssh = fakeTransport(fake, { persistentSession });
        const loginUmask = (await ssh.run(["sh", "-c", "umask"])).stdout;
        const before = fake.calls().length;
        const root = `~/wr ${persistentSession}/a 'b' $x`;
        const output = await ssh.writeFilesThenRun(
          [
            { path: `${root}/job.sh`, text: "#!/bin/sh\necho 'hi' $1\n", mode: 0o755 },
            { path: `${root}/sub/secret`, text: "it's\nprivate $HOME", mode: 0o600 },
          ],
          [
            "sh",
            "-c",
            'stat -c "%a %n" job.sh sub/secret; umask; cat; printf "%s\\0" "$@"',
            "sh",
            ...NASTY_WORDS,
          ],
          { directories: [root, `${root}/sub`], cwd: root, stdin: "in 'put'\n", timeout: 10_000 },
        );
        // the files were in place, whole and with their modes, when the command ran; it ran
        // under the login's umask (the files' private one was undone), in its cwd, with its stdin
        const head = `755 job.sh\n600 sub/secret\n${loginUmask}in 'put'\n`;
        assert.equal(output.stdout.slice(0, head.length), head);
        assert.deepEqual(output.stdout.slice(head.length).split("\0").slice(0, -1), NASTY_WORDS);
        const dir = join(fake.home, `wr ${persistentSession}`, "a 'b' $x");
        assert.equal(await Deno.readTextFile(join(dir, "sub", "secret")), "it's\nprivate $HOME");
        assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["job.sh", "sub"]);
        // one ssh one-shot, none with a session (it carried the command)
        assert.equal(fake.calls().length - before, persistentSession ? 0 : 1);

        // a file that cannot be written: typed, named, and the command never ran
        const error = await ssh.writeFilesThenRun(
          [{ path: `${root}/job.sh`, text: "new" }, { path: `${root}/none/x`, text: "x" }],
          ["touch", "ran"],
          { cwd: "~" },
        ).catch((e) => e);
        assert.ok(error instanceof FilesNotWrittenError, String(error));
        assert.equal(error.path, `${root}/none/x`);
        assert.match(error.message, /Cannot write file ".*\/none\/x": not found/);
        assert.equal(await Deno.stat(join(fake.home, "ran")).then(() => true, () => false), false);
        assert.equal(await Deno.readTextFile(join(dir, "job.sh")), "#!/bin/sh\necho 'hi' $1\n");
        await assert.rejects(
          ssh.writeFilesThenRun([], ["touch", "ran"], { directories: [`${root}/job.sh/d`] }),
          (e) => e instanceof FilesNotWrittenError && e.path === `${root}/job.sh/d`,
        );
        // a command whose output looks like a failure line is only a command's output
        assert.deepEqual(
          await ssh.writeFilesThenRun([{ path: `${root}/f`, text: "f" }], [
            "sh",
            "-c",
            "echo f0; echo d0; exit 1",
          ]),
          { code: 1, stdout: "f0\nd0\n", stderr: "" },
        );
        await assert.rejects(
          ssh.writeFilesThenRun([{ path: `${root}/g`, text: "g" }], ["clusterjob-no-such-qsub"]),
          CommandNotFoundError,
        );
        // a batch too big for one command line is written first, then the command runs
        const big = "y".repeat(100_000);
        const large = await ssh.writeFilesThenRun(
          [{ path: `${root}/big`, text: big }],
          ["wc", "-c", "big"],
          { cwd: root },
        );
        assert.equal(large.stdout.trim(), "100000 big");
        await assert.rejects(
          ssh.writeFilesThenRun([{ path: `${root}/none/big`, text: big }], ["true"]),
          (e) => e instanceof FilesNotWrittenError && /none\/big/.test(e.message),
        );
        for (const payload of PAYLOADS) {
          const echoed = await ssh.writeFilesThenRun(
            [{ path: `~/wp/${payload}`, text: payload }],
            ["cat", "--", `./${payload}`],
            { directories: [`~/wp/d${payload}`], cwd: "~/wp", env: { P: payload } },
          );
          assert.equal(echoed.stdout, payload);
        }
        await assert.rejects(Deno.stat(join(fake.home, "canary")), Deno.errors.NotFound);
        await assert.rejects(ssh.writeFilesThenRun([], []), InvalidValueError);
        await assert.rejects(
          ssh.writeFilesThenRun([], ["true"], { directories: [""] }),
          /directories\[0\]/,
        );
        await assert.rejects(
          ssh.writeFilesThenRun([], ["true"], { cwd: 3 } as never),
          (e) => e instanceof InvalidValueError && e.field === "cwd",
        );
      }
    });
  });
}

for (const perl of [true, false]) {
  Deno.test(`over SSH, submitting a job is one remote command; a prologue, or a failed write, as before${perl ? "" : " (no perl there: the shell writes)"}`, async () => {
    await withFakeSsh(async (fake) => {
      if (!perl) await fake.remotePath(await pathWithoutPerl(fake));
      const bin = join(fake.dir, "sched");
      await Deno.mkdir(bin);
      // a stand-in sbatch that answers an id, and says which files it found
      await Deno.writeTextFile(
        join(bin, "sbatch"),
        `#!/bin/sh\nls -A >> "$HOME/sbatch.log"; umask >> "$HOME/sbatch.log"; echo 4242\n`,
        { mode: 0o755 },
      );
      if (perl) {
        // perl, as the host has it, noting each time it runs
        const real = new TextDecoder().decode(
          (await new Deno.Command("sh", { args: ["-c", "command -v perl"] }).output()).stdout,
        ).trim();
        await Deno.writeTextFile(
          join(bin, "perl"),
          `#!/bin/sh\necho ran >> "$HOME/perl.log"\nexec ${real} "$@"\n`,
          { mode: 0o755 },
        );
      }
      await fake.remotePath(`${bin}:${perl ? Deno.env.get("PATH") : await pathWithoutPerl(fake)}`);
      await using ssh = fakeTransport(fake, { persistentSession: false });
      const loginUmask = (await ssh.run(["sh", "-c", "umask"])).stdout;
      const cacheFolder = join(fake.dir, "cache");
      const job = new JobScript({
        name: "one",
        body: "true",
        rootdir: "~/runs",
        workdir: "one",
        auxScripts: { "setup.sh": "echo 'set up'\n" },
        cacheFolder,
      });
      const before = fake.calls().length;
      const run = await job.submit({ transport: ssh });
      assert.equal(run.jobId, "4242");
      assert.equal(fake.calls().length - before, 1, "one ssh for the folder, files and sbatch");
      // one perl wrote the files where the host has perl; the shell alone where not
      const perlRuns = await Deno.readTextFile(join(fake.home, "perl.log")).catch(() => "");
      assert.equal(perlRuns, perl ? "ran\n" : "");
      assert.equal(
        await Deno.readTextFile(join(fake.home, "sbatch.log")),
        `one.slr\nsetup.sh\n${loginUmask}`,
      );
      const files = join(fake.home, "runs", "one");
      assert.equal((await Deno.stat(join(files, "setup.sh"))).mode! & 0o777, 0o755);
      assert.match(await Deno.readTextFile(join(files, "one.slr")), /^#!\/bin\/bash\n/);

      // with a prologue (it runs here between the writes and the submit): two commands
      const withPrologue = job.with({ name: "two", workdir: "two", prologue: "true" });
      const second = fake.calls().length;
      assert.equal((await withPrologue.submit({ transport: ssh })).jobId, "4242");
      assert.equal(fake.calls().length - second, 2);

      // the working directory cannot be made: nothing submitted, nothing cached
      await Deno.writeTextFile(join(fake.home, "runs", "file"), "");
      await Deno.remove(join(fake.home, "sbatch.log"));
      const blocked = job.with({ name: "three", workdir: "file/three" });
      const error = await blocked.submit({ transport: ssh }).catch((e) => e);
      assert.ok(error instanceof FilesNotWrittenError, String(error));
      assert.equal(error.path, "~/runs/file/three");
      assert.equal(
        await Deno.stat(join(fake.home, "sbatch.log")).then(() => true, () => false),
        false,
      );
      const cached = [...Deno.readDirSync(cacheFolder)].map((entry) => entry.name);
      assert.equal(cached.length, 2, cached.join(", "));
    });
  });
}

Deno.test("a perl that breaks while writing fails the batch as a whole; the command never runs", async () => {
  await withFakeSsh(async (fake) => {
    const bin = join(fake.dir, "broken");
    await Deno.mkdir(bin);
    await Deno.writeTextFile(join(bin, "perl"), "#!/bin/sh\necho 'perl: broken' >&2; exit 9\n", {
      mode: 0o755,
    });
    await fake.remotePath(`${bin}:${Deno.env.get("PATH")}`);
    await using ssh = fakeTransport(fake);
    const error = await ssh.writeFilesThenRun([{ path: "~/a", text: "a" }], ["touch", "ran"])
      .catch((e) => e);
    assert.ok(error instanceof FilesNotWrittenError, String(error));
    assert.match(error.message, /Cannot write file "~\/a": perl: broken/);
    await assert.rejects(Deno.stat(join(fake.home, "ran")), Deno.errors.NotFound);
    await assert.rejects(
      ssh.writeFiles([{ path: "~/b", text: "b" }]),
      (e) => e instanceof TransportError && /perl: broken/.test(e.message),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Part 2: a real OpenSSH server on 127.0.0.1 (test/real/sshd-up.sh).

realTests("ssh", () => {
  const connect = (options: Partial<SshTransportOptions> = {}): SshTransport =>
    new SshTransport({ host: sshTarget.host, configFile: sshTarget.configFile, ...options });

  Deno.test("real ssh: commands share one multiplexed connection", async () => {
    await using ssh = connect();
    const first = await ssh.run(["sh", "-c", 'echo "$SSH_CONNECTION"']);
    assert.equal(first.code, 0, first.stderr);
    const again = await Promise.all(
      Array.from({ length: 10 }, () => ssh.run(["sh", "-c", 'echo "$SSH_CONNECTION"'])),
    );
    // the client's source port is the same for every command: one TCP connection
    for (const output of again) assert.equal(output.stdout, first.stdout);
    await using other = connect();
    const fresh = await other.run(["sh", "-c", 'echo "$SSH_CONNECTION"']);
    assert.notEqual(fresh.stdout, first.stdout);
  });

  Deno.test("real ssh: arguments, exit codes, cwd, env and stdin", async () => {
    await using ssh = connect();
    const args = await ssh.run(["printf", "%s\\0", ...NASTY_WORDS]);
    assert.deepEqual(args.stdout.split("\0").slice(0, -1), NASTY_WORDS);
    assert.equal((await ssh.run(["sh", "-c", "exit 7"])).code, 7);
    await assert.rejects(
      ssh.run(["clusterjob-no-such-program", "x"]),
      (e) =>
        e instanceof CommandNotFoundError && e.command === "clusterjob-no-such-program" &&
        e.where === ssh.name &&
        /is not installed on ssh:.* — is this the login node\?/.test(e.message),
    );
    // under a time limit, coreutils' timeout answers for the shell
    await assert.rejects(
      ssh.run(["clusterjob-no-such-program"], { timeout: 10_000 }),
      (e) => e instanceof CommandNotFoundError && e.command === "clusterjob-no-such-program",
    );
    await ssh.mkdir("~/cj ssh test/sub dir");
    const output = await ssh.run(["sh", "-c", 'pwd; echo "$GREETING"; cat'], {
      cwd: "~/cj ssh test/sub dir",
      env: { GREETING: "hé 'there' $USER" },
      stdin: "line\n",
    });
    const home = (await ssh.run(["sh", "-c", 'echo "$HOME"'])).stdout.trim();
    assert.equal(output.stdout, `${home}/cj ssh test/sub dir\nhé 'there' $USER\nline\n`);
    await ssh.run(["rm", "-rf", "cj ssh test"]);
  });

  Deno.test("real ssh: payloads in argv, cwd, env and file paths never run (canary)", async () => {
    await using ssh = connect();
    await ssh.remove("~/canary");
    const canary = async () => (await ssh.run(["test", "-e", "canary"], { cwd: "~" })).code === 0;
    const base = `~/cj-inject-${crypto.randomUUID()}`;
    await ssh.mkdir(base);
    const echoed = await ssh.run(["printf", "%s\\0", ...PAYLOADS], { cwd: base });
    assert.deepEqual(echoed.stdout.split("\0").slice(0, -1), PAYLOADS);
    for (const payload of PAYLOADS) {
      const dir = `${base}/${payload}`;
      await ssh.mkdir(`${dir}/${payload}`, { mode: 0o700 });
      await ssh.writeFile(`${dir}/${payload}/${payload}`, payload);
      assert.equal(await ssh.readFile(`${dir}/${payload}/${payload}`), payload);
      const pwd = await ssh.run(["sh", "-c", 'printf %s "${PWD##*/}|$V"'], {
        cwd: `${dir}/${payload}`,
        env: { V: payload },
        timeout: 10_000,
      });
      assert.equal(pwd.stdout, `${payload}|${payload}`);
      await ssh.remove(`${dir}/${payload}/${payload}`);
      assert.equal(await canary(), false, JSON.stringify(payload));
    }
    // a directory is never replaced by, nor filled with, a file
    await assert.rejects(
      ssh.writeFile(`${base}/-`, "dash"),
      (e) => e instanceof TransportError && /: is a directory$/.test(e.message),
    );
    assert.equal((await ssh.run(["ls", "-A", "--", "./-"], { cwd: base })).stdout, "-\n");
    await ssh.run(["rm", "-rf", "--", base.slice(2)]);
    assert.equal(await canary(), false);
  });

  Deno.test("real ssh: a timeout fails locally and the remote command dies too", async () => {
    await using ssh = connect();
    const pidFile = `~/.cj-timeout-${crypto.randomUUID()}.pid`;
    const started = performance.now();
    const error = await ssh.run(["sh", "-c", `echo $$ > ${pidFile}; exec sleep 60`], {
      timeout: 1000,
    }).catch((e) => e);
    assert.ok(error instanceof CommandTimeoutError, String(error));
    assert.ok(performance.now() - started < 5_000);
    const pid = (await ssh.readFile(pidFile)).trim();
    // the remote `timeout` ends it within its limit (1 s + slack) plus its kill grace
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      alive = (await ssh.run(["kill", "-0", pid])).code === 0;
      if (alive) await realClock.sleep(100);
    }
    assert.equal(alive, false, `remote process ${pid} still runs`);
    await ssh.remove(pidFile);
  });

  Deno.test("real ssh: files are written atomically with their mode, read and removed", async () => {
    await using ssh = connect();
    const dir = `~/cj-files-${crypto.randomUUID()}`;
    await ssh.mkdir(`${dir}/a b`, { mode: 0o700 });
    const path = `${dir}/a b/job 'x'.sh`;
    const text = "#!/bin/sh\necho 'héllo' \"$1\" `x`\n".repeat(5000);
    await ssh.writeFile(path, text, { mode: 0o750 });
    assert.equal(await ssh.readFile(path), text);
    // nothing but the file: no temporary file is left behind
    assert.equal((await ssh.run(["ls", "-A"], { cwd: `${dir}/a b` })).stdout, "job 'x'.sh\n");
    const mode = await ssh.run(["stat", "-c", "%a", `a b/job 'x'.sh`], { cwd: dir });
    assert.equal(mode.stdout.trim(), "750");
    const dirMode = await ssh.run(["stat", "-c", "%a", "a b"], { cwd: dir });
    assert.equal(dirMode.stdout.trim(), "700");
    await ssh.remove(path);
    await assert.rejects(ssh.readFile(path), TransportError);
    await ssh.run(["rm", "-rf", dir.slice(2)]);
  });

  Deno.test("real ssh: an unknown host key fails fast instead of prompting", async () => {
    const emptyKnownHosts = await Deno.makeTempFile({ prefix: "cj-known-hosts-" });
    try {
      await using ssh = connect({ extraOptions: { UserKnownHostsFile: emptyKnownHosts } });
      const started = performance.now();
      await assert.rejects(
        ssh.run(["true"]),
        (e) => e instanceof TransportError && /host key/i.test(e.message),
      );
      assert.ok(performance.now() - started < 5_000);
    } finally {
      await Deno.remove(emptyKnownHosts);
    }
  });

  Deno.test("real ssh: close() ends the master connection", async () => {
    const ssh = connect();
    const before = (await ssh.run(["sh", "-c", 'echo "$SSH_CONNECTION"'])).stdout.trim();
    const clientPort = before.split(" ")[1];
    await ssh.close();
    // no connection from that client port is left
    await using probe = connect();
    let open = true;
    for (let i = 0; i < 30 && open; i++) {
      const sockets = await probe.run(["sh", "-c", "cat /proc/net/tcp"]);
      const hexPort = Number(clientPort).toString(16).toUpperCase().padStart(4, "0");
      // an ESTABLISHED (state 01) socket on that port, on either side (both are on this host)
      open = sockets.stdout.split("\n").some((line) => {
        const [, local, remote, state] = line.trim().split(/\s+/);
        return state === "01" && [local, remote].some((end) => end?.endsWith(`:${hexPort}`));
      });
      if (open) await realClock.sleep(100);
    }
    assert.equal(open, false);
    await assert.rejects(ssh.run(["true"]), TransportError);
  });

  Deno.test("real ssh: one persistent session carries the commands, its framing holds", async () => {
    await using ssh = connect();
    // `$$` in a command is the session shell's pid: the same shell, command after command
    const shell = (await ssh.run(["sh", "-c", "echo $PPID"])).stdout;
    for (let i = 0; i < 5; i++) {
      assert.equal((await ssh.run(["sh", "-c", "echo $PPID"])).stdout, shell);
    }
    const size = 2_000_000;
    const big = await ssh.run([
      "sh",
      "-c",
      `head -c ${size} /dev/zero | tr '\\000' z; printf e >&2`,
    ]);
    assert.equal(big.stdout.length, size);
    assert.equal(big.stderr, "e");
    const data = "line 'x' $(touch canary)\n".repeat(40_000) + "no newline";
    assert.equal((await ssh.run(["cat"], { stdin: data })).stdout, data);
    const marker = "cj0123456789abcdef0123456789abcdef:e0\n";
    assert.deepEqual(await ssh.run(["printf", "%s", marker]), {
      code: 0,
      stdout: marker,
      stderr: "",
    });
    const binary = await ssh.run(["printf", "a\\000\\377b"]);
    assert.equal(binary.stdout, "a\0\ufffdb");
    assert.equal((await ssh.run(["cat"])).stdout, "");
    assert.equal((await ssh.run(["sh", "-c", "test -e canary || echo clean"])).stdout, "clean\n");
    assert.equal((await ssh.run(["sh", "-c", "echo $PPID"])).stdout, shell);
  });

  Deno.test("real ssh: a timed-out or dropped session is replaced by a new one", async () => {
    await using ssh = connect();
    const first = (await ssh.run(["sh", "-c", "echo $PPID"])).stdout;
    await assert.rejects(ssh.run(["sleep", "30"], { timeout: 500 }), CommandTimeoutError);
    const second = (await ssh.run(["sh", "-c", "echo $PPID"])).stdout;
    assert.notEqual(second, first);
    const lost = await ssh.run(["sh", "-c", "kill -9 $PPID"]);
    assert.equal(lost.code, 255);
    const third = await ssh.run(["sh", "-c", "echo $PPID"]);
    assert.equal(third.code, 0);
    assert.notEqual(third.stdout, second);
  });

  Deno.test("real ssh: writeFilesThenRun is one session command: files in place, login umask", async () => {
    await using ssh = connect();
    const root = `clusterjob-wtr-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const shell = (await ssh.run(["sh", "-c", "echo $PPID"])).stdout;
      const loginUmask = (await ssh.run(["sh", "-c", "umask"])).stdout;
      const output = await ssh.writeFilesThenRun(
        [
          { path: `~/${root}/a b/job.sh`, text: "#!/bin/sh\necho 'hi'\n", mode: 0o755 },
          { path: `~/${root}/a b/key`, text: "$(touch canary) 'x'", mode: 0o600 },
        ],
        [
          "sh",
          "-c",
          'stat -c "%a %n" *; umask; cat key; echo " $PPID"; printf "%s\\0" "$@"',
          "sh",
          ...NASTY_WORDS,
        ],
        { directories: [`~/${root}/a b`], cwd: `~/${root}/a b` },
      );
      // `$PPID` is the session's shell: the same session carried it
      const head = `755 job.sh\n600 key\n${loginUmask}$(touch canary) 'x' ${shell}`;
      assert.equal(output.stdout.slice(0, head.length), head);
      assert.deepEqual(output.stdout.slice(head.length).split("\0").slice(0, -1), NASTY_WORDS);
      assert.equal((await ssh.run(["ls", "-A", `${root}/a b`])).stdout, "job.sh\nkey\n");
      await assert.rejects(
        ssh.writeFilesThenRun([{ path: `~/${root}/none/x`, text: "x" }], ["touch", `${root}/ran`]),
        (e) => e instanceof FilesNotWrittenError && e.path === `~/${root}/none/x`,
      );
      assert.equal((await ssh.run(["test", "-e", `${root}/ran`])).code, 1);
      assert.equal((await ssh.run(["test", "-e", "canary"])).code, 1);
    } finally {
      await ssh.run(["rm", "-rf", "--", root]);
    }
  });

  for (const shell of ["fish", "tcsh"]) {
    // sshd-up.sh's user whose login shell is `shell` (host alias clusterjob-test-<shell>)
    Deno.test(`real ssh: under a ${shell} login, commands go one-shot and keep every word intact`, async () => {
      await using ssh = connect({ host: `${sshTarget.host}-${shell}` });
      const login = await ssh.run(["sh", "-c", 'echo "$SHELL"']);
      assert.equal(login.stdout, `/usr/bin/${shell}\n`, login.stderr);
      // one ssh per command: each runs under a fresh sshd session (its own parent), where a
      // persistent session would show one shell again and again (as for the POSIX login)
      const parents = new Set<string>();
      for (let i = 0; i < 3; i++) parents.add((await ssh.run(["sh", "-c", "echo $PPID"])).stdout);
      assert.equal(parents.size, 3);
      await using posix = connect();
      const shared = new Set<string>();
      for (let i = 0; i < 3; i++) shared.add((await posix.run(["sh", "-c", "echo $PPID"])).stdout);
      assert.equal(shared.size, 1);

      const words = [...NASTY_WORDS, "two words", "it's", 'say "hi"', "$HOME", "a\nb", "%d \\n"];
      const echoed = await ssh.run(["printf", "%s\\0", ...words]);
      assert.deepEqual(echoed.stdout.split("\0").slice(0, -1), words);
      const root = `cj-${shell}-${crypto.randomUUID().slice(0, 8)}`;
      const dir = `~/${root}/it's a "dir" $x`;
      try {
        await ssh.mkdir(dir);
        const output = await ssh.run(["sh", "-c", 'printf "%s|%s|" "${PWD##*/}" "$V"; cat'], {
          cwd: dir,
          env: { V: "line 1\nline 'two' $HOME `x`" },
          stdin: "in 'put' $y\n",
          timeout: 20_000,
        });
        assert.equal(output.stdout, `it's a "dir" $x|line 1\nline 'two' $HOME \`x\`|in 'put' $y\n`);
        await ssh.writeFile(`${dir}/f 'x'`, "one\n$two\n", { mode: 0o600 });
        assert.equal(await ssh.readFile(`${dir}/f 'x'`), "one\n$two\n");
        const ran = await ssh.writeFilesThenRun(
          [{ path: `${dir}/sub/job $1.sh`, text: "#!/bin/sh\necho 'hi' \"$1\"\n", mode: 0o755 }],
          [
            "sh",
            "-c",
            'stat -c %a "sub/job \\$1.sh"; umask; sh "sub/job \\$1.sh" "$1"',
            "sh",
            "a b",
          ],
          { directories: [`${dir}/sub`], cwd: dir },
        );
        const loginUmask = (await ssh.run(["sh", "-c", "umask"])).stdout;
        assert.equal(ran.stdout, `755\n${loginUmask}hi a b\n`, ran.stderr);
        await assert.rejects(ssh.run(["clusterjob-no-such-sbatch"]), CommandNotFoundError);
        for (const payload of PAYLOADS) {
          const back = await ssh.run(["printf", "%s", payload], { env: { P: payload } });
          assert.equal(back.stdout, payload);
        }
        assert.equal((await ssh.run(["test", "-e", "canary"])).code, 1);
      } finally {
        await ssh.run(["rm", "-rf", "--", root]);
      }
    });
  }

  Deno.test("real ssh: writeFiles writes folders and files whole, or nothing", async () => {
    await using ssh = connect();
    const root = `clusterjob-writefiles-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await ssh.writeFiles(
        [
          { path: `~/${root}/a b/job.sh`, text: "#!/bin/sh\necho 'hi'\n", mode: 0o755 },
          { path: `~/${root}/a b/aux`, text: "$(touch canary)", mode: 0o600 },
        ],
        { directories: [`~/${root}/a b`] },
      );
      const listing = await ssh.run([
        "sh",
        "-c",
        `cd ${root}/'a b' && stat -c '%a %n' * && cat aux`,
      ]);
      assert.equal(listing.stdout, "600 aux\n755 job.sh\n$(touch canary)");
      await assert.rejects(
        ssh.writeFiles([
          { path: `~/${root}/a b/job.sh`, text: "new" },
          { path: `~/${root}/none/x`, text: "x" },
        ]),
        (e) => e instanceof TransportError && e.message.includes(`${root}/none/x`),
      );
      assert.equal(await ssh.readFile(`~/${root}/a b/job.sh`), "#!/bin/sh\necho 'hi'\n");
      const files = await ssh.run(["ls", "-A", `${root}/a b`]);
      assert.equal(files.stdout, "aux\njob.sh\n");
    } finally {
      await ssh.run(["rm", "-rf", "--", root]);
    }
  });
});
