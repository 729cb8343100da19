/**
 * The user's config file: named cluster profiles, and which one is the default.
 *
 * ```yaml
 * # ~/.config/clusterjob/config.yaml ($XDG_CONFIG_HOME/clusterjob/config.yaml, or $CLUSTERJOB_CONFIG)
 * default: hpc                  # used when no --cluster is given (else: "local", this machine)
 * clusters:
 *   hpc:                        # a cluster reached over SSH
 *     backend: slurm
 *     remote: login.cluster.edu
 *     ssh:                      # optional: user, port, identityFile, configFile, sshPath,
 *       user: me                #   connectTimeout (seconds), options (ssh -o Key=Value)
 *       options:
 *         ProxyJump: gateway.cluster.edu
 *     rootdir: ~/jobs           # any attribute a settings file may set
 *     resources:                # default resources of every job
 *       account: proj42
 *   try-pbs:                    # a simulated cluster: everything works without one
 *     simulator:
 *       scheduler: pbspro       # slurm, pbs, pbspro, lsf or sge
 *       execution: shell        # shell (default: scripts run with bash in a sandbox) or model
 *       runtime: 60             # model: seconds every job runs (default 1)
 *       exitCode: 0             # model: every job's exit code (default 0)
 *       nodes: 2                # compute nodes (default 2), each with
 *       cpus: 4                 #   cores (default 4) and
 *       mem: 16G                #   memory (default 16000 MB)
 *   workstation:                # neither remote nor simulator: this machine's scheduler
 *     backend: sge
 * ```
 *
 * A profile's keys: `remote`, `ssh`, `simulator`, `resources`, and every attribute a settings
 * file may set (`backend`, `shell`, `rootdir`, `workdir`, `prologue`, `epilogue`,
 * `auxScripts`, `maxSleepInterval`, `vars`, `cacheFolder`, `cachePrefix`, `strict`), checked by
 * the same rules. Cluster names are words of letters, digits, `.`, `_` and `-`. Every error is
 * an `InputFileError` naming the file, the key (`clusters.hpc.ssh.port`) and the line.
 *
 * Each cluster keeps its runs in its own folder, `cacheFolder` (a local path; `~` and paths
 * relative to the config file allowed), by default `$XDG_STATE_HOME/clusterjob/clusters/NAME/runs`
 * (`~/.local/state/…`); a simulated cluster keeps its state beside it (`simulator.json`).
 *
 * @module
 */

import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseMemory } from "../src/core/memory.ts";
import { describeValue, InvalidValueError } from "../src/core/errors.ts";
import type { ResourcesInput } from "../src/core/resources.ts";
import type { DefaultAttributes, JobScriptDefaults } from "../src/job/options.ts";
import {
  ATTRIBUTE_CHECKS,
  isMapping,
  type KeyProblem,
  lineInBlock,
  lineOf,
  parseYamlText,
  readBoundedText,
} from "../src/job/_yaml_keys.ts";
import { DIALECTS } from "../sim/_cluster_options.ts";
import type { SimClusterOptions } from "../sim/cluster.ts";
import { NotFoundError } from "./errors.ts";
import { checkedAttributes, checkedResources, fileProblem } from "./_yaml_file.ts";

/** The schedulers a simulated cluster can run. */
export const SIMULATED_SCHEDULERS = ["slurm", "pbs", "pbspro", "lsf", "sge"] as const;

/** A scheduler the simulator emulates. */
export type SimulatedScheduler = typeof SIMULATED_SCHEDULERS[number];

/** What a `simulator:` profile says about its simulated cluster. */
export interface SimulatorSpec {
  /** The scheduler. */
  readonly scheduler: SimulatedScheduler;
  /** `shell`: job scripts run with bash in a sandbox; `model`: no process. */
  readonly execution: "shell" | "model";
  /** Model mode: how long every job runs, in seconds. */
  readonly runtime: number;
  /** Model mode: every job's exit code. */
  readonly exitCode: number;
  /** Compute nodes. */
  readonly nodes: number;
  /** Cores of each node. */
  readonly cpus: number;
  /** Memory of each node, in MB. */
  readonly memoryMB: number;
  /** The scheduler's dialect, where the simulator has more than one (LSF: `lsf10`, `openlava`). */
  readonly dialect?: SimClusterOptions["dialect"];
}

