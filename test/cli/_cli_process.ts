// Runs the `clusterjob` command as a process (`deno run -A cli.ts …`), in a home of its own: a
// temporary HOME, XDG_CONFIG_HOME and XDG_STATE_HOME, so that no test reads or writes the
// user's config or runs.

import { quoteShellCommand, quoteShellWord } from "../../src/core/_shell_quote.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/** Deno's cache of this process: the child's HOME differs, its cache must not (npm packages). */
let denoDir: Promise<string> | undefined;
function ownDenoDir(): Promise<string> {
  return denoDir ??= (async () => {
    const given = Deno.env.get("DENO_DIR");
    if (given) return given;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    return (JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir: string }).denoDir;
  })();
}

/** What a run of the command gave. */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary home for the command: config, state, a working directory. */
export class CliHome implements AsyncDisposable {
  readonly root: string;
  readonly home: string;
  readonly config: string;
  readonly state: string;
  readonly work: string;

  private constructor(root: string) {
    this.root = root;
    this.home = `${root}/home`;
    this.config = `${root}/config`;
    this.state = `${root}/state`;
    this.work = `${root}/work`;
  }

  /** A new, empty home (with a config file when `config` is given). */
  static async create(config?: string): Promise<CliHome> {
    const home = new CliHome(await Deno.makeTempDir({ prefix: "clusterjob-cli-test-" }));
    for (const dir of [home.home, home.config, home.state, home.work]) await Deno.mkdir(dir);
    if (config !== undefined) await home.writeConfig(config);
    return home;
  }

  /** Writes the config file. */
  async writeConfig(text: string): Promise<void> {
    await Deno.mkdir(`${this.config}/clusterjob`, { recursive: true });
    await Deno.writeTextFile(`${this.config}/clusterjob/config.yaml`, text);
  }

  /** Writes a file of the working directory. */
  async write(name: string, text: string): Promise<void> {
    await Deno.writeTextFile(`${this.work}/${name}`, text);
  }

  /** Runs `clusterjob ARGS` in the working directory. */
  async run(
    args: readonly string[],
    options: { stdin?: string; env?: Record<string, string> } = {},
  ): Promise<CliOutput> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, ...args],
      cwd: this.work,
      env: {
        HOME: this.home,
        XDG_CONFIG_HOME: this.config,
        XDG_STATE_HOME: this.state,
        DENO_DIR: await ownDenoDir(),
        NO_COLOR: "1",
        CLUSTERJOB_CONFIG: "",
        ...options.env,
      },
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  }

  /**
   * The shell command line that runs `clusterjob ARGS` in this home, for a terminal (tmux);
   * the command is run once first, so that the terminal's run needs no download.
   */
  async commandLine(args: readonly string[]): Promise<string> {
    const probe = await this.run(["--version"]);
    if (probe.code !== 0) throw new Error(`clusterjob --version: ${said(probe)}`);
    const env = {
      HOME: this.home,
      XDG_CONFIG_HOME: this.config,
      XDG_STATE_HOME: this.state,
      CLUSTERJOB_CONFIG: "",
      NO_COLOR: "1",
      DENO_DIR: await ownDenoDir(),
    };
    const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    const argv = ["env", ...assignments, Deno.execPath(), "run", "-A", CLI, ...args];
    return `cd ${quoteShellWord(this.work)} && ${quoteShellCommand(argv)}`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.root, { recursive: true });
  }
}

/** A message for a failed assertion: the whole output. */
export function said(output: CliOutput): string {
  return `exit ${output.code}\n--- stdout\n${output.stdout}--- stderr\n${output.stderr}`;
}
