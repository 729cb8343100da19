/**
 * Which real targets (SLURM, SGE, an sshd) the tests may use: the one gate for every test that
 * needs a real scheduler or server.
 *
 * - `CLUSTERJOB_REAL=slurm,sge,ssh` (or `all`) asks for the real targets. Each one asked for is
 *   probed once (`scontrol ping`, `qstat`, `ssh … true`).
 * - `CLUSTERJOB_REQUIRE_REAL=1` (or a list such as `ssh,slurm`) makes an asked-for target that
 *   is unavailable a test failure instead of a skip. `.ci/run` sets both.
 * - `CLUSTERJOB_SSH_CONFIG` / `CLUSTERJOB_SSH_HOST` name the ssh_config file and host alias
 *   (defaults: what `test/real/sshd-up.sh` writes).
 *
 * A test file wraps its real tests in {@linkcode realTests}: when the target is not enabled,
 * the file shows one ignored test whose name says how to enable it.
 *
 * @module
 */

import { LocalTransport } from "../../src/transports/local_transport.ts";

/** A real target the tests can use. */
export type RealTargetName = "slurm" | "sge" | "ssh";

const ALL: readonly RealTargetName[] = ["slurm", "sge", "ssh"];

/** What the gate knows about one target. */
export interface RealTarget {
  readonly name: RealTargetName;
  /** Asked for with CLUSTERJOB_REAL (or required). */
  readonly wanted: boolean;
  /** An unavailable target fails the tests instead of skipping them. */
  readonly required: boolean;
  /** Probed and answering. */
  readonly available: boolean;
  /** Why it is not available. */
  readonly problem?: string;
}

/** The sshd target's client settings (written by test/real/sshd-up.sh). */
export const sshTarget: { readonly configFile: string; readonly host: string } = {
  configFile: Deno.env.get("CLUSTERJOB_SSH_CONFIG") ??
    "/var/lib/clusterjob-ci/sshd-client/ssh_config",
  host: Deno.env.get("CLUSTERJOB_SSH_HOST") ?? "clusterjob-test",
};

/** How to bring a target up, for the skip line. */
const UP_SCRIPT: Record<RealTargetName, string> = {
  slurm: "sudo test/real/slurm-up.sh",
  sge: "sudo test/real/sge-up.sh",
  ssh: "sudo test/real/sshd-up.sh",
};

function parseList(variable: string): Set<RealTargetName> {
  const text = (Deno.env.get(variable) ?? "").trim().toLowerCase();
  if (text === "" || text === "0" || text === "false") return new Set();
  if (text === "1" || text === "true" || text === "all") return new Set(ALL);
  const names = text.split(/[\s,]+/).filter(Boolean);
  for (const name of names) {
    if (!(ALL as readonly string[]).includes(name)) {
      throw new Error(
        `Cannot read ${variable}="${text}": unknown target "${name}"; expected a list of ${
          ALL.join(", ")
        }, or all`,
      );
    }
  }
  return new Set(names as RealTargetName[]);
}

const asked = parseList("CLUSTERJOB_REAL");
const requireVariable = (Deno.env.get("CLUSTERJOB_REQUIRE_REAL") ?? "").trim().toLowerCase();
// "1" requires what CLUSTERJOB_REAL asks for; a list requires (and asks for) those targets
const required = ["1", "true", "all"].includes(requireVariable)
  ? new Set(asked.size > 0 ? asked : ALL)
  : parseList("CLUSTERJOB_REQUIRE_REAL");

/** Runs a probe command; resolves to a problem description, or undefined when it answers. */
async function probe(name: RealTargetName): Promise<string | undefined> {
  const local = new LocalTransport();
  const argv: Record<RealTargetName, string[]> = {
    slurm: ["scontrol", "ping"],
    sge: ["qstat"],
    ssh: [
      "ssh",
      "-F",
      sshTarget.configFile,
      "-o",
      "BatchMode=yes",
      "-o",
      "ConnectTimeout=5",
      sshTarget.host,
      "true",
    ],
  };
  if (name === "ssh") {
    const exists = await Deno.stat(sshTarget.configFile).then(() => true, () => false);
    if (!exists) return `no ssh config at ${sshTarget.configFile}`;
  }
  try {
    const output = await local.run(argv[name], { timeout: 20_000 });
    const ok = output.code === 0 && (name !== "slurm" || /is UP/.test(output.stdout));
    if (ok) return undefined;
    const said = (output.stderr || output.stdout).trim().split("\n")[0];
    return `"${argv[name][0]}" answered exit ${output.code}: ${said}`;
  } catch (error) {
    return `"${argv[name][0]}" failed: ${error instanceof Error ? error.message : error}`;
  }
}

async function probeAll(): Promise<Record<RealTargetName, RealTarget>> {
  const entries = await Promise.all(ALL.map(async (name): Promise<[RealTargetName, RealTarget]> => {
    const wanted = asked.has(name) || required.has(name);
    const problem = wanted ? await probe(name) : "not asked for";
    return [name, {
      name,
      wanted,
      required: required.has(name),
      available: problem === undefined,
      ...(problem !== undefined ? { problem } : {}),
    }];
  }));
  return Object.fromEntries(entries) as Record<RealTargetName, RealTarget>;
}

/** The state of every real target, probed once when this module loads. */
export const realTargets: Readonly<Record<RealTargetName, RealTarget>> = await probeAll();

/** True when tests of all these targets should run. */
export function realEnabled(...names: RealTargetName[]): boolean {
  return names.every((name) => realTargets[name].available);
}

/**
 * Registers a file's real tests when all `names` are available. Otherwise registers one test
 * instead: ignored, named with how to enable it; or, when a target is required, failing with
 * the probe's finding.
 *
 * @param names The targets the tests need.
 * @param register Defines the tests (calls `Deno.test`).
 */
export function realTests(names: RealTargetName | RealTargetName[], register: () => void): void {
  const list = Array.isArray(names) ? names : [names];
  if (realEnabled(...list)) return register();
  const missing = list.filter((name) => !realTargets[name].available);
  const requiredMissing = missing.filter((name) => realTargets[name].required);
  if (requiredMissing.length > 0) {
    Deno.test(`real ${requiredMissing.join("+")}: required but unavailable`, () => {
      const why = requiredMissing.map((name) => `${name}: ${realTargets[name].problem}`);
      throw new Error(
        `CLUSTERJOB_REQUIRE_REAL requires ${requiredMissing.join(", ")}, which is unavailable (${
          why.join("; ")
        }); start it with ${requiredMissing.map((name) => UP_SCRIPT[name]).join(" && ")}`,
      );
    });
    return;
  }
  const how = `${missing.map((name) => UP_SCRIPT[name]).join(" && ")}, then CLUSTERJOB_REAL=${
    missing.join(",")
  } deno task test`;
  const asked = missing.filter((name) => realTargets[name].wanted);
  const why = asked.length > 0
    ? ` (${asked.map((name) => `${name}: ${realTargets[name].problem}`).join("; ")})`
    : "";
  Deno.test({
    name: `real ${missing.join("+")} tests skipped${why}; to run them: ${how}`,
    ignore: true,
    fn: () => {},
  });
}
