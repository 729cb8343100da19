// The config file (cli/config.ts): profiles, defaults, places, and errors naming key and line.

import assert from "node:assert/strict";
import {
  configPlaces,
  findCluster,
  InputFileError,
  NotFoundError,
  parseConfig,
} from "../../cli.ts";
import { SimCluster } from "../../sim/cluster.ts";
import { simClusterOptions } from "../../cli/simulated_cluster.ts";

const PLACES = {
  file: "/cfg/clusterjob/config.yaml",
  state: "/state/clusterjob",
  home: "/home/me",
};

const fails = (text: string): InputFileError => {
  try {
    parseConfig(text, PLACES);
  } catch (error) {
    assert.ok(error instanceof InputFileError, String(error));
    return error;
  }
  assert.fail("no InputFileError");
};

Deno.test("configPlaces() follows XDG_CONFIG_HOME, XDG_STATE_HOME and CLUSTERJOB_CONFIG", () => {
  const places = (env: Record<string, string>) => configPlaces((name) => env[name]);
  assert.deepEqual(places({ HOME: "/h" }), {
    file: "/h/.config/clusterjob/config.yaml",
    state: "/h/.local/state/clusterjob",
    home: "/h",
  });
  assert.deepEqual(places({ HOME: "/h", XDG_CONFIG_HOME: "/c", XDG_STATE_HOME: "/s" }), {
    file: "/c/clusterjob/config.yaml",
    state: "/s/clusterjob",
    home: "/h",
  });
  // A relative XDG path is ignored, as the spec says.
  assert.equal(
    places({ HOME: "/h", XDG_CONFIG_HOME: "rel" }).file,
    "/h/.config/clusterjob/config.yaml",
  );
  assert.equal(places({ HOME: "/h", CLUSTERJOB_CONFIG: "/p/c.yaml" }).file, "/p/c.yaml");
});

Deno.test("parseConfig() reads ssh, simulator and local profiles with their defaults", () => {
  const config = parseConfig(
    [
      "default: hpc",
      "clusters:",
      "  hpc:",
      "    backend: slurm",
      "    remote: login.cluster.edu",
      "    ssh:",
      "      user: me",
      "      port: 2222",
      "      identityFile: ~/.ssh/id_hpc",
      "      connectTimeout: 5",
      "      options:",
      "        ProxyJump: gateway",
      "    rootdir: ~/jobs",
      "    cacheFolder: runs/hpc",
      "    resources:",
      "      account: proj42",
      "  try:",
      "    simulator:",
      "      scheduler: lsf",
      "      execution: model",
      "      runtime: 600",
      "      mem: 8G",
      "  here:",
      "    backend: sge",
      "",
    ].join("\n"),
    PLACES,
  );
  assert.equal(config.defaultCluster, "hpc");
  assert.deepEqual(config.clusters.map((c) => [c.name, c.kind, c.backend, c.configured]), [
    ["hpc", "ssh", "slurm", true],
    ["try", "simulator", "lsf", true],
    ["here", "local", "sge", true],
    ["local", "local", undefined, false],
  ]);
  const hpc = findCluster(config);
  assert.equal(hpc.host, "login.cluster.edu");
  assert.deepEqual(hpc.ssh, {
    user: "me",
    port: 2222,
    identityFile: "/home/me/.ssh/id_hpc",
    connectTimeout: 5,
    options: { ProxyJump: "gateway" },
  });
  assert.equal(hpc.runsFolder, "/cfg/clusterjob/runs/hpc"); // relative to the config file
  assert.deepEqual(hpc.defaults, {
    attributes: { backend: "slurm", remote: "login.cluster.edu", rootdir: "~/jobs" },
    resources: { account: "proj42" },
  });
  const tryIt = findCluster(config, "try");
  assert.deepEqual(tryIt.simulator, {
    scheduler: "lsf",
    execution: "model",
    runtime: 600,
    exitCode: 0,
    nodes: 2,
    cpus: 4,
    memoryMB: 8192,
  });
  assert.equal(tryIt.runsFolder, "/state/clusterjob/clusters/try/runs");
  assert.equal(tryIt.stateFile, "/state/clusterjob/clusters/try/simulator.json");
  assert.throws(() => findCluster(config, "nosuch"), NotFoundError);
});