/** The SSH options of a profile (see `SshTransportOptions`). */
export interface SshSpec {
  /** Remote user name. */
  readonly user?: string;
  /** Port. */
  readonly port?: number;
  /** A private key file (a local path, `~` expanded). */
  readonly identityFile?: string;
  /** An ssh_config file (a local path, `~` expanded). */
  readonly configFile?: string;
  /** The ssh program. */
  readonly sshPath?: string;
  /** Time limit of establishing the connection, in seconds. */
  readonly connectTimeout?: number;
  /** More `ssh -o Key=Value` options. */
  readonly options?: Readonly<Record<string, string>>;
}

/** A named cluster: where its scheduler is, and the defaults of the jobs sent there. */
export interface ClusterProfile {
  /** The name (`--cluster NAME`). */
  readonly name: string;
  /** `ssh` (a remote login node), `simulator`, or `local` (this machine). */
  readonly kind: "local" | "ssh" | "simulator";
  /** Whether it comes from the config file (the built-in `local` does not). */
  readonly configured: boolean;
  /** The scheduler's backend name, when the profile says (a simulator always does). */
  readonly backend: string | undefined;
  /** The SSH host (`ssh` kind). */
  readonly host: string | undefined;
  /** SSH options (`ssh` kind). */
  readonly ssh: SshSpec | undefined;
  /** The simulated cluster (`simulator` kind). */
  readonly simulator: SimulatorSpec | undefined;
  /** Defaults of every job submitted here (attributes and resources). */
  readonly defaults: JobScriptDefaults;
  /** The local folder of its cached runs. */
  readonly runsFolder: string;
  /** The prefix of its cache files. */
  readonly cachePrefix: string;
  /** A simulator's state file (`undefined`: a simulator that is not saved, a session's). */
  readonly stateFile: string | undefined;
  /** The line of its name in the config file. */
  readonly line: number | undefined;
}

/** The parsed config: the file, the profiles, the default. */
export interface CliConfig {
  /** The config file's path (it may not exist). */
  readonly file: string;
  /** Whether the file exists. */
  readonly exists: boolean;
  /** The default cluster's name (`"local"` when the file names none). */
  readonly defaultCluster: string;
  /** The profiles, in file order, then the built-in `local` unless the file defines one. */
  readonly clusters: readonly ClusterProfile[];
}

/** Where the config file and the state folder are, from the environment. */
export interface ConfigPlaces {
  /** The config file. */
  readonly file: string;
  /** The state folder (`$XDG_STATE_HOME/clusterjob`). */
  readonly state: string;
  /** The home directory, for `~`. */
  readonly home: string;
}

/**
 * The places of the config file and the state folder: `$CLUSTERJOB_CONFIG`, else
 * `$XDG_CONFIG_HOME/clusterjob/config.yaml`, else `~/.config/clusterjob/config.yaml`; state in
 * `$XDG_STATE_HOME/clusterjob`, else `~/.local/state/clusterjob`.
 *
 * @example Usage
 * ```ts
 * import { configPlaces } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const env: Record<string, string> = { HOME: "/home/me", XDG_CONFIG_HOME: "/cfg" };
 * const places = configPlaces((name) => env[name]);
 * assert.deepEqual(places, { file: "/cfg/clusterjob/config.yaml", state: "/home/me/.local/state/clusterjob", home: "/home/me" });
 * ```
 *
 * @param env Reads an environment variable.
 * @returns The places.
 */
