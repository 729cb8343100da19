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

/** A command running in a tmux pane of 120×40. */
export class Terminal implements AsyncDisposable {
  readonly #socket = `clusterjob-test-${crypto.randomUUID().slice(0, 8)}`;

  private constructor() {}

  /** Starts `command` (a shell command line) in a new pane; its exit code is shown as `EXITED n`. */
  static async start(command: string): Promise<Terminal> {
    const terminal = new Terminal();
    await terminal.#tmux(
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      "120",
      "-y",
      "40",
      `${command}; echo EXITED $?; sleep 600`,
    );
    return terminal;
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

  /** Waits until the screen matches (at most 30 s), and returns it. */
  async waitFor(pattern: RegExp): Promise<string> {
    let screen = "";
    for (let attempt = 0; attempt < 600; attempt++) {
      screen = await this.screen();
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The screen never matched ${pattern}:\n${screen}`);
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
  }
}

/** A POSIX shell word. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