Deno.test("parseConfig() reads a simulator's dialect, and the cluster it opens speaks it", async () => {
  const config = parseConfig(
    "clusters:\n  old:\n    simulator:\n      scheduler: lsf\n      dialect: openlava\n",
    PLACES,
  );
  const spec = config.clusters.find((cluster) => cluster.name === "old")!.simulator!;
  assert.equal(spec.dialect, "openlava");
  await using cluster = new SimCluster(simClusterOptions(spec));
  // OpenLava 4.0 has no `bjobs -o` (real-pbs/raw/openlava/033-*: "invalid option -- 'o'", 255).
  const output = await cluster.transport().run(["bjobs", "-o", "jobid"]);
  assert.equal(output.code, 255);
  assert.match(output.stderr, /invalid option -- 'o'/);
  const lsf10 = parseConfig("clusters:\n  new:\n    simulator:\n      scheduler: lsf\n", PLACES);
  assert.equal(
    lsf10.clusters.find((cluster) => cluster.name === "new")!.simulator!.dialect,
    undefined,
  );
});

Deno.test("parseConfig() of an empty or missing file gives the built-in local cluster", () => {
  const config = parseConfig("", PLACES, false);
  assert.equal(config.defaultCluster, "local");
  assert.deepEqual(config.clusters.map((c) => c.name), ["local"]);
  assert.equal(config.exists, false);
});

Deno.test("parseConfig() names the key and the line of what is wrong", () => {
  const cases: [string, string, string | undefined, number | undefined][] = [
    ["colour: x\n", 'unknown key "colour"; expected "default" or "clusters"', "colour", 1],
    ["clusters:\n  a:\n    bakend: slurm\n", "", "clusters.a.bakend", 3],
    ["clusters:\n  a b:\n    backend: slurm\n", "", "clusters.a b", 2],
    [
      "clusters:\n  a:\n    rootdir: 3\n",
      'attribute "rootdir" must be a string, not 3',
      "clusters.a.rootdir",
      3,
    ],
    ["clusters:\n  a:\n    resources:\n      nodes: 0\n", "", "clusters.a.resources.nodes", 4],
    [
      "clusters:\n  a:\n    simulator:\n      scheduler: pbz\n",
      "",
      "clusters.a.simulator.scheduler",
      4,
    ],
    [
      "clusters:\n  a:\n    simulator:\n      scheduler: sge\n      nodes: 0\n",
      "",
      "clusters.a.simulator.nodes",
      5,
    ],
    ["clusters:\n  a:\n    remote: h\n    ssh:\n      port: 0\n", "", "clusters.a.ssh.port", 5],
    [
      "clusters:\n  a:\n    remote: h\n    ssh:\n      colour: red\n",
      "",
      "clusters.a.ssh.colour",
      5,
    ],
    [
      "clusters:\n  a:\n    ssh:\n      user: me\n",
      'cluster "a" has "ssh" options but no "remote" host',
      "clusters.a.ssh",
      3,
    ],
    [
      "clusters:\n  a:\n    remote: h\n    simulator:\n      scheduler: sge\n",
      "",
      "clusters.a.remote",
      3,
    ],
    [
      "clusters:\n  a:\n    backend: lsf\n    simulator:\n      scheduler: sge\n",
      "",
      "clusters.a.backend",
      3,
    ],
    ["default: b\nclusters:\n  a:\n    backend: lsf\n", "", "default", 1],
    [
      "clusters:\n  a:\n    simulator:\n      scheduler: lsf\n      dialect: lsf9\n",
      '"dialect" must be one of lsf10, openlava, not "lsf9"',
      "clusters.a.simulator.dialect",
      5,
    ],
    [
      "clusters:\n  a:\n    simulator:\n      scheduler: sge\n      dialect: openlava\n",
      '"dialect" must be left out: the simulated sge has one dialect, not "openlava"',
      "clusters.a.simulator.dialect",
      5,
    ],
  ];
  for (const [text, problem, key, line] of cases) {
    const error = fails(text);
    if (problem !== "") {
      assert.equal(
        error.message,
        `Invalid config file /cfg/clusterjob/config.yaml${
          line ? `, line ${line}` : ""
        }: ${problem}`,
      );
    }
    assert.deepEqual([error.key, error.line], [key, line], `${text}: ${error.message}`);
  }
});

Deno.test("the README's config files parse, and its import map names the module's exports", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const configs = [...readme.matchAll(/^```yaml\n(default: [\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.ok(configs.length >= 2, "the README shows config files");
  for (const text of configs) {
    const config = parseConfig(text, PLACES);
    assert.ok(config.clusters.some((cluster) => cluster.configured), text);
  }
  const map = /^```json\n(\{\n {2}"imports"[\s\S]*?)^```$/m.exec(readme);
  assert.ok(map !== null, "the README shows an import map");
  const imports = (JSON.parse(map[1]!) as { imports: Record<string, string> }).imports;
  const deno = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const exports = deno.exports as Record<string, string>;
  assert.deepEqual(
    Object.entries(imports).map(([name, path]) => [name, path.replace("../clusterjob/", "./")]),
    Object.entries(exports).map(([sub, path]) => [`${deno.name}${sub.slice(1)}`, path]),
  );
});
