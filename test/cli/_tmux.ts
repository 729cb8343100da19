// A terminal for tests: a command in a detached tmux session on a private socket, keys sent
// to it, its screen captured. Waiting is for what the screen shows (polled, with a generous
// limit), never for a fixed time.

/** Whether tmux is installed. */
export async function hasTmux(): Promise<boolean> {
  try {
    return (await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

/** Whether this is a run that must not skip what it can test (CI: CLUSTERJOB_REQUIRE_REAL). */
function required(): boolean {
  const value = (Deno.env.get("CLUSTERJOB_REQUIRE_REAL") ?? "").trim().toLowerCase();
  return value !== "" && value !== "0" && value !== "false";
}

/**
 * Registers a file's terminal tests when tmux is installed. Otherwise registers one test
 * instead: ignored, saying why and how to install it; or, when CLUSTERJOB_REQUIRE_REAL is set
 * (CI, which installs tmux in .ci/run), failing.
 *
 * @param register Defines the tests (calls `Deno.test`).
 */
export async function terminalTests(register: () => void): Promise<void> {
  if (await hasTmux()) return register();
  const how = "apt-get install -y tmux (as root)";
  if (required()) {
    Deno.test("terminal tests: tmux required but not installed", () => {
      throw new Error(
        `CLUSTERJOB_REQUIRE_REAL is set, so the terminal tests must run, but tmux is not installed; install it with ${how}`,
      );
    });
    return;
  }
  Deno.test({
    name: `terminal tests skipped: tmux is not installed; to run them: ${how}`,
    ignore: true,
    fn: () => {},
  });
}

/** A command running in a tmux pane of 120×40. */
export class Terminal implements AsyncDisposable {
  readonly #socket = `clusterjob-test-${crypto.randomUUID().slice(0, 8)}`;

  private constructor() {}

  /** Where the pane's output is recorded (`record` of {@linkcode Terminal.start}). */
  #recording: string | undefined;

  /**
   * Starts `command` (a shell command line) in a new pane; its exit code is shown as `EXITED n`.
   * With `record`, every byte the pane receives is kept too ({@linkcode Terminal.output}): the
   * command waits for the recording to be attached before it starts.
   */
  static async start(command: string, options: { record?: boolean } = {}): Promise<Terminal> {
    const terminal = new Terminal();
    const line = `${command}; echo EXITED $?; sleep 600`;
    await terminal.#tmux(
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      "120",
      "-y",
      "40",
      options.record ? `read -r _ && ${line}` : line,
    );
    if (options.record) {
      terminal.#recording = await Deno.makeTempFile({ prefix: "clusterjob-tmux-" });
      await terminal.#tmux(
        "pipe-pane",
        "-t",
        "t",
        "-o",
        `cat >> ${shellWord(terminal.#recording)}`,
      );
      await terminal.keys("Enter");
    }
    return terminal;
  }

  /** Everything the pane received since it started (control sequences included). */
  async output(): Promise<string> {
    if (this.#recording === undefined) throw new Error("the terminal was started without record");
    return await Deno.readTextFile(this.#recording);
  }

  /** Sends keys (tmux key names: `Enter`, `Left`, `C-c`, or literal text). */
  async keys(...keys: string[]): Promise<void> {
    await this.#tmux("send-keys", "-t", "t", ...keys);
  }

  /** Sends text literally (no key names). */
  async type(text: string): Promise<void> {
    await this.#tmux("send-keys", "-t", "t", "-l", text);
  }

  /** The screen's text, trailing blank lines dropped (tmux drops the spaces ending a line). */
  async screen(): Promise<string> {
    return (await this.#tmux("capture-pane", "-t", "t", "-p")).replace(/\n+$/, "\n");
  }

  /** The screen and what scrolled off it, trailing blank lines dropped. */
  async history(): Promise<string> {
    return (await this.#tmux("capture-pane", "-t", "t", "-p", "-S", "-")).replace(/\n+$/, "\n");
  }

  /** Waits until the screen matches (at most `seconds`, default 30), and returns it. */
  async waitFor(pattern: RegExp, seconds = 30): Promise<string> {
    let screen = "";
    for (let attempt = 0; attempt < seconds * 20; attempt++) {
      screen = await this.screen();
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The screen never matched ${pattern}:\n${screen}`);
  }

  /** Waits until what the pane received matches (at most 30 s), and returns it. */
  async waitForOutput(pattern: RegExp): Promise<string> {
    let output = "";
    for (let attempt = 0; attempt < 600; attempt++) {
      output = await this.output();
      if (pattern.test(output)) return output;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The output never matched ${pattern}:\n${JSON.stringify(output)}`);
  }

  /** Types a line and presses Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.keys("Enter");
  }

  async #tmux(...args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (!output.success) {
      throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(output.stderr)}`);
    }
    return new TextDecoder().decode(output.stdout);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#tmux("kill-server").catch(() => {});
    if (this.#recording !== undefined) await Deno.remove(this.#recording).catch(() => {});
  }
}

/** A POSIX shell word. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
