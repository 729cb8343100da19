// The bad-input table: one row per bad value, across every field, file and constructor a user
// (or a tampered file) can hand clusterjob — every `JobScript` option and resource, `with()`,
// `renderScript()`, `submit()`'s options, settings text and files, the `AsyncResult`
// constructor and `AsyncResult.load` (cache files), `clearCache`, the transports' options and
// calls, `SimCluster`'s options, `parseTime`/`parseMemory`/`resolveResources`, and the backend
// registry. Each row asserts the error's exact class, that the message names the field (or the
// file) and shows the value as given (strings JSON-quoted, `NaN`, `Infinity` as such) and, where
// the message promises them, the accepted forms. Nothing in a row ever reaches a scheduler:
// submissions go to a simulated cluster, and are refused before any command runs.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  AsyncResult,
  BackendError,
  BackendRegistry,
  builtinBackends,
  CacheFormatError,
  clearCache,
  ClusterjobError,
  InvalidJobIdError,
  InvalidValueError,
  JobScript,
  type JobScriptOptions,
  LocalTransport,
  lsf,
  MisspelledKeyError,
  parseMemory,
  parseSettings,
  parseTime,
  resolveResources,
  SettingsError,
  slurm,
  SshTransport,
  TemplateError,
  UnknownKeyError,
  validateBackend,
} from "../../mod.ts";
import { loadSettings } from "../../src/job/settings.ts";
import { SimCluster } from "../../sim/mod.ts";

/** An error class a row expects (exactly: not a subclass of it). */
type ErrorClass = abstract new (...args: never[]) => Error;

/** One bad input. */
interface BadInput {
  /** What is bad, for failure messages. */
  label: string;
  /** Does the bad thing; throws (or rejects). */
  make: () => unknown | Promise<unknown>;
  /** The error's exact class. */
  error: ErrorClass;
  /** The field the message names (quoted); also `error.field`, or a SettingsError's `key`. */
  field?: string;
  /** The bad value as the message shows it. */
  value: string;
  /** Words of the accepted forms the message promises. */
  accepted?: string;
  /** The file the message names. */
  file?: string;
}

const TIME_FORMS = "M:S, H:M:S, D-H, D-H:M, D-H:M:S or D:H:M:S";
const MEMORY_FORMS = 'a unit K, M, G or T and an optional "B"';
const HOST_FORMS = "a host name, IP address or ssh_config alias";
const CACHE_NAME = "a non-empty name of letters, digits and _ . @ + = -";
const TRANSPORT = "a Transport (LocalTransport, SshTransport";

/** A job with the given options over a minimal one. */
function job(options: Record<string, unknown>): JobScript {
  return new JobScript({ name: "a", body: "true", ...options } as JobScriptOptions);
}

/** A job with the given resources. */
function resources(values: Record<string, unknown>, backend = "slurm"): JobScript {
  return job({ backend, resources: values, onWarning: () => {} });
}