export function configPlaces(env: (name: string) => string | undefined): ConfigPlaces {
  const home = env("HOME") || "/";
  const absolute = (value: string | undefined) =>
    value !== undefined && isAbsolute(value) ? value : undefined;
  const configHome = absolute(env("XDG_CONFIG_HOME")) ?? join(home, ".config");
  const stateHome = absolute(env("XDG_STATE_HOME")) ?? join(home, ".local", "state");
  return {
    file: env("CLUSTERJOB_CONFIG") || join(configHome, "clusterjob", "config.yaml"),
    state: join(stateHome, "clusterjob"),
    home,
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PROFILE_KEYS = ["ssh", "simulator", "resources", ...ATTRIBUTE_CHECKS.keys()];
const SSH_KEYS = [
  "user",
  "port",
  "identityFile",
  "configFile",
  "sshPath",
  "connectTimeout",
  "options",
];
const SIMULATOR_KEYS = [
  "scheduler",
  "dialect",
  "execution",
  "runtime",
  "exitCode",
  "nodes",
  "cpus",
  "mem",
];

/**
 * Parses and checks a config file's text.
 *
 * @example Usage
 * ```ts
 * import { parseConfig } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * const places = { file: "/cfg/config.yaml", state: "/state", home: "/home/me" };
 * const config = parseConfig("default: try\nclusters:\n  try:\n    simulator:\n      scheduler: lsf\n", places);
 * assert.equal(config.defaultCluster, "try");
 * assert.equal(config.clusters[0]?.kind, "simulator");
 * assert.equal(config.clusters[0]?.backend, "lsf");
 * assert.equal(config.clusters[0]?.runsFolder, "/state/clusters/try/runs");
 * assert.throws(() => parseConfig("clusters:\n  x:\n    simulator:\n      scheduler: pbz\n", places), /line 4/);
 * ```
 *
 * @param text The YAML text.
 * @param places Where the file is (its folder anchors relative paths) and the state folder.
 * @param exists Whether the file exists (default true).
 * @returns The config.
 * @throws {InputFileError} For YAML syntax, an unknown key, a value of the wrong type or form,
 * a bad cluster name, a default that names no cluster.
 */
export function parseConfig(text: string, places: ConfigPlaces, exists = true): CliConfig {
  const file = places.file;
  const fail = fileProblem("config file", file);
  const document = parseYamlText(text, file, fail) ?? {};
  if (!isMapping(document)) fail('expected a mapping with "default:" and "clusters:"');
  const top = document as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (key !== "default" && key !== "clusters") {
      fail(
        `unknown key ${JSON.stringify(key)}; expected "default" or "clusters"`,
        key,
        lineOf(text, undefined, key),
      );
    }
  }
  const clustersValue = top.clusters ?? {};
  if (!isMapping(clustersValue)) {
    fail(
      '"clusters" must be a mapping of cluster names to profiles',
      "clusters",
      lineOf(text, undefined, "clusters"),
    );
  }
  const clusters: ClusterProfile[] = [];
  for (const [name, value] of Object.entries(clustersValue as Record<string, unknown>)) {
    const line = lineOf(text, "clusters", name);
    if (!NAME.test(name)) {
      fail(
        `cluster name ${describeValue(name)} must be a word of letters, digits, ".", "_" and "-"`,
        `clusters.${name}`,
        line,
      );
    }
    clusters.push(parseProfile(name, value ?? {}, { text, places, line, fail }));
  }
  if (!clusters.some((cluster) => cluster.name === "local")) {
    clusters.push(localProfile(places));
  }
  const defaultValue = top.default ?? "local";
  if (typeof defaultValue !== "string" || !clusters.some((c) => c.name === defaultValue)) {
    fail(
      `"default" must name one of the clusters (${clusters.map((c) => c.name).join(", ")}), not ${
        describeValue(defaultValue)
      }`,
      "default",
      lineOf(text, undefined, "default"),
    );
  }
  return { file, exists, defaultCluster: defaultValue as string, clusters };
}

/** The built-in profile of this machine: no defaults, runs in the state folder. */
export function localProfile(places: ConfigPlaces): ClusterProfile {
  return {
    name: "local",
    kind: "local",
    configured: false,
    backend: undefined,
    host: undefined,
    ssh: undefined,
    simulator: undefined,
    defaults: {},
    runsFolder: join(places.state, "clusters", "local", "runs"),
    cachePrefix: "clusterjob",
    stateFile: join(places.state, "clusters", "local", "simulator.json"),
    line: undefined,
  };
}

interface ProfileContext {
  text: string;
  places: ConfigPlaces;
  line: number | undefined;
  fail: KeyProblem;
}

function parseProfile(name: string, value: unknown, context: ProfileContext): ClusterProfile {
  const { text, places, line, fail } = context;
  const where = `clusters.${name}`;
  if (!isMapping(value)) fail(`cluster "${name}" must be a mapping of profile keys`, where, line);
  const given = { ...(value as Record<string, unknown>) };
  const keyLine = (key: string) => lineInBlock(text, line, key);
  for (const key of Object.keys(given)) {
    if (!PROFILE_KEYS.includes(key)) {
      fail(
        `unknown key ${JSON.stringify(key)} in cluster "${name}"; expected one of ${
          PROFILE_KEYS.join(", ")
        }`,
        `${where}.${key}`,
        keyLine(key),
      );
    }
  }
  const at = (key: string): KeyProblem => (problem, sub, subLine, cause) =>
    fail(problem, `${where}.${sub ?? key}`, subLine ?? keyLine(key), cause);

  const inProfile: KeyProblem = (problem, key, keyAt, cause) =>
    fail(problem, `${where}.${key}`, keyAt, cause);
  const attributes = checkedAttributes(
    given,
    text,
    keyLine,
    (key) => `unknown key "${key}"`,
    inProfile,
  );
  const resourcesLine = keyLine("resources");
  const resources = (checkedResources(given.resources, name, {
    block: resourcesLine,
    key: (key) => lineInBlock(text, resourcesLine, key),
  }, inProfile) ?? {}) as ResourcesInput;

  const simulator = given.simulator === undefined || given.simulator === null
    ? undefined
    : parseSimulator(given.simulator, (key) =>
      lineInBlock(text, keyLine("simulator"), key), at("simulator"));
  const ssh = given.ssh === undefined || given.ssh === null
    ? undefined
    : parseSsh(given.ssh, (key) => lineInBlock(text, keyLine("ssh"), key), at("ssh"), places);
  const host = attributes.remote as string | undefined;
  if (simulator !== undefined && (host !== undefined || ssh !== undefined)) {
    fail(
      `cluster "${name}" is simulated: it has no "remote" or "ssh"`,
      `${where}.${host !== undefined ? "remote" : "ssh"}`,
      keyLine(host !== undefined ? "remote" : "ssh"),
    );
  }
  if (ssh !== undefined && host === undefined) {
    fail(
      `cluster "${name}" has "ssh" options but no "remote" host`,
      `${where}.ssh`,
      keyLine("ssh"),
    );
  }
  if (
    simulator !== undefined && attributes.backend !== undefined &&
    attributes.backend !== simulator.scheduler
  ) {
    fail(
      `cluster "${name}" simulates ${simulator.scheduler}: its backend cannot be "${attributes.backend}"`,
      `${where}.backend`,
      keyLine("backend"),
    );
  }
  if (simulator !== undefined) attributes.backend = simulator.scheduler;

  const folder = join(places.state, "clusters", name);
  const cacheFolder = attributes.cacheFolder as string | undefined;
  delete attributes.cacheFolder;
  const runsFolder = cacheFolder === undefined || cacheFolder === ""
    ? join(folder, "runs")
    : localPath(cacheFolder, dirname(places.file), places.home);
  const cachePrefix = (attributes.cachePrefix as string | undefined) ?? "clusterjob";
  return {
    name,
    kind: simulator !== undefined ? "simulator" : host !== undefined ? "ssh" : "local",
    configured: true,
    backend: attributes.backend as string | undefined,
    host,
    ssh,
    simulator,
    defaults: { attributes: attributes as DefaultAttributes, resources },
    runsFolder,
    cachePrefix,
    stateFile: join(folder, "simulator.json"),
    line,
  };
}

function parseSimulator(
  value: unknown,
  keyLine: (key: string) => number | undefined,
  fail: KeyProblem,
): SimulatorSpec {
  if (!isMapping(value)) fail('"simulator" must be a mapping with at least "scheduler:"');
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!SIMULATOR_KEYS.includes(key)) {
      fail(
        `unknown key ${JSON.stringify(key)}; expected one of ${SIMULATOR_KEYS.join(", ")}`,
        `simulator.${key}`,
        keyLine(key),
      );
    }
  }
  const bad = (key: string, expected: string): never =>
    fail(
      `"${key}" must be ${expected}, not ${describeValue(given[key])}`,
      `simulator.${key}`,
      keyLine(key),
    );
  const scheduler = given.scheduler;
  if (
    typeof scheduler !== "string" ||
    !(SIMULATED_SCHEDULERS as readonly string[]).includes(scheduler)
  ) {
    bad("scheduler", `one of ${SIMULATED_SCHEDULERS.join(", ")}`);
  }
  const dialect = given.dialect;
  if (dialect !== undefined) {
    const problem = dialectProblem(scheduler as SimulatedScheduler, dialect);
    if (problem !== undefined) bad("dialect", problem);
  }
  const execution = given.execution ?? "shell";
  if (execution !== "shell" && execution !== "model") bad("execution", '"shell" or "model"');
  const number = (
    key: string,
    fallback: number,
    test: (n: number) => boolean,
    expected: string,
  ) => {
    const found = given[key] ?? fallback;
    if (typeof found !== "number" || !test(found)) bad(key, expected);
    return found as number;
  };
  const runtime = number(
    "runtime",
    1,
    (n) => Number.isFinite(n) && n >= 0,
    "a number of seconds (0 or more)",
  );
  const exitCode = number(
    "exitCode",
    0,
    (n) => Number.isInteger(n) && n >= 0 && n <= 255,
    "an integer from 0 to 255",
  );
  const nodes = number(
    "nodes",
    2,
    (n) => Number.isInteger(n) && n >= 1 && n <= 1000,
    "an integer from 1 to 1000",
  );
  const cpus = number(
    "cpus",
    4,
    (n) => Number.isInteger(n) && n >= 1 && n <= 4096,
    "an integer from 1 to 4096",
  );
  let memoryMB = 16000;
  if (given.mem !== undefined) {
    try {
      memoryMB = parseMemory(given.mem as string | number, "mem");
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      fail(error.message, "simulator.mem", keyLine("mem"), error);
    }
  }
  return {
    scheduler: scheduler as SimulatedScheduler,
    execution: execution as "shell" | "model",
    runtime,
    exitCode,
    nodes,
    cpus,
    memoryMB,
    ...(dialect === undefined
      ? {}
      : { dialect: dialect as NonNullable<SimClusterOptions["dialect"]> }),
  };
}

