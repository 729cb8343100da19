/**
 * The PBS command-line tools as the simulator emulates them, in two dialects that print
 * different tables, ids and messages: Torque ({@linkcode pbsEmulator}) and PBS Professional /
 * OpenPBS ({@linkcode pbsproEmulator}). Commands: `qsub`, `qstat`, `qdel`, `qhold`, `qrls`,
 * `tracejob`.
 *
 * Formats follow the products' sources and documentation (cited in `_pbs_dialect.ts`,
 * `_pbs_qsub.ts`, `_pbs_qstat.ts`); the dialect differences are data in `_pbs_dialect.ts`.
 *
 * @module
 */

import type { SimCommand, SimCommandContext, SimEmulator } from "../types.ts";
import { exitFor, type PbsDialect, PBSE, PBSPRO, TORQUE } from "./dialect.ts";
import { entriesFor, isFinished, isKept, parseJobRef } from "./_jobs.ts";
import { qsub } from "./qsub.ts";
import { deleteBrokenDependents, qstat, qualifiedId } from "./qstat.ts";
import { tracejob } from "./tracejob.ts";
import { type CommandResult, fail } from "../_common/words.ts";

type JobAction = "qdel" | "qhold" | "qrls";

/**
 * `qdel`, `qhold`, `qrls`: silent on success; per operand `<cmd>: <server message> <id>` on
 * stderr (OpenPBS `qdel.c`: `fprintf(stderr, "%s: %s %s\n", "qdel", errtxt, name)`), exit
 * `pbs_errno & 0xff` of the last failure.
 */
function jobAction(ctx: SimCommandContext, dialect: PbsDialect, action: JobAction): CommandResult {
  const operands = ctx.args.filter((arg) => !arg.startsWith("-"));
  if (ctx.args.some((arg) => arg.startsWith("-") && arg !== "-x" && arg !== "-W")) {
    return fail(2, `usage:\n\t${action} [-W force] job_identifier...\n`);
  }
  if (operands.length === 0) return fail(2, `usage:\n\t${action} job_identifier...\n`);
  const engine = ctx.engine;
  deleteBrokenDependents(engine);
  const server = engine.loginHost;
  const now = engine.now();
  let stderr = "";
  let code = 0;
  for (const operand of operands) {
    const ref = parseJobRef(operand);
    if (!ref) {
      stderr += `${action}: illegally formed job identifier: ${operand}\n`;
      code = 1;
      continue;
    }
    const id = qualifiedId(operand, server);
    const entries = entriesFor(engine, ref, false).filter((entry) => isKept(entry, dialect, now));
    const entry = entries[0];
    if (!entry) {
      stderr += `${action}: ${dialect.unknownJobText} ${id}\n`;
      code = exitFor(PBSE.UNKJOBID);
      continue;
    }
    if (isFinished(entry)) {
      if (dialect.kind === "pbspro" && action === "qdel") {
        stderr += `qdel: Job has finished ${id}\n`;
        code = exitFor(PBSE.HISTJOBID);
      } else {
        const state = dialect.kind === "pbs" ? " MSG=invalid state for job - COMPLETE" : "";
        stderr += `${action}: Request invalid for state of job${state} ${id}\n`;
        code = exitFor(PBSE.BADSTATE);
      }
      continue;
    }
    const taskOption = entry.kind === "subjob" && entry.index !== undefined
      ? { taskId: entry.index }
      : {};
    if (action === "qdel") {
      engine.cancel(entry.seq, taskOption);
    } else if (action === "qhold") {
      if (entry.jobs.every((job) => job.state === "RUNNING")) {
        stderr += `qhold: Request invalid for state of job ${id}\n`;
        code = exitFor(PBSE.BADSTATE);
        continue;
      }
      engine.hold(entry.seq, "user");
    } else {
      engine.release(entry.seq);
    }
  }
  return { code, stdout: "", stderr };
}

function commandsOf(dialect: PbsDialect): Readonly<Record<string, SimCommand>> {
  return {
    qsub: (ctx) => {
      deleteBrokenDependents(ctx.engine);
      return qsub(ctx, dialect);
    },
    qstat: (ctx) => qstat(ctx, dialect),
    qdel: (ctx) => jobAction(ctx, dialect, "qdel"),
    qhold: (ctx) => jobAction(ctx, dialect, "qhold"),
    qrls: (ctx) => jobAction(ctx, dialect, "qrls"),
    tracejob: (ctx) => tracejob(ctx, dialect),
  };
}

/** The server host the unreachable-server messages name (the login host when unknown). */
const SERVER_PLACEHOLDER = "pbsserver";

/**
 * Builds a PBS emulator for one dialect.
 *
 * Server down: Torque prints `<cmd>: cannot connect to server <host> (errno=111) Connection
 * refused`, PBS Pro `Connection refused` and `<cmd>: cannot connect to server <host>
 * (errno=111)`; both exit 111. Transient submit failures: Torque `qsub: submit error (Pbs
 * Server is currently too busy to process this request. Please retry this operation.)`, PBS Pro
 * `qsub: cannot connect to server <host> (errno=15010)` (a connection blip seen in production).
 */
function makeEmulator(dialect: PbsDialect): SimEmulator {
  return {
    kind: dialect.kind,
    defaults: dialect.defaults,
    commands: commandsOf(dialect),
    unreachable(command: string) {
      const stderr = dialect.kind === "pbs"
        ? `${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=111) Connection refused\n`
        : `Connection refused\n${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=111)\n`;
      return { code: 111, stdout: "", stderr };
    },
    transientSubmitFailure(command: string) {
      if (dialect.kind === "pbs") {
        return {
          code: exitFor(15033),
          stdout: "",
          stderr:
            `${command}: submit error (Pbs Server is currently too busy to process this request. ` +
            "Please retry this operation.)\n",
        };
      }
      return {
        code: exitFor(PBSE.BADHOST),
        stdout: "",
        stderr: `${command}: cannot connect to server ${SERVER_PLACEHOLDER} (errno=15010)\n`,
      };
    },
  };
}

/**
 * Torque's `qsub`, `qstat`, `qdel`, `qhold`, `qrls`: ids `12.server`, arrays `-t 1-10%2` as
 * `12[].server`, finished jobs shown as `C` for `keep_completed` (300 s), then
 * `qstat: Unknown Job Id Error 12.server` (exit 153); `qstat -x` prints XML.
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
 * PBS Professional's (and OpenPBS's) `qsub`, `qstat`, `qdel`, `qhold`, `qrls`: ids
 * `12.server`, arrays `-J 1-10:2%3` as `12[].server` (state `B` once begun), finished jobs
 * only with `qstat -x` (state `F`, `Exit_status`); without `-x`, `qstat <id>` of a finished job
 * exits 35 with `Job has finished, use -x or -H to obtain historical job information`.
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