/** The rows that build a `JobScript` (options, resources, methods). */
function jobRows(): BadInput[] {
  const options: Array<[string, Record<string, unknown>, string, string, string?]> = [
    // [label, options, field, value, accepted]
    ["an unknown option", { foo: 1 }, "options", '"foo"', "one of name, body, backend"],
    ["name: a number", { name: 5 }, "name", "5", "a string"],
    ["name: empty", { name: "" }, "name", '""', "a non-empty string"],
    ["name: a newline", { name: "a\nb" }, "name", '"a\\nb"', "without newlines"],
    ["name: a NUL", { name: "a\0b" }, "name", '"a\\u0000b"', "NUL"],
    ["name: blank", { name: "   " }, "name", '"   "', "a non-empty string"],
    ["body: a number", { body: 5 }, "body", "5", "a string"],
    ["body: missing", { body: undefined }, "body", "undefined", "a string"],
    ["backend: unknown name", { backend: "slurmm" }, "backend", '"slurmm"', "one of lsf, pbs"],
    ["backend: a number", { backend: 5 }, "backend", "5", "a Backend object"],
    ["backend: null", { backend: null }, "backend", "null", "the name of a backend"],
    ["registry: not a registry", { registry: {} }, "registry", "{}", "a BackendRegistry"],
    ["shell: not absolute", { shell: "bash" }, "shell", '"bash"', "an absolute path"],
    ["shell: code", { shell: "#!$(touch x)" }, "shell", '"#!$(touch x)"', "an absolute path"],
    ["shell: a ;", { shell: "/bin/bash; rm -rf ~" }, "shell", '"/bin/bash; rm -rf ~"'],
    ["shell: a number", { shell: 5 }, "shell", "5", "an absolute path"],
    ["remote: a ;", { remote: "login;x" }, "remote", '"login;x"', HOST_FORMS],
    ["remote: an option", { remote: "-oProxyCommand=x" }, "remote", '"-oProxyCommand=x"'],
    ["remote: a space", { remote: "two hosts" }, "remote", '"two hosts"', "whitespace"],
    ["remote: $(…)", { remote: "$(touch x)" }, "remote", '"$(touch x)"', HOST_FORMS],
    ["remote: option host part", { remote: "me@-x" }, "remote", '"me@-x"', "starts with -"],
    ["remote: a NUL", { remote: "a\0b" }, "remote", '"a\\u0000b"', "NUL"],
    ["remote: a number", { remote: 5 }, "remote", "5", "is not a string"],
    ["remote: padded, bad", { remote: " a;b " }, "remote", '" a;b "', HOST_FORMS],
    ["rootdir: a number", { rootdir: 5 }, "rootdir", "5", "a path"],
    ["rootdir: a tab", { rootdir: "a\tb" }, "rootdir", '"a\\tb"', "control characters"],
    ["rootdir: a NUL", { rootdir: "a\0b" }, "rootdir", '"a\\u0000b"', "control characters"],
    ["workdir: null", { workdir: null }, "workdir", "null", "a path"],
    ["workdir: a newline", { workdir: "run\n1" }, "workdir", '"run\\n1"', "control characters"],
    ["filename: empty", { filename: "" }, "filename", '""', "a file name"],
    ["filename: a folder", { filename: "a/" }, "filename", '"a/"', 'not ending in "/"'],
    ["filename: a NUL", { filename: "a\0" }, "filename", '"a\\u0000"', "control characters"],
    ["filename: a number", { filename: 5 }, "filename", "5", "a path"],
    ["prologue: a number", { prologue: 5 }, "prologue", "5", "a string"],
    ["epilogue: an object", { epilogue: {} }, "epilogue", "{}", "a string"],
    ["auxScripts: a list", { auxScripts: ["x"] }, "auxScripts", '["x"]', "an object"],
    ["auxScripts: a path", { auxScripts: { "a/b": "x" } }, "auxScripts", '"a/b"', 'no "/"'],
    ["auxScripts: ..", { auxScripts: { "..": "x" } }, "auxScripts", '".."', '"." or ".."'],
    ["auxScripts: the job script", { auxScripts: { "a.slr": "" } }, "auxScripts", '"a.slr"'],
    ["auxScripts: a newline", { auxScripts: { "a\nb": "" } }, "auxScripts", '"a\\nb"'],
    ["auxScripts: text a number", { auxScripts: { "h.sh": 5 } }, "auxScripts.h.sh", "5"],
    ["maxSleepInterval: 0", { maxSleepInterval: 0 }, "maxSleepInterval", "0", "above zero"],
    ["maxSleepInterval: NaN", { maxSleepInterval: NaN }, "maxSleepInterval", "NaN"],
    [
      "maxSleepInterval: -Infinity",
      { maxSleepInterval: -Infinity },
      "maxSleepInterval",
      "-Infinity",
    ],
    ["maxSleepInterval: a string", { maxSleepInterval: "5" }, "maxSleepInterval", '"5"'],
    ["resources: a string", { resources: "x" }, "resources", '"x"', "an object"],
    ["resources: null", { resources: null }, "resources", "null", "an object"],
    ["resources: a list", { resources: [] }, "resources", "[]", "an object"],
    ["vars: a list", { vars: [1] }, "vars", "[1]", "an object"],
    ["vars: a bad name", { vars: { "a b": 1 } }, "vars", '"a b"', "identifiers"],
    ["vars: an object", { vars: { a: {} } }, "vars.a", "{}", "a finite number"],
    ["vars: NaN", { vars: { a: NaN } }, "vars.a", "NaN", "a finite number"],
    ["vars: null", { vars: { a: null } }, "vars.a", "null", "a string"],
    ["vars: a NUL", { vars: { a: "x\0y" } }, "vars.a", '"x\\u0000y"', "without NUL"],
    ["cacheFolder: a number", { cacheFolder: 5 }, "cacheFolder", "5", "a path"],
    ["cacheFolder: a NUL", { cacheFolder: "a\0" }, "cacheFolder", '"a\\u0000"'],
    ["cachePrefix: a path", { cachePrefix: "a/b" }, "cachePrefix", '"a/b"', CACHE_NAME],
    ["cachePrefix: empty", { cachePrefix: "" }, "cachePrefix", '""', CACHE_NAME],
    ["cachePrefix: ..", { cachePrefix: ".." }, "cachePrefix", '".."', "not start with ."],
    ["cachePrefix: an option", { cachePrefix: "-rf" }, "cachePrefix", '"-rf"', "or -"],
    ["onWarning: a string", { onWarning: "x" }, "onWarning", '"x"', "a function"],
    ["strict: a string", { strict: "yes" }, "strict", '"yes"', "true or false"],
    ["defaults: a string", { defaults: "x" }, "defaults", '"x"', "an object"],
    ["defaults: unknown key", { defaults: { attribute: {} } }, "defaults", '"attribute"'],
    ["defaults.attributes: text", { defaults: { attributes: "x" } }, "defaults.attributes", '"x"'],
    [
      "defaults.attributes: per-job",
      { defaults: { attributes: { name: "b" } } },
      "defaults.attributes",
      '"name"',
      "backend, shell, remote",
    ],
    ["defaults.resources: text", { defaults: { resources: "x" } }, "resources", '"x"'],
    ["defaults.attributes: bad type", { defaults: { attributes: { rootdir: 5 } } }, "rootdir", "5"],
  ];
  const resourceRows: Array<[string, Record<string, unknown>, string, string, string?]> = [
    ["queue: empty", { queue: "" }, "queue", '""', "a non-empty string"],
    ["queue: a number", { queue: 5 }, "queue", "5", "a non-empty string"],
    ["queue: a newline", { queue: "a\nb" }, "queue", '"a\\nb"', "without newlines"],
    ["time: 1.5", { time: "1.5" }, "time", '"1.5"', TIME_FORMS],
    ["time: -1", { time: -1 }, "time", "-1", TIME_FORMS],
    ["time: 0", { time: 0 }, "time", "0", "a walltime above zero"],
    ["time: true", { time: true }, "time", "true", TIME_FORMS],
    ["time: Infinity", { time: Infinity }, "time", "Infinity", TIME_FORMS],
    ["time: 1:99", { time: "1:99" }, "time", '"1:99"', "below 60"],
    ["time: 1-24", { time: "1-24" }, "time", '"1-24"', "hours below 24"],
    ["nodes: 1.5", { nodes: 1.5 }, "nodes", "1.5", "a whole number of 1 or more"],
    ["nodes: a string", { nodes: "2" }, "nodes", '"2"', "a whole number"],
    ["nodes: 0", { nodes: 0 }, "nodes", "0", "a whole number of 1 or more"],
    ["nodes: NaN", { nodes: NaN }, "nodes", "NaN", "a whole number"],
    ["ppn: 0", { ppn: 0 }, "ppn", "0", "a whole number of 1 or more"],
    ["ppn: -1", { ppn: -1 }, "ppn", "-1", "a whole number"],
    ["threads: NaN", { threads: NaN }, "threads", "NaN", "a whole number"],
    ["threads: Infinity", { threads: Infinity }, "threads", "Infinity", "a whole number"],
    ["mem: 4Q", { mem: "4Q" }, "mem", '"4Q"', MEMORY_FORMS],
    ["mem: 0", { mem: 0 }, "mem", "0", "a positive number of megabytes"],
    ["mem: -1G", { mem: "-1G" }, "mem", '"-1G"', MEMORY_FORMS],
    ["mem: Infinity", { mem: Infinity }, "mem", "Infinity", MEMORY_FORMS],
    ["mem: too big", { mem: "99999999999999999T" }, "mem", '"99999999999999999T"'],
    ["gpus: -1", { gpus: -1 }, "gpus", "-1", "a whole number of 0 or more"],
    ["gpus: 1.5", { gpus: 1.5 }, "gpus", "1.5", "a whole number of 0 or more"],
    ["account: empty", { account: "" }, "account", '""', "a non-empty string"],
    ["account: a NUL", { account: "a\0" }, "account", '"a\\u0000"', "NUL"],
    ["stdout: empty", { stdout: "" }, "stdout", '""', "a non-empty file path"],
    ["stderr: a tab", { stderr: "a\tb" }, "stderr", '"a\\tb"', "control characters"],
    ["stdout: a number", { stdout: 5 }, "stdout", "5", "a non-empty file path"],
    ["pass-through: an object", { exclusive: {} }, "exclusive", "{}", "a finite number"],
    ["pass-through: NaN", { comment: NaN }, "comment", "NaN", "a finite number"],
    ["pass-through: a newline", { comment: "a\nb" }, "comment", '"a\\nb"', "without newlines"],
    ["pass-through key: empty", { "": "x" }, "resources", '""', "non-empty keys"],
    ["pass-through key: a newline", { "a\nb": "x" }, "resources", '"a\\nb"', "non-empty keys"],
    ["pass-through key: a space", { "a b": "x" }, "resources", '"a b"', "a pass-through key"],
    ["pass-through key: a ;", { "a;touch x": 1 }, "resources", '"a;touch x"', "letters, digits"],
    ["pass-through: quotes and spaces", { comment: 'a "b" c' }, "comment", '"a \\"b\\" c"'],
  ];
  const rows: BadInput[] = [
    ...options.map(([label, given, field, value, accepted]) => ({
      label,
      make: () => job(given),
      error: InvalidValueError,
      field,
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
    ...resourceRows.map(([label, given, field, value, accepted]) => ({
      label,
      make: () => resources(given),
      error: InvalidValueError,
      field,
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
  ];
  const more: BadInput[] = [
    {
      label: "options: null",
      make: () => new JobScript(null as never),
      error: InvalidValueError,
      field: "options",
      value: "null",
      accepted: "an object of JobScript options",
    },
    {
      label: "a misspelt option",
      make: () => job({ worksdir: "x" }),
      error: MisspelledKeyError,
      field: "options",
      value: '"worksdir"',
      accepted: 'did you mean "workdir"?',
    },
    {
      label: "backend: a malformed object",
      make: () => job({ backend: { name: "mine" } }),
      error: BackendError,
      value: '"mine"',
      accepted: "extension must be",
    },
    {
      label: "resources: ppm",
      make: () => resources({ ppm: 4 }),
      error: MisspelledKeyError,
      field: "resources",
      value: '"ppm"',
      accepted: 'did you mean "ppn"?',
    },
    {
      label: "resources: memory on pbs",
      make: () => resources({ memory: "4G" }, "pbs"),
      error: MisspelledKeyError,
      field: "resources",
      value: '"memory"',
      accepted: 'did you mean "mem"?',
    },
    {
      label: "resources: quene",
      make: () => resources({ quene: "debug" }, "sge"),
      error: MisspelledKeyError,
      field: "resources",
      value: '"quene"',
      accepted: 'did you mean "queue"?',
    },
    {
      label: "strict: an option the scheduler does not list",
      make: () => job({ backend: "pbs", resources: { exclusivee: true }, strict: true }),
      error: UnknownKeyError,
      field: "resources",
      value: '"exclusivee"',
      accepted: "is not an option pbs's scheduler lists",
    },
    {
      label: "renderScript: a number",
      make: () => job({}).renderScript(5 as never),
      error: InvalidValueError,
      field: "text",
      value: "5",
      accepted: "a string",
    },
    {
      label: "with: null",
      make: () => job({}).with(null as never),
      error: InvalidValueError,
      field: "overrides",
      value: "null",
      accepted: "an object of JobScript options",
    },
    {
      label: "with: defaults",
      make: () => job({}).with({ defaults: {} } as never),
      error: InvalidValueError,
      field: "options",
      value: '"defaults"',
      accepted: "any JobScript option but defaults",
    },
    {
      label: "with: an unknown option",
      make: () => job({}).with({ foo: 1 } as never),
      error: InvalidValueError,
      field: "options",
      value: '"foo"',
    },
    {
      label: "with: a bad value",
      make: () => job({}).with({ resources: { nodes: 0 } }),
      error: InvalidValueError,
      field: "nodes",
      value: "0",
    },
    {
      label: "an unknown placeholder",
      make: () => job({ body: "echo {nope}" }).render(),
      error: TemplateError,
      value: '"{nope}"',
      accepted: "in the body, line 1",
    },
  ];
  return [...rows, ...more];
}

/** The rows of `submit()`'s options: refused before anything is written or run. */
function submitRows(cluster: SimCluster, dir: string): BadInput[] {
  const transport = cluster.transport();
  const submit = (options: Record<string, unknown>) =>
    job({ rootdir: dir }).submit({ transport, cacheFolder: "", ...options } as never);
  const rows: Array<[string, Record<string, unknown>, string, string, string?]> = [
    ["a misspelt transport", { transprot: transport }, "options.transprot", '{"name":"sim:slurm"'],
    ["transport: a number", { transport: 5 }, "transport", "5", TRANSPORT],
    ["transport: the cluster", { transport: cluster }, "transport", '{"kind":"slurm"', TRANSPORT],
    ["cacheId: a path", { cacheId: "a/b", cacheFolder: dir }, "cacheId", '"a/b"', CACHE_NAME],
    ["cacheId: empty", { cacheId: "" }, "cacheId", '""', CACHE_NAME],
    ["cacheId: an option", { cacheId: "--user=root" }, "cacheId", '"--user=root"', CACHE_NAME],
    ["cachePrefix: a space", { cachePrefix: "a b" }, "cachePrefix", '"a b"', CACHE_NAME],
    ["cacheFolder: a NUL", { cacheFolder: "a\0" }, "cacheFolder", '"a\\u0000"', "control"],
    ["force: a string", { force: "yes" }, "force", '"yes"', "true or false"],
    ["retry: a number", { retry: 1 }, "retry", "1", "true or false"],
    ["signal: not a signal", { signal: {} }, "signal", "{}", "an AbortSignal"],
    [
      "polling: a negative grace",
      { polling: { vanishGraceMs: -1 } },
      "polling.vanishGraceMs",
      "-1",
    ],
    [
      "polling: a misspelt key",
      { polling: { maxQueryFailure: 3 } },
      "polling.maxQueryFailure",
      "3",
    ],
    ["polling: a string", { polling: "often" }, "polling", '"often"', "an object"],
  ];
  return rows.map(([label, options, field, value, accepted]) => ({
    label: `submit ${label}`,
    make: () => submit(options),
    error: InvalidValueError,
    field,
    value,
    ...(accepted === undefined ? {} : { accepted }),
  }));
}

/** The rows of settings: YAML text (`parseSettings`) and files (`loadSettings`). */
function settingsRows(dir: string): BadInput[] {
  const file = "cluster.yaml";
  const text: Array<[string, string, string | undefined, string, string?]> = [
    // [label, YAML, key, value, accepted]
    ["YAML syntax", "resources: [\n", undefined, "deficient indentation"],
    ["an anchor", "resources:\n  a: &x 1\n  b: *x\n", undefined, '"&x"', "not supported"],
    ["an alias", "resources:\n  b: *x\n", undefined, '"*x"'],
    [
      "a duplicate key",
      "resources:\n  queue: a\n  queue: b\n",
      undefined,
      "duplicated mapping key",
    ],
    ["a JS tag", "resources:\n  queue: !!js/function x\n", undefined, "js/function"],
    ["too big", `resources:\n  queue: ${"x".repeat(1_100_000)}\n`, undefined, "1048576 bytes"],
    ["an unknown section", "attribute:\n  backend: pbs\n", "attribute", '"attribute"'],
    ["a misspelt attribute", "attributes:\n  bakend: pbs\n", "bakend", '"bakend"', "backend"],
    ["a per-job attribute", "attributes:\n  name: x\n", "name", '"name"', "belongs to each job"],
    ["a resource as attribute", "attributes:\n  queue: x\n", "queue", '"queue"', "resources:"],
    ["strict: text", "attributes:\n  strict: yes please\n", "strict", '"yes please"', "true or"],
    ["rootdir: a number", "attributes:\n  rootdir: 5\n", "rootdir", "5", "a string"],
    ["remote: a number", "attributes:\n  remote: 5\n", "remote", "5", "a string or null"],
    ["shell: not absolute", "attributes:\n  shell: bash\n", "shell", '"bash"', "an absolute"],
    ["remote: a ;", "attributes:\n  remote: login;x\n", "remote", '"login;x"', HOST_FORMS],
    ["cachePrefix: a path", "attributes:\n  cachePrefix: a/b\n", "cachePrefix", '"a/b"'],
    ["maxSleepInterval: -1", "attributes:\n  maxSleepInterval: -1\n", "maxSleepInterval", "-1"],
    ["vars: a bad name", "attributes:\n  vars:\n    a b: 1\n", "vars", '"a b"', "identifiers"],
    ["vars: a mapping", "attributes:\n  vars:\n    a: {b: 1}\n", "vars.a", '{"b":1}'],
    ["auxScripts: a number", "attributes:\n  auxScripts:\n    a.sh: 5\n", "auxScripts", "5"],
    ["time: 1.5", "resources:\n  time: 1.5\n", "time", "1.5", TIME_FORMS],
    ["quene", "resources:\n  quene: debug\n", "quene", '"quene"', 'did you mean "queue"?'],
    ["queue: a list", "resources:\n  queue: [a]\n", "queue", '["a"]', "a non-empty string"],
    ["resources: a list", "resources: [a]\n", "resources", "resources", "a mapping"],
    ["a list document", "- a\n", undefined, '["a"]', '"attributes:" and "resources:"'],
    ["an empty document", "", undefined, "found none", '"attributes:" or "resources:"'],
  ];
  const rows: BadInput[] = text.map(([label, yaml, key, value, accepted]) => ({
    label: `settings ${label}`,
    make: () => parseSettings(yaml, file),
    error: SettingsError,
    ...(key === undefined ? {} : { field: key }),
    value,
    ...(accepted === undefined ? {} : { accepted }),
    file,
  }));
  const missing = join(dir, "missing.yaml");
  const big = join(dir, "big.yaml");
  return [
    ...rows,
    {
      label: "parseSettings: not text",
      make: () => parseSettings(5 as never),
      error: InvalidValueError,
      field: "text",
      value: "5",
      accepted: "a string",
    },
    {
      label: "loadSettings: a missing file",
      make: () => loadSettings(missing),
      error: SettingsError,
      value: "no such file",
      file: missing,
    },
    {
      label: "loadSettings: a directory",
      make: () => loadSettings(dir),
      error: SettingsError,
      value: "it is a directory",
      file: dir,
    },
    {
      label: "loadSettings: a file of 2 MiB",
      make: async () => {
        await Deno.writeTextFile(big, "#".repeat(2 * 1024 * 1024));
        return await loadSettings(big);
      },
      error: SettingsError,
      value: "larger than 1048576 bytes",
      file: big,
    },
    {
      label: "loadSettings: a NUL in the path",
      make: () => loadSettings("a\0b"),
      error: InvalidValueError,
      field: "path",
      value: '"a\\u0000b"',
    },
    {
      label: "loadSettings: a number",
      make: () => loadSettings(5 as never),
      error: InvalidValueError,
      field: "path",
      value: "5",
    },
  ];
}

/** A valid run record, as `dump()` writes it, with `changes`. */
function record(changes: Record<string, unknown>): string {
  return JSON.stringify({
    format: "clusterjob-run",
    version: 1,
    phase: "submitted",
    jobId: "12",
    jobName: "a",
    backend: "slurm",
    transport: "local",
    maxSleepInterval: 900,
    status: -2,
    state: "PENDING",
    epilogueDone: false,
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...changes,
  });
}

/** The rows of the `AsyncResult` constructor, `load` (cache files) and `clearCache`. */
function runRows(dir: string): BadInput[] {
  const transport = new LocalTransport();
  const init = (changes: Record<string, unknown>) => () =>
    new AsyncResult({ jobId: "1", backend: slurm, transport, ...changes } as never);
  const constructed: Array<[string, Record<string, unknown>, string, string, string?]> = [
    ["no backend", { backend: undefined }, "backend", "undefined", "a Backend object"],
    ["backend: a name", { backend: "slurm" }, "backend", '"slurm"', "a Backend object"],
    ["no transport", { transport: undefined }, "transport", "undefined", TRANSPORT],
    ["transport: an object", { transport: {} }, "transport", "{}", TRANSPORT],
    ["maxSleepInterval: NaN", { maxSleepInterval: NaN }, "maxSleepInterval", "NaN", "a positive"],
    ["status: 7", { status: 7 }, "status", "7", "a status code"],
    ["jobName: a number", { jobName: 5 }, "jobName", "5", "a string"],
    ["remote: a ;", { remote: "a;b" }, "remote", '"a;b"', HOST_FORMS],
    ["exitCode: text", { exitCode: "1" }, "exitCode", '"1"', "an integer"],
    ["epilogueDone: text", { epilogueDone: "no" }, "epilogueDone", '"no"', "true or false"],
    ["cacheFile: a NUL", { cacheFile: "a\0" }, "cacheFile", '"a\\u0000"', "without NUL"],
    ["polling: 0 failures", { polling: { maxQueryFailures: 0 } }, "polling.maxQueryFailures", "0"],
    [
      "polling: a misspelt key",
      { polling: { maxQueryFailure: 3 } },
      "polling.maxQueryFailure",
      "3",
    ],
    ["a misspelt key", { jobid: "2" }, "init.jobid", '"2"', "jobId, backend, transport"],
  ];
  const ids: Array<[string, unknown, string, string]> = [
    ["-u", "-u", '"-u"', "a positive integer"],
    ["--user=root", "--user=root", '"--user=root"', "a positive integer"],
    ["a number", 5, "5", "a positive integer"],
    ["empty", "", '""', "a positive integer"],
    ["a ;", "1;touch x", '"1;touch x"', "a positive integer"],
  ];
  const rows: BadInput[] = [
    {
      label: "AsyncResult: init null",
      make: () => new AsyncResult(null as never),
      error: InvalidValueError,
      field: "init",
      value: "null",
    },
    {
      label: "AsyncResult: a malformed backend",
      make: init({ backend: {} }),
      error: BackendError,
      value: "undefined",
      accepted: "name must match",
    },
    ...constructed.map(([label, changes, field, value, accepted]) => ({
      label: `AsyncResult: ${label}`,
      make: init(changes),
      error: InvalidValueError,
      field,
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
    ...ids.map(([label, jobId, value, accepted]) => ({
      label: `AsyncResult: job id ${label}`,
      make: init({ jobId }),
      error: InvalidJobIdError,
      field: "jobId",
      value,
      accepted,
    })),
    {
      label: "AsyncResult: job id 0 on LSF",
      make: init({ jobId: "0", backend: lsf }),
      error: InvalidJobIdError,
      field: "jobId",
      value: '"0"',
      accepted: '"bkill 0" kills all your jobs',
    },
  ];
  // Cache files: each a record with one field damaged.
  const files: Array<[string, string, string | undefined, string, string?]> = [
    ["garbage", "{x", undefined, "not valid JSON"],
    ["a list", "[]", undefined, "not a JSON object"],
    ["format", record({ format: "x" }), "format", '"x"', '"clusterjob-run"'],
    ["version: newer", record({ version: 99 }), "version", "99", "newer than this library's"],
    ["version: text", record({ version: "1" }), "version", '"1"', "an integer"],
    ["phase", record({ phase: "done" }), "phase", '"done"', '"submitting" or "submitted"'],
    ["jobId: a ;", record({ jobId: "1;x" }), "jobId", '"1;x"', "letters, digits"],
    ["jobId: empty", record({ jobId: "" }), "jobId", '""', "letters, digits"],
    ["jobId: a number", record({ jobId: 5 }), "jobId", "5", "a string"],
    ["jobId: an option", record({ jobId: "--user=x" }), "jobId", '"--user=x"', "starting with"],
    ["jobId: 0 on LSF", record({ jobId: "0", backend: "lsf" }), "jobId", '"0"', 'not "0"'],
    ["jobId: all", record({ jobId: "all" }), "jobId", '"all"', 'not "0" or "all"'],
    ["backend", record({ backend: "slurmm" }), "backend", '"slurmm"', "one of lsf, pbs"],
    ["maxSleepInterval", record({ maxSleepInterval: -1 }), "maxSleepInterval", "-1", "positive"],
    ["status", record({ status: 9 }), "status", "9", "a status code"],
    ["state", record({ state: 5 }), "state", "5", "a string"],
    ["epilogueDone", record({ epilogueDone: "no" }), "epilogueDone", '"no"', "a boolean"],
    ["updatedAt", record({ updatedAt: 5 }), "updatedAt", "5", "a string"],
    ["exitCode", record({ exitCode: 1.5 }), "exitCode", "1.5", "an integer"],
    ["remote: a ;", record({ remote: "a;b" }), "remote", '"a;b"', HOST_FORMS],
    ["remote: an option", record({ remote: "-oProxyCommand=x" }), "remote", '"-oProxyCommand=x"'],
  ];
  files.forEach(([label, text, field, value, accepted], index) => {
    const path = join(dir, `clusterjob.bad${index}.json`);
    rows.push({
      label: `cache file: ${label}`,
      make: async () => {
        await Deno.writeTextFile(path, text);
        return await AsyncResult.load(path, { transport });
      },
      error: CacheFormatError,
      ...(field === undefined ? {} : { field }),
      value,
      ...(accepted === undefined ? {} : { accepted }),
      file: path,
    });
  });
  const good = join(dir, "clusterjob.good.json");
  const file = join(dir, "a-file");
  rows.push(
    {
      label: "load: a missing file",
      make: () => AsyncResult.load(join(dir, "none.json")),
      error: CacheFormatError,
      value: "no such file",
      file: join(dir, "none.json"),
    },
    {
      label: "load: a directory",
      make: () => AsyncResult.load(dir),
      error: CacheFormatError,
      value: "it is a directory",
      file: dir,
    },
    {
      label: "load: a NUL in the path",
      make: () => AsyncResult.load("a\0b"),
      error: InvalidValueError,
      field: "path",
      value: '"a\\u0000b"',
    },
    {
      label: "load: a number for the path",
      make: () => AsyncResult.load(5 as never),
      error: InvalidValueError,
      field: "path",
      value: "5",
    },
    {
      label: "load: options a string",
      make: () => AsyncResult.load(good, "x" as never),
      error: InvalidValueError,
      field: "options",
      value: '"x"',
    },
    {
      label: "load: a misspelt option",
      make: () => AsyncResult.load(good, { transprot: transport } as never),
      error: InvalidValueError,
      field: "options.transprot",
      value: '{"name":"local"',
      accepted: "transport, backend, polling",
    },
    {
      label: "load: backend a name",
      make: () => AsyncResult.load(good, { backend: "slurm" } as never),
      error: InvalidValueError,
      field: "backend",
      value: '"slurm"',
    },
    {
      label: "clearCache: a file for the folder",
      make: async () => {
        await Deno.writeTextFile(file, "mine");
        return await clearCache(file);
      },
      error: InvalidValueError,
      field: "folder",
      value: JSON.stringify(file),
      accepted: "a cache folder",
    },
    {
      label: "clearCache: a bad prefix",
      make: () => clearCache(dir, "a/b"),
      error: InvalidValueError,
      field: "cachePrefix",
      value: '"a/b"',
      accepted: CACHE_NAME,
    },
  );
  return rows;
}

/** The rows of `SshTransport` and `LocalTransport`: options and calls. */
function transportRows(dir: string): BadInput[] {
  const ssh: Array<[string, Record<string, unknown>, string, string, string?]> = [
    ["host: a ;", { host: "a;b" }, "host", '"a;b"', HOST_FORMS],
    ["host: a NUL", { host: "a\0b" }, "host", '"a\\u0000b"', "a NUL character"],
    ["host: an option", { host: "-oProxyCommand=x" }, "host", '"-oProxyCommand=x"', "starts with"],
    ["host: a number", { host: 5 }, "host", "5", "is not a string"],
    ["host: empty", { host: "" }, "host", '""', "is empty"],
    ["host: a space", { host: "a b" }, "host", '"a b"', "whitespace"],
    ["host: user twice", { host: "me@a", user: "you" }, "host", '"me@a"', "give it once"],
    ["user: a ;", { host: "a", user: "x;y" }, "user", '"x;y"', "a user name"],
    ["user: an option", { host: "a", user: "-x" }, "user", '"-x"', "starts with -"],
    ["port: 0", { host: "a", port: 0 }, "port", "0", "an integer from 1 to 65535"],
    ["port: text", { host: "a", port: "22" }, "port", '"22"', "an integer from 1 to 65535"],
    ["port: 70000", { host: "a", port: 70000 }, "port", "70000", "an integer from 1 to 65535"],
    ["configFile: a newline", { host: "a", configFile: "a\nb" }, "configFile", '"a\\nb"'],
    ["identityFile: empty", { host: "a", identityFile: "" }, "identityFile", '""', "non-empty"],
    ["sshPath: a number", { host: "a", sshPath: 5 }, "sshPath", "5", "the ssh program"],
    ["extraOptions: text", { host: "a", extraOptions: "x" }, "extraOptions", '"x"', "an object"],
    [
      "extraOptions: a bad key",
      { host: "a", extraOptions: { "a b": "x" } },
      "extraOptions",
      '"a b"',
    ],
    [
      "StrictHostKeyChecking=no",
      { host: "a", extraOptions: { StrictHostKeyChecking: "no" } },
      "extraOptions.StrictHostKeyChecking",
      '"no"',
      "never switches host-key checking off",
    ],
    [
      "UserKnownHostsFile=/dev/null",
      { host: "a", extraOptions: { UserKnownHostsFile: "/dev/null" } },
      "extraOptions.UserKnownHostsFile",
      '"/dev/null"',
      "a real known_hosts file",
    ],
    [
      "ControlPath",
      { host: "a", extraOptions: { ControlPath: "/tmp/x" } },
      "extraOptions.ControlPath",
      '"/tmp/x"',
      "no Control* option",
    ],
    [
      "ProxyJump: a newline",
      { host: "a", extraOptions: { ProxyJump: "a\nb" } },
      "extraOptions.ProxyJump",
      '"a\\nb"',
    ],
    ["connectTimeout: NaN", { host: "a", connectTimeout: NaN }, "connectTimeout", "NaN"],
    ["controlPersist: 1.5", { host: "a", controlPersist: 1.5 }, "controlPersist", "1.5", "whole"],
    ["maxSessions: 0", { host: "a", maxSessions: 0 }, "maxSessions", "0", "a positive whole"],
    ["interactive: text", { host: "a", interactive: "yes" }, "interactive", '"yes"', "true or"],
    ["clock: an object", { host: "a", clock: {} }, "clock", "{}", "now() and sleep()"],
    ["a misspelt option", { host: "a", identity_file: "k" }, "options.identity_file", '"k"'],
  ];
  const local = new LocalTransport();
  const file = join(dir, "x.txt");
  const calls: Array<[string, () => unknown, string, string, string?]> = [
    ["options: unknown", () => new LocalTransport({ foo: 1 } as never), "options.foo", "1"],
    ["options: text", () => new LocalTransport("x" as never), "options", '"x"', "an object"],
    ["clock: a number", () => new LocalTransport({ clock: 5 } as never), "clock", "5"],
    ["run: no argv", () => local.run([]), "argv", "[]", "a non-empty list"],
    ["run: a NUL", () => local.run(["echo", "a\0"]), "argv[1]", '"a\\u0000"', "without NUL"],
    ["run: cwd empty", () => local.run(["true"], { cwd: "" }), "cwd", '""', "a non-empty path"],
    ["run: env name", () => local.run(["true"], { env: { "A B": "x" } }), "env", '"A B"'],
    ["run: env NUL", () => local.run(["true"], { env: { A: "\0" } }), "env.A", '"\\u0000"'],
    ["run: timeout", () => local.run(["true"], { timeout: -1 }), "timeout", "-1", "a positive"],
    ["run: stdin", () => local.run(["true"], { stdin: 5 } as never), "stdin", "5", "a string"],
    ["run: signal", () => local.run(["true"], { signal: 1 } as never), "signal", "1"],
    [
      "run: misspelt option",
      () => local.run(["true"], { cdw: "/" } as never),
      "options.cdw",
      '"/"',
    ],
    ["writeFile: mode", () => local.writeFile(file, "x", { mode: 99999 }), "mode", "99999"],
    ["writeFile: text", () => local.writeFile(file, 5 as never), "text", "5", "a string"],
    ["readFile: a NUL", () => local.readFile("a\0"), "path", '"a\\u0000"', "without NUL"],
    ["mkdir: mode", () => local.mkdir(join(dir, "d"), { mode: -1 }), "mode", "-1", "0o7777"],
  ];
  return [
    {
      label: "SshTransport: options null",
      make: () => new SshTransport(null as never),
      error: InvalidValueError,
      field: "options",
      value: "null",
      accepted: "host, user, port",
    },
    ...ssh.map(([label, options, field, value, accepted]) => ({
      label: `SshTransport ${label}`,
      make: () => new SshTransport(options as never),
      error: InvalidValueError,
      field,
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
    ...calls.map(([label, make, field, value, accepted]) => ({
      label: `LocalTransport ${label}`,
      make,
      error: InvalidValueError,
      field,
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
  ];
}

/** The rows of `SimCluster`'s options (model mode: no process is started). */
function simRows(): BadInput[] {
  const model = () => ({ runtimeSeconds: 1, exitCode: 0 });
  const cases: Array<[string, Record<string, unknown>, string, string, string?]> = [
    ["scheduler: unknown", { scheduler: "slurmm" }, "scheduler", '"slurmm"', "one of slurm"],
    ["scheduler: missing", { scheduler: undefined }, "scheduler", "undefined", "one of slurm"],
    ["execution", { execution: "shel" }, "execution", '"shel"', '"shell" or "model"'],
    ["model: text", { model: "x" }, "model", '"x"', "a function"],
    ["clock", { clock: "virtul" }, "clock", '"virtul"', '"virtual" or "real"'],
    ["startTime: text", { startTime: "x" }, "startTime", '"x"', "a valid Date"],
    ["startTime: NaN", { startTime: NaN }, "startTime", "NaN", "milliseconds"],
    ["user: a path", { user: "a/b" }, "user", '"a/b"', "a user name"],
    ["user: ..", { user: ".." }, "user", '".."', "a user name"],
    ["user: empty", { user: "" }, "user", '""', "a user name"],
    ["loginHost: a space", { loginHost: "a b" }, "loginHost", '"a b"', "a host name"],
    ["firstJobId: 0", { firstJobId: 0 }, "firstJobId", "0", "a whole number of 1 or more"],
    ["firstJobId: 1.5", { firstJobId: 1.5 }, "firstJobId", "1.5", "a whole number"],
    ["seed: NaN", { seed: NaN }, "seed", "NaN", "a finite number"],
    ["nodes: none", { nodes: [] }, "nodes", "[]", "a non-empty list of nodes"],
    ["nodes: text", { nodes: "x" }, "nodes", '"x"', "a non-empty list"],
    ["nodes: no cpus", { nodes: [{ name: "n", cpus: 0, memoryMB: 1 }] }, "nodes[0].cpus", "0"],
    [
      "nodes: a bad name",
      { nodes: [{ name: "a b", cpus: 1, memoryMB: 1 }] },
      "nodes[0].name",
      '"a b"',
    ],
    ["queues: none", { queues: [] }, "queues", "[]", "a non-empty list of queues"],
    ["queues: a newline", { queues: [{ name: "a\nb" }] }, "queues[0].name", '"a\\nb"'],
    ["faults: a number", { faults: 5 }, "faults", "5", "an object"],
    ["engine: a number", { engine: 5 }, "engine", "5", "an object"],
    ["commands: a number", { commands: 5 }, "commands", "5", "an object of command names"],
    ["a misspelt option", { schedular: "sge" }, "options.schedular", '"sge"', "scheduler, nodes"],
    [
      "dialect: unknown",
      { scheduler: "lsf", dialect: "lsf7" },
      "dialect",
      '"lsf7"',
      "lsf10, openlava",
    ],
    ["dialect: none to pick", { dialect: "openlava" }, "dialect", '"openlava"', "one dialect"],
  ];
  return [
    {
      label: "SimCluster: options null",
      make: () => new SimCluster(null as never),
      error: InvalidValueError,
      field: "options",
      value: "null",
    },
    ...cases.map(([label, options, field, value, accepted]) => ({
      label: `SimCluster ${label}`,
      make: () => new SimCluster({ scheduler: "slurm", model, ...options } as never),
      error: InvalidValueError,
      field,
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
  ];
}

/** The rows of the resource functions and the backend registry. */
function functionRows(): BadInput[] {
  const rows: Array<[string, () => unknown, string | undefined, string, string?]> = [
    ["parseTime: null", () => parseTime(null as never), "time", "null", TIME_FORMS],
    ["parseTime: an object", () => parseTime({} as never), "time", "{}", TIME_FORMS],
    ["parseTime: own field", () => parseTime("soon", "walltime"), "walltime", '"soon"'],
    ["parseTime: empty", () => parseTime(""), "time", '""', TIME_FORMS],
    ["parseTime: five parts", () => parseTime("1:2:3:4:5"), "time", '"1:2:3:4:5"', TIME_FORMS],
    ["parseTime: 1.5", () => parseTime(1.5), "time", "1.5", "a whole number of minutes"],
    [
      "parseTime: too big",
      () => parseTime("99999999999999999999"),
      "time",
      '"99999999999999999999"',
    ],
    ["parseMemory: null", () => parseMemory(null as never), "mem", "null", MEMORY_FORMS],
    ["parseMemory: NaN", () => parseMemory(NaN), "mem", "NaN", MEMORY_FORMS],
    ["parseMemory: two dots", () => parseMemory("1.5.5G"), "mem", '"1.5.5G"', MEMORY_FORMS],
    ["parseMemory: empty", () => parseMemory(""), "mem", '""', MEMORY_FORMS],
    ["parseMemory: own field", () => parseMemory("lots", "memory"), "memory", '"lots"'],
    ["resolveResources: name", () => resolveResources(5 as never, {}), "name", "5"],
    ["resolveResources: null", () => resolveResources("a", null as never), "resources", "null"],
    ["resolveResources: a list", () => resolveResources("a", [] as never), "resources", "[]"],
    ["resolveResources: a value", () => resolveResources("a", { mem: "4Q" }), "mem", '"4Q"'],
    [
      "registry: not a list",
      () => new BackendRegistry(5 as never),
      "backends",
      "5",
      "a list of Backend objects",
    ],
    [
      "registry: bad options",
      () => new BackendRegistry([], "x" as never),
      "options",
      '"x"',
      "frozen",
    ],
    [
      "registry: an unknown name",
      () => builtinBackends.get("slurmm"),
      "backend",
      '"slurmm"',
      "one of lsf, pbs, pbspro, sge, slurm",
    ],
    ["registry: a number", () => builtinBackends.get(5 as never), "backend", "5", "one of lsf"],
  ];
  const backendRows: Array<[string, unknown, string, string]> = [
    ["null", null, "null", "expected an object"],
    ["a name", "slurm", '"slurm"', "expected an object"],
    ["empty", {}, "undefined", "name must match"],
    ["a bad name", { ...slurm, name: "My Slurm" }, '"My Slurm"', "name must match"],
    ["a bad prefix", { ...slurm, name: "mine", prefix: "SBATCH" }, '"mine"', 'starting with "#"'],
    [
      "an unanchored grammar",
      { ...slurm, name: "mine", jobIdGrammar: { pattern: /\d+/, description: "digits" } },
      '"mine"',
      "an anchored RegExp",
    ],
  ];
  return [
    ...rows.map(([label, make, field, value, accepted]) => ({
      label,
      make,
      error: InvalidValueError,
      ...(field === undefined ? {} : { field }),
      value,
      ...(accepted === undefined ? {} : { accepted }),
    })),
    ...backendRows.map(([label, backend, value, accepted]) => ({
      label: `validateBackend: ${label}`,
      make: () => validateBackend(backend),
      error: BackendError,
      value,
      accepted,
    })),
    {
      label: "registry: a malformed backend",
      make: () => new BackendRegistry([{ ...slurm, envVars: {} } as never]),
      error: BackendError,
      value: '"slurm"',
      accepted: "envVars.CLUSTERJOB_ID is missing",
    },
    {
      label: "registry: the built-in one is read-only",
      make: () => builtinBackends.register(slurm),
      error: ClusterjobError,
      value: "read-only registry",
      accepted: "new BackendRegistry(builtinBackends.list())",
    },
  ];
}

/** Why `error` does not match `row`, or `undefined` when it does. */
function mismatch(row: BadInput, error: unknown): string | undefined {
  if (!(error instanceof Error)) return `threw a non-error: ${String(error)}`;
  const name = `${error.constructor.name}: ${error.message}`;
  if (Object.getPrototypeOf(error).constructor !== row.error) {
    return `expected ${row.error.name}, got ${name}`;
  }
  const { message } = error;
  if (row.field !== undefined) {
    if (!message.includes(`"${row.field}"`)) return `the message does not name "${row.field}"`;
    const own = error as { field?: unknown; key?: unknown };
    if (error instanceof SettingsError) {
      if (typeof own.key !== "string" || !own.key.startsWith(row.field)) {
        return `error.key is ${String(own.key)}, not ${row.field}`;
      }
    } else if ("field" in error && own.field !== row.field) {
      return `error.field is ${String(own.field)}, not ${row.field}`;
    }
  }
  if (!message.includes(row.value)) return `the message does not show ${row.value}: ${message}`;
  if (row.accepted !== undefined && !message.includes(row.accepted)) {
    return `the message does not say "${row.accepted}": ${message}`;
  }
  if (row.file !== undefined && !message.includes(row.file)) {
    return `the message does not name the file ${row.file}: ${message}`;
  }
  return undefined;
}

Deno.test("bad input table: every field, file and constructor refuses bad values with a typed error naming the field and the value", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cj-bad-input-" });
  await using cluster = new SimCluster({
    scheduler: "slurm",
    model: () => ({ runtimeSeconds: 1, exitCode: 0 }),
  });
  try {
    await Deno.writeTextFile(join(dir, "clusterjob.good.json"), record({}));
    const rows = [
      ...jobRows(),
      ...submitRows(cluster, dir),
      ...settingsRows(dir),
      ...runRows(dir),
      ...transportRows(dir),
      ...simRows(),
      ...functionRows(),
    ];
    const labels = new Set(rows.map((row) => row.label));
    assert.equal(labels.size, rows.length, "every row has its own label");
    const failures: string[] = [];
    for (const row of rows) {
      let outcome: unknown;
      try {
        outcome = await row.make();
      } catch (error) {
        const problem = mismatch(row, error);
        if (problem !== undefined) failures.push(`${row.label}: ${problem}`);
        continue;
      }
      failures.push(`${row.label}: accepted (${String(outcome)})`);
    }
    assert.deepEqual(failures, []);
    assert.ok(rows.length >= 100, `${rows.length} rows`);
    assert.equal(cluster.commandLog.length, 0, "no scheduler command ran");
    console.log(`bad input table: ${rows.length} cases, each refused as expected`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
