/**
 * The PBS command-line tools as the simulator emulates them, in two dialects that print
 * different tables, ids and messages: Torque ({@linkcode pbsEmulator}) and PBS Professional /
 * OpenPBS ({@linkcode pbsproEmulator}). Commands: `qsub`, `qstat`, `qdel`, `qhold`, `qrls`,
 * `tracejob`, one file each; what the two products do differently is data in `dialect.ts`.
 * Formats follow the products' sources and documentation, cited in each command's file.
 *
 * @example Submit to a simulated Torque and watch the job
 * ```ts
 * import { SimCluster } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * await using cluster = new SimCluster({ scheduler: "pbs", execution: "model" });
 * const ssh = cluster.transport();
 * const id = (await ssh.run(["qsub", "-N", "hello"], { stdin: "#!/bin/bash\necho hi\n" })).stdout;
 * assert.equal(id, "1.login1\n");
 * assert.match((await ssh.run(["qstat", "1"])).stdout, /\n1\.login1 +hello +user +0 Q batch/);
 * await cluster.runUntilIdle();
 * assert.match((await ssh.run(["qstat", "-f", "1"])).stdout, /\n {4}exit_status = 0\n/);
 * ```
 *
 * @module
 */

import type { SimEmulator } from "../emulator.ts";
import { exitFor, type PbsDialect, PBSPRO, TORQUE } from "./dialect.ts";
import { qsub } from "./qsub.ts";
import { qstat } from "./qstat.ts";
import { qdel } from "./qdel.ts";
import { qhold } from "./qhold.ts";
import { qrls } from "./qrls.ts";
import { parseTracejob, tracejob, TRACEJOB_USAGE } from "./tracejob.ts";
import { fail, ok } from "../_common/command_result.ts";

/** Builds the PBS emulator of one dialect: its commands, defaults and server-down texts. */
function makeEmulator(dialect: PbsDialect): SimEmulator {
  return {
    kind: dialect.kind,
    defaults: dialect.defaults,
    commands: {
      qsub: (ctx) => qsub(ctx, dialect),
      qstat: (ctx) => qstat(ctx, dialect),
      qdel: (ctx) => qdel(ctx, dialect),
      qhold: (ctx) => qhold(ctx, dialect),
      qrls: (ctx) => qrls(ctx, dialect),
      tracejob: (ctx) => tracejob(ctx, dialect),
    },
    // tracejob reads the server's log files on the host it runs on (Torque Administrator Guide
    // "tracejob": it "must be run on the server host", or where the logs are mounted); no server
    // connection. Accounting "disabled" stands for logs it cannot read. What tracejob prints
    // then is not recorded; this answers as for a job no log mentions (raw/torque/077), without
    // its log lines: the `Job:` header alone, exit 0.
    accountingCommands: ["tracejob"],
    accountingFailure: (_command, _state, args) => {
      try {
        return ok(`\nJob: ${parseTracejob(args)}\n\n`);
      } catch {
        return fail(1, TRACEJOB_USAGE);
      }
    },
    unreachable: (command: string) => fail(111, dialect.serverDown(command)),
    transientSubmitFailure: (command: string, reply: "lost" | "refused" = "lost") => {
      const failure = dialect.submitFailures[reply];
      return fail(exitFor(failure.errno), failure.text(command));
    },
  };
}

/**
 * Torque's `qsub`, `qstat`, `qdel`, `qhold`, `qrls`, `tracejob`: ids `12.server`, arrays
 * `-t 1-10%2` as `12[].server`, finished jobs shown as `C` for `keep_completed` (300 s), then
 * `qstat: Unknown Job Id Error 12.server` (exit 153); `qstat -x` prints XML. Server down:
 * `<cmd>: cannot connect to server <host> (errno=111) Connection refused`, exit 111; a busy
 * server refuses a submission with `qsub: submit error (Pbs Server is currently too busy to
 * service this request. Please retry this request.)`; a lost answer is `qsub: submit error
 * (Time out)` after qsub's own three tries.
 *
 * @example Usage
 * ```ts
 * import { pbsEmulator, SimEngine } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const engine = new SimEngine({ kind: "pbs", loginHost: "server" });
 * const context = (command: string, args: string[], stdin = "") =>
 *   pbsEmulator.commands[command]!({
 *     engine, args, stdin, cwd: "/home/alice", env: {}, user: "alice",
 *     readFile: () => undefined,
 *   });
 * const submitted = context("qsub", ["-N", "hello"], "#!/bin/bash\necho hi\n");
 * assert.equal(submitted.stdout, "1.server\n");
 * const listed = context("qstat", ["1"]);
 * assert.match(listed.stdout, /^Job ID +Name +User +Time Use S Queue/);
 * assert.match(listed.stdout, /1\.server +hello +alice +0 Q batch/);
 * assert.equal(context("qstat", ["99"]).code, 153);
 * ```
 */
export const pbsEmulator: SimEmulator = makeEmulator(TORQUE);

/**
 * PBS Professional's (and OpenPBS's) `qsub`, `qstat`, `qdel`, `qhold`, `qrls`, `tracejob`: ids
 * `12.server`, arrays `-J 1-10:2%3` as `12[].server` (state `B` once begun), finished jobs
 * only with `qstat -x` (state `F`, `Exit_status`); without `-x`, `qstat <id>` of a finished job
 * exits 35 with `Job has finished, use -x or -H to obtain historical job information`. Server
 * down: `Connection refused` and `<cmd>: cannot connect to server <host> (errno=111)`, exit
 * 111; a connection blip fails a submission with `(errno=15010)`, a connection broken
 * mid-request with `qsub: Batch protocol error`.
 *
 * @example Usage
 * ```ts
 * import { pbsproEmulator, SimEngine } from "@clusterjob/clusterjob/sim";
 * import assert from "node:assert/strict";
 *
 * const engine = new SimEngine({ kind: "pbspro", loginHost: "server" });
 * const run = (command: string, args: string[], stdin = "") =>
 *   pbsproEmulator.commands[command]!({
 *     engine, args, stdin, cwd: "/home/alice", env: {}, user: "alice",
 *     readFile: () => undefined,
 *   });
 * assert.equal(run("qsub", ["-J", "1-4:2"], "#!/bin/bash\ntrue\n").stdout, "1[].server\n");
 * const listed = run("qstat", ["-t", "1[]"]);
 * assert.match(listed.stdout, /^Job id +Name +User +Time Use S Queue/);
 * assert.match(listed.stdout, /1\[3\]\.server +STDIN +alice +0 Q batch/);
 * assert.equal(run("qstat", ["77"]).stderr, "qstat: Unknown Job Id 77.server\n");
 * ```
 */
export const pbsproEmulator: SimEmulator = makeEmulator(PBSPRO);
