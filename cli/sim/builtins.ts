/**
 * The builtins of a simulated login node's session: `help`, `ls`, `cd`, `pwd`, `mkdir`, `rm`,
 * `write`, `sleep`, `date`, `exit` (the scheduler's tools and `cat`, `echo`, `hostname`,
 * `whoami`, `true`, `false` come from the simulator; `clusterjob` from the command line).
 *
 * @module
 */

import type { Transport } from "../../src/core/transport.ts";
import type { SimCluster } from "../../sim/cluster.ts";

/** What a builtin may use of the session. */
export interface SessionShell {
  /** The cluster. */
  readonly cluster: SimCluster;
  /** Its transport (changes go through it). */
  readonly transport: Transport;
  /** The working directory. */
  cwd: string;
  /** An absolute simulated path of a typed path. */
  resolve(path: string): string;
  /** The sorted names in a folder, or `undefined`. */
  listFolder(folder: string): string[] | undefined;
  /** Starts reading a file's lines, until a line that is just `.`. */
  startWriting(file: string): void;
}

/** Where a builtin writes. */
export interface BuiltinIo {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /** Standard input (`< FILE`). */
  stdin: string | undefined;
  /** Aborts the builtin (Ctrl-C). */
  signal: AbortSignal;
}

/** A builtin's outcome. */
export interface BuiltinResult {
  /** Its exit code. */
  code: number;
  /** The session ends with this code. */
  exit?: number;
}

/** A builtin command. */
export interface Builtin {
  /** Its usage, for help. */
  readonly usage: string;
  /** One line of help. */
  readonly help: string;
  /** Runs it. */
  run(shell: SessionShell, args: readonly string[], io: BuiltinIo): Promise<BuiltinResult>;
}

const ok: BuiltinResult = { code: 0 };

/** A duration typed at the prompt: `600`, `1.5`, `10m`, `2h`, `1d`. */
function duration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) *
    { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "" | "s" | "m" | "h" | "d"];
}