/**
 * What is wrong with `dialect` for a simulated `scheduler` (the accepted forms, for "must be …"),
 * or `undefined` when it is one of the scheduler's dialects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dialectProblem } from "./config.ts";
 * assert.equal(dialectProblem("lsf", "openlava"), undefined);
 * assert.equal(dialectProblem("lsf", "lsf9"), "one of lsf10, openlava");
 * assert.match(dialectProblem("slurm", "openlava")!, /slurm has one dialect/);
 * ```
 */
export function dialectProblem(
  scheduler: SimulatedScheduler,
  dialect: unknown,
): string | undefined {
  const dialects = DIALECTS[scheduler];
  if (dialects === undefined) return `left out: the simulated ${scheduler} has one dialect`;
  return typeof dialect === "string" && dialects.includes(dialect)
    ? undefined
    : `one of ${dialects.join(", ")}`;
}

function parseSsh(
  value: unknown,
  keyLine: (key: string) => number | undefined,
  fail: KeyProblem,
  places: ConfigPlaces,
): SshSpec {
  if (!isMapping(value)) fail('"ssh" must be a mapping of SSH options');
  const given = value as Record<string, unknown>;
  const spec: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(given)) {
    const bad = (expected: string): never =>
      fail(
        `"ssh.${key}" must be ${expected}, not ${describeValue(option)}`,
        `ssh.${key}`,
        keyLine(key),
      );
    switch (key) {
      case "user":
      case "sshPath":
        if (typeof option !== "string" || option === "") bad("a string");
        spec[key] = option;
        break;
      case "identityFile":
      case "configFile":
        if (typeof option !== "string" || option === "") bad("a path");
        spec[key] = localPath(option as string, dirname(places.file), places.home);
        break;
      case "port":
        if (
          typeof option !== "number" || !Number.isInteger(option) || option < 1 || option > 65535
        ) {
          bad("a port number from 1 to 65535");
        }
        spec[key] = option;
        break;
      case "connectTimeout":
        if (typeof option !== "number" || !(option > 0)) bad("a positive number of seconds");
        spec[key] = option;
        break;
      case "options":
        if (
          !isMapping(option) ||
          !Object.values(option).every((v) => typeof v === "string" || typeof v === "number")
        ) {
          bad("a mapping of ssh option names to values (ssh -o Key=Value)");
        }
        spec[key] = Object.fromEntries(
          Object.entries(option as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        );
        break;
      default:
        fail(
          `unknown key ${JSON.stringify(key)}; expected one of ${SSH_KEYS.join(", ")}`,
          `ssh.${key}`,
          keyLine(key),
        );
    }
  }
  return spec as SshSpec;
}

