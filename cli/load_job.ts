/**
 * A job file made into a `JobScript` for a cluster: the file's options over its settings file's
 * over the cluster profile's, with the command line's `--var` and `--backend` on top.
 *
 * Paths in files are read as written where they are: a job file's `settings:` and
 * `cacheFolder:` relative to the job file, a settings file's `cacheFolder` relative to the
 * settings file; `rootdir` and `workdir` are paths on the cluster and left alone.
 *
 * @module
 */

import { dirname, isAbsolute, join } from "node:path";
import { InvalidValueError } from "../src/core/errors.ts";
import { JobScript } from "../src/job/job_script.ts";
import type { JobWarning } from "../src/job/job_warning.ts";
import type { DefaultAttributes, JobScriptDefaults } from "../src/job/options.ts";
import { parseSettings, SettingsError } from "../src/job/settings.ts";
import { userVars } from "../src/job/_user_vars.ts";
import { type KeyProblem, readBoundedText } from "../src/job/_yaml_keys.ts";
import type { ClusterProfile } from "./config.ts";
import type { CliContext } from "./context.ts";
import { InputFileError, UsageError } from "./errors.ts";
import { type JobFile, parseJobFile } from "./job_file.ts";

/** What to build. */
export interface JobRequest {
  /** The subcommand, for messages. */
  readonly command: string;
  /** The job file, as typed. */
  readonly file: string;
  /** The cluster whose defaults apply (none: only the file's and its settings'). */
  readonly cluster: ClusterProfile | undefined;
  /** `--backend`: wins over every file. */
  readonly backend?: string;
  /** `--var K=V`, in order. */
  readonly vars?: readonly string[];
  /** The job must run on the cluster: its backend and remote host must be the cluster's. */
  readonly forCluster?: boolean;
  /** Receives the job's warnings. */
  readonly onWarning: (warning: JobWarning) => void;
}

/** A job file read, with its settings and the cluster's defaults, ready to build. */
export interface PreparedJob {
  /** The job file. */
  readonly file: JobFile;
  /** The local folder the files name for cached runs (a path here), if they name one. */
  readonly cacheFolder: string | undefined;
  /**
   * Builds the job.
   *
   * @param backend A backend that wins over the request's and the files'.
   * @param onWarning Receives the job's warnings (default: the request's handler).
   * @returns The job.
   * @throws {InputFileError} For errors of building it, naming the file, the key and the line.
   */
  build(backend?: string, onWarning?: (warning: JobWarning) => void): JobScript;
}

/** A built job and where it came from. */
export interface LoadedJob {
  /** The job file. */
  readonly file: JobFile;
  /** The job. */
  readonly job: JobScript;
  /** The local folder the files name for cached runs (a path here), if they name one. */
  readonly cacheFolder: string | undefined;
}

/**
 * Reads a job file (and its settings file) and builds its job.
 *
 * @param context Reads files.
 * @param request The file, the cluster and the command line's overrides.
 * @returns The job.
 * @throws {InputFileError} For a missing or malformed job file, or a job whose backend or host
 * is not the cluster's (`forCluster`); errors of building the job name the file and line.
 * @throws {SettingsError} For a malformed settings file.
 * @throws {UsageError} For a `--var` that is not `NAME=VALUE` of a valid name.
 */
export async function loadJob(context: CliContext, request: JobRequest): Promise<LoadedJob> {
  const prepared = await prepareJob(context, request);
  return { file: prepared.file, job: prepared.build(), cacheFolder: prepared.cacheFolder };
}

/**
 * Reads a job file (and its settings file) and checks it, without building the job yet (see
 * {@linkcode loadJob}).
 *
 * @param context Reads files.
 * @param request The file, the cluster and the command line's overrides.
 * @returns The prepared job.
 */