/** `Thu Jan  1 00:00:00 UTC 2026`, as `date` prints it. */
export function formatDate(ms: number): string {
  const date = new Date(ms);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][date.getUTCDay()];
  const month =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
      date.getUTCMonth()
    ];
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${
    two(date.getUTCSeconds())
  }`;
  return `${day} ${month} ${
    String(date.getUTCDate()).padStart(2)
  } ${time} UTC ${date.getUTCFullYear()}`;
}

/** The builtins, by name. */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  help: {
    usage: "help",
    help: "what you can type here",
    run(shell, _args, io) {
      io.out(helpText(shell));
      return Promise.resolve(ok);
    },
  },
  ls: {
    usage: "ls [-a] [PATH...]",
    help: "list files (-a: also those starting with .)",
    run(shell, args, io) {
      const all = args.includes("-a") || args.includes("-la") || args.includes("-al");
      const paths = args.filter((arg) => !arg.startsWith("-"));
      let code = 0;
      const targets = paths.length === 0 ? ["."] : paths;
      for (const path of targets) {
        const absolute = shell.resolve(path);
        const kind = shell.cluster.fs.stat(absolute);
        if (kind === undefined) {
          io.err(`ls: cannot access '${path}': No such file or directory\n`);
          code = 2;
          continue;
        }
        if (kind === "file") {
          io.out(`${path}\n`);
          continue;
        }
        const names = (shell.listFolder(absolute) ?? []).filter((name) =>
          all || !name.startsWith(".")
        );
        if (targets.length > 1) io.out(`${path}:\n`);
        if (names.length > 0) io.out(`${names.join("  ")}\n`);
      }
      return Promise.resolve({ code });
    },
  },
  cd: {
    usage: "cd [DIR]",
    help: "change the working directory (default: home)",
    run(shell, args, io) {
      const target = shell.resolve(args[0] ?? "~");
      if (shell.cluster.fs.stat(target) !== "directory") {
        io.err(`bash: cd: ${args[0]}: No such file or directory\n`);
        return Promise.resolve({ code: 1 });
      }
      shell.cwd = target;
      return Promise.resolve(ok);
    },
  },
  pwd: {
    usage: "pwd",
    help: "print the working directory",
    run(shell, _args, io) {
      io.out(`${shell.cwd}\n`);
      return Promise.resolve(ok);
    },
  },
  mkdir: {
    usage: "mkdir [-p] DIR...",
    help: "make folders",
    async run(shell, args, io) {
      for (const dir of args.filter((arg) => !arg.startsWith("-"))) {
        const target = shell.resolve(dir);
        if (shell.cluster.fs.stat(target) !== undefined && !args.includes("-p")) {
          io.err(`mkdir: cannot create directory '${dir}': File exists\n`);
          return { code: 1 };
        }
        await shell.transport.mkdir(target);
      }
      return ok;
    },
  },
  rm: {
    usage: "rm [-f] FILE...",
    help: "remove files",
    async run(shell, args, io) {
      const force = args.includes("-f");
      let code = 0;
      for (const file of args.filter((arg) => !arg.startsWith("-"))) {
        const target = shell.resolve(file);
        const kind = shell.cluster.fs.stat(target);
        if (kind === "directory") {
          io.err(`rm: cannot remove '${file}': Is a directory\n`);
          code = 1;
        } else if (kind === undefined) {
          if (!force) {
            io.err(`rm: cannot remove '${file}': No such file or directory\n`);
            code = 1;
          }
        } else {
          await shell.transport.remove(target);
        }
      }
      return { code };
    },
  },
  write: {
    usage: "write FILE",
    help: "write the lines that follow into FILE, up to a line that is just .",
    run(shell, args, io) {
      if (args.length !== 1) {
        io.err("write: usage: write FILE (then the lines, then a line that is just .)\n");
        return Promise.resolve({ code: 2 });
      }
      shell.startWriting(shell.resolve(args[0]!));
      return Promise.resolve(ok);
    },
  },
  sleep: {
    usage: "sleep SECONDS",
    help: "let simulated time pass (600, 10m, 2h): jobs start, run and end meanwhile",
    async run(shell, args, io) {
      const seconds = args.length === 1 ? duration(args[0]!) : undefined;
      if (seconds === undefined) {
        io.err(`sleep: invalid time interval '${args.join(" ")}' (e.g. sleep 600, sleep 10m)\n`);
        return { code: 1 };
      }
      try {
        await shell.cluster.clock.sleep(seconds * 1000, io.signal);
      } catch (error) {
        if (!io.signal.aborted) throw error;
        return { code: 130 };
      }
      return ok;
    },
  },
  date: {
    usage: "date",
    help: "the simulated time",
    run(shell, _args, io) {
      io.out(`${formatDate(shell.cluster.clock.now())}\n`);
      return Promise.resolve(ok);
    },
  },
  exit: {
    usage: "exit [CODE]",
    help: "end the session",
    run(_shell, args) {
      const code = Number(args[0] ?? 0);
      return Promise.resolve({ code, exit: Number.isInteger(code) ? code : 2 });
    },
  },
};

/** The names of the login node's own commands the simulator serves. */
const LOGIN_COMMANDS = ["cat", "echo", "hostname", "whoami", "true", "false"];

function helpText(shell: SessionShell): string {
  const scheduler = Object.keys(shell.cluster.emulator.commands).sort();
  const width = Math.max(...Object.values(BUILTINS).map((builtin) => builtin.usage.length), 22);
  return [
    `A simulated ${shell.cluster.kind} login node (${shell.cluster.engine.loginHost}); jobs run with bash in a sandbox.`,
    `The scheduler's commands: ${scheduler.join(", ")}.`,
    `Login node commands: ${LOGIN_COMMANDS.join(", ")} (FILE < and > FILE redirect).`,
    "Session commands:",
    ...Object.values(BUILTINS).map((builtin) =>
      `  ${builtin.usage.padEnd(width)}  ${builtin.help}`
    ),
    `  ${
      "clusterjob COMMAND ...".padEnd(width)
    }  clusterjob itself, on this cluster (clusterjob --help)`,
    ...(shell.cluster.clock.virtual
      ? [
        "Time stands still between commands: sleep lets it run (the clock is virtual, so a day takes",
        "no time). One command a line: no pipes, ; or &&.",
      ]
      : ["The clock is the real one. One command a line: no pipes, ; or &&."]),
    "",
  ].join("\n");
}