/**
 * A local path as written in a file: `~` and `~/…` from `home`, relative paths from `base`.
 *
 * @example Usage
 * ```ts
 * import { localPath } from "@clusterjob/clusterjob/cli";
 * import assert from "node:assert/strict";
 *
 * assert.equal(localPath("~/runs", "/cfg", "/home/me"), "/home/me/runs");
 * assert.equal(localPath("runs", "/cfg", "/home/me"), "/cfg/runs");
 * ```
 *
 * @param path The path.
 * @param base The folder relative paths start from.
 * @param home The home directory.
 * @returns The absolute path.
 */
export function localPath(path: string, base: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return resolve(base, path);
}

/**
 * The profile called `name`.
 *
 * @param config The config.
 * @param name The name; default: the config's default.
 * @returns The profile.
 * @throws {NotFoundError} When no cluster has that name.
 */
export function findCluster(config: CliConfig, name?: string): ClusterProfile {
  const wanted = name ?? config.defaultCluster;
  const found = config.clusters.find((cluster) => cluster.name === wanted);
  if (found === undefined) {
    const known = config.clusters.map((cluster) => cluster.name).join(", ");
    throw new NotFoundError(
      "cluster",
      wanted,
      `No cluster is called "${wanted}"; the clusters are ${known} (config file ${config.file}${
        config.exists ? "" : ", which does not exist"
      })`,
    );
  }
  return found;
}

/**
 * Reads the config file at `places.file`; a missing file is an empty config (only `local`).
 *
 * @param places Where the file and the state folder are.
 * @returns The config.
 * @throws {InputFileError} When the file is malformed or larger than 1 MiB.
 */
export async function loadConfig(places: ConfigPlaces): Promise<CliConfig> {
  const fail = fileProblem("config file", places.file);
  let text: string;
  try {
    text = await readBoundedText(places.file, "a config file", fail);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return parseConfig("", places, false);
    throw error;
  }
  return parseConfig(text, places);
}