export async function prepareJob(context: CliContext, request: JobRequest): Promise<PreparedJob> {
  const file = parseJobFile(await readInput(context, request.file, "job file"), request.file);
  const settingsPath = file.settings === undefined
    ? undefined
    : besides(request.file, file.settings);
  let settings: JobScriptDefaults = {};
  let settingsFolder: string | undefined;
  if (settingsPath !== undefined) {
    let text: string;
    try {
      text = await readBoundedText(
        context.localPath(settingsPath),
        "a settings file",
        (problem) => {
          throw new SettingsError(settingsPath, problem);
        },
      );
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new InputFileError(
        "job file",
        request.file,
        `its settings file ${settingsPath} does not exist`,
        "settings",
        file.lineOf("settings"),
      );
    }
    const parsed = parseSettings(text, settingsPath);
    settings = parsed;
    const folder = parsed.attributes.cacheFolder;
    if (folder) settingsFolder = context.localPath(besides(settingsPath, folder));
  }

  const own = { ...file.options } as Record<string, unknown>;
  const ownFolder = typeof own.cacheFolder === "string" && own.cacheFolder !== ""
    ? context.localPath(besides(request.file, own.cacheFolder))
    : undefined;
  const cacheFolder = ownFolder ?? settingsFolder;
  if (cacheFolder !== undefined) own.cacheFolder = cacheFolder;

  const cluster = request.cluster;
  const defaults = mergeDefaults(cluster?.defaults ?? {}, settings, settingsFolder);
  if (request.forCluster && cluster !== undefined) checkPlace(file, own, settings, cluster);
  if (request.backend !== undefined) own.backend = request.backend;
  if (request.vars !== undefined && request.vars.length > 0) {
    own.vars = {
      ...(own.vars as Record<string, unknown> | undefined),
      ...parseVars(request.command, request.vars),
    };
  }
  return {
    file,
    cacheFolder,
    build(backend?: string, onWarning = request.onWarning): JobScript {
      try {
        return new JobScript({
          ...(own as { name: string; body: string }),
          ...(backend === undefined ? {} : { backend }),
          defaults,
          onWarning,
        });
      } catch (error) {
        throw file.explain(error);
      }
    },
  };
}

/** Reads an input file as the user named it; a missing one is an `InputFileError`. */
export async function readInput(context: CliContext, path: string, kind: string): Promise<string> {
  const fail: KeyProblem = (problem) => {
    throw new InputFileError(kind, path, problem);
  };
  try {
    return await readBoundedText(context.localPath(path), `a ${kind}`, fail);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputFileError(kind, path, "no such file", undefined, undefined, { cause: error });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new InputFileError(kind, path, "it is a directory", undefined, undefined, {
        cause: error,
      });
    }
    throw error;
  }
}

/** `path` as written in file `from`: relative to that file's folder (absolute and `~` as they are). */
function besides(from: string, path: string): string {
  if (isAbsolute(path) || path === "~" || path.startsWith("~/")) return path;
  return join(dirname(from), path);
}

/** The cluster's defaults under the settings file's, key by key for resources and maps. */
function mergeDefaults(
  cluster: JobScriptDefaults,
  settings: JobScriptDefaults,
  settingsFolder: string | undefined,
): JobScriptDefaults {
  const attributes: Record<string, unknown> = { ...cluster.attributes };
  for (const [key, value] of Object.entries(settings.attributes ?? {})) {
    if (value === undefined) continue;
    attributes[key] = key === "vars" || key === "auxScripts"
      ? { ...(attributes[key] as object | undefined), ...(value as object) }
      : value;
  }
  if (settingsFolder !== undefined) attributes.cacheFolder = settingsFolder;
  return {
    attributes: attributes as DefaultAttributes,
    resources: { ...cluster.resources, ...settings.resources },
  };
}

/** A job sent to a cluster must be for its scheduler and its host. */
function checkPlace(
  file: JobFile,
  own: Record<string, unknown>,
  settings: JobScriptDefaults,
  cluster: ClusterProfile,
): void {
  for (const key of ["backend", "remote"] as const) {
    const theirs = key === "backend" ? cluster.backend : cluster.host;
    const mine = own[key] ?? settings.attributes?.[key];
    if (theirs === undefined || mine === undefined || mine === theirs) continue;
    const what = key === "backend" ? `runs ${theirs}` : `is reached at ${theirs}`;
    const fromSettings = own[key] === undefined;
    throw new InputFileError(
      "job file",
      file.path,
      `${key} "${mine}"${
        fromSettings ? " (from its settings file)" : ""
      }, but cluster "${cluster.name}" ${what}; ` +
        `remove "${key}:" to use the cluster's, or choose another cluster`,
      fromSettings ? "settings" : key,
      file.lineOf(fromSettings ? "settings" : key),
    );
  }
}

/** `--var NAME=VALUE` flags as vars, each checked by the rule of `vars`. */
function parseVars(command: string, flags: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const flag of flags) {
    const equals = flag.indexOf("=");
    if (equals <= 0) {
      throw new UsageError(command, `--var takes NAME=VALUE, not "${flag}"`, {
        flag: "--var",
        value: flag,
      });
    }
    const name = flag.slice(0, equals);
    vars[name] = flag.slice(equals + 1);
    try {
      userVars({ [name]: vars[name] });
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      throw new UsageError(command, `invalid --var "${flag}": ${error.message}`, {
        flag: "--var",
        value: flag,
      });
    }
  }
  return vars;
}
