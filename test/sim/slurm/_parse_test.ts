/** The SLURM emulator's argument syntax: the command line, time limits, memory, arrays, dependencies, job ids, output patterns. */

import assert from "node:assert/strict";
import { answerFailures, CommandFailure, fail, ok } from "../../../sim/_common/command_result.ts";
import { SimCluster } from "../../../sim/mod.ts";
import {
  commandLine,
  expandPattern,
  lastValue,
  optionTable,
  parseCommandLine,
  parseJobIdArg,
  parseJobIds,
  parseSlurmArray,
  parseSlurmDependency,
  parseSlurmMemory,
  parseSlurmTime,
} from "../../../sim/slurm/_parse.ts";
import { compressHosts } from "../../../sim/slurm/_hostlist.ts";
import { refusal } from "./_helpers.ts";

Deno.test("optionTable() reads long|s words with : for a value and :: for an optional one", () => {
  assert.deepEqual(optionTable(" noheader|h\n format|o: me jobs|j:: wrap: "), [
    { key: "noheader", long: "noheader", short: "h", arg: "none" },
    { key: "format", long: "format", short: "o", arg: "required" },
    { key: "me", long: "me", arg: "none" },
    { key: "jobs", long: "jobs", short: "j", arg: "optional" },
    { key: "wrap", long: "wrap", arg: "required" },
  ]);
  assert.throws(() => optionTable("bad|xy"), SyntaxError);
});

Deno.test("parseCommandLine() gives options, operands and the last value of each", () => {
  const line = parseCommandLine(
    "squeue",
    ["-h", "-o", "%i", "--format=%j", "12", "x"],
    "noheader|h format|o:",
  );
  assert.deepEqual(line.options, [
    { key: "noheader", value: "" },
    { key: "format", value: "%i" },
    { key: "format", value: "%j" },
  ]);
  assert.deepEqual(line.operands, ["12", "x"]);
  assert.equal(line.has("noheader"), true);
  assert.equal(line.value("format"), "%j");
  assert.equal(line.value("nope"), undefined);
  const stopped = parseCommandLine("sbatch", ["-H", "job.sh", "-H"], "hold|H", {
    stopAtOperand: true,
  });
  assert.deepEqual(stopped.operands, ["job.sh", "-H"]);
});

Deno.test("parseCommandLine() refuses a bad option with getopt's message and the tool's exit code", () => {
  const bad = refusal(() => parseCommandLine("sacct", ["--bogus"], "brief|b"));
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    `sacct: unrecognized option '--bogus'\nTry "sacct --help" for more information\n`,
  );
  assert.equal(
    refusal(() => parseCommandLine("sbatch", ["-J"], "job-name|J:", { code: 255 })).code,
    255,
  );
});

Deno.test("commandLine() reads options already parsed", () => {
  const line = commandLine([{ key: "time", value: "5" }, { key: "time", value: "9" }]);
  assert.equal(line.value("time"), "9");
  assert.equal(line.has("mem"), false);
  assert.deepEqual(line.operands, []);
});

Deno.test("parseJobIds() parses every id or refuses the first malformed one in the tool's words", () => {
  assert.deepEqual(parseJobIds(["3", "4_2"], () => "never"), [{ id: 3 }, { id: 4, task: 2 }]);
  assert.throws(
    () => parseJobIds(["3", "x", "y"], (part) => `bad ${part}\n`),
    (error: unknown) =>
      error instanceof CommandFailure && error.stderr === "bad x\n" && error.code === 1,
  );
});

Deno.test("answerFailures() turns a CommandFailure into the tool's answer and lets other errors through", () => {
  assert.deepEqual(answerFailures(() => ok("fine\n")), ok("fine\n"));
  assert.deepEqual(
    answerFailures(() => {
      throw new CommandFailure(8, "no\n");
    }),
    fail(8, "no\n"),
  );
  assert.throws(() =>
    answerFailures(() => {
      throw new RangeError("bug");
    }), RangeError);
});

Deno.test("parseSlurmTime() reads minutes, M:S, H:M:S and D-H[:M[:S]], rounded up to minutes", () => {
  assert.deepEqual(parseSlurmTime("90"), { seconds: 5400 });
  assert.deepEqual(parseSlurmTime("1:30"), { seconds: 120 });
  assert.deepEqual(parseSlurmTime("1:00:00"), { seconds: 3600 });
  assert.deepEqual(parseSlurmTime("2-00"), { seconds: 2 * 86400 });
  assert.deepEqual(parseSlurmTime("2-1:30"), { seconds: 2 * 86400 + 3600 + 1800 });
  assert.deepEqual(parseSlurmTime("1-0:0:1"), { seconds: 86400 + 60 });
});

Deno.test("parseSlurmTime() gives no limit for 0 and UNLIMITED, null for garbage", () => {
  assert.deepEqual(parseSlurmTime("0"), { seconds: undefined });
  assert.deepEqual(parseSlurmTime("UNLIMITED"), { seconds: undefined });
  assert.deepEqual(parseSlurmTime("infinite"), { seconds: undefined });
  assert.equal(parseSlurmTime("abc"), null);
  assert.equal(parseSlurmTime("1:2:3:4"), null);
  assert.equal(parseSlurmTime("2-x"), null);
});

Deno.test("parseSlurmMemory() reads MB by default and K, G, T suffixes", () => {
  assert.equal(parseSlurmMemory("200"), 200);
  assert.equal(parseSlurmMemory("200M"), 200);
  assert.equal(parseSlurmMemory("2G"), 2048);
  assert.equal(parseSlurmMemory("1.5g"), 1536);
  assert.equal(parseSlurmMemory("1T"), 1024 * 1024);
  assert.equal(parseSlurmMemory("512K"), 1);
  assert.equal(parseSlurmMemory("10X"), undefined);
  assert.equal(parseSlurmMemory(""), undefined);
});

Deno.test("parseSlurmArray() reads lists, ranges, steps and a % limit", () => {
  assert.deepEqual(parseSlurmArray("1-9:2%3"), { indices: [1, 3, 5, 7, 9], maxConcurrent: 3 });
  assert.deepEqual(parseSlurmArray("4,1-2,2"), { indices: [1, 2, 4] });
  assert.equal(parseSlurmArray("0-1000")?.indices.length, 1001);
});

Deno.test("parseSlurmArray() refuses reversed ranges, indices over 1000 and a bad limit", () => {
  assert.equal(parseSlurmArray("5-1"), undefined);
  assert.equal(parseSlurmArray("0-1001"), undefined);
  assert.equal(parseSlurmArray("1-3%x"), undefined);
  assert.equal(parseSlurmArray("1-3:0"), undefined);
  assert.equal(parseSlurmArray("a"), undefined);
});

Deno.test("parseSlurmDependency() reads after* lists, array tasks and +time; drops singleton", () => {
  assert.deepEqual(parseSlurmDependency("afterok:12:13,afterany:14_2"), [
    { type: "afterok", jobIds: [12, 13] },
    { type: "afterany", jobIds: [14] },
  ]);
  assert.deepEqual(parseSlurmDependency("after:7+5?afternotok:8_*"), [
    { type: "after", jobIds: [7] },
    { type: "afternotok", jobIds: [8] },
  ]);
  assert.deepEqual(parseSlurmDependency("singleton"), []);
});

Deno.test("parseSlurmDependency() refuses unknown types and missing or malformed ids", () => {
  assert.equal(parseSlurmDependency("before:1"), undefined);
  assert.equal(parseSlurmDependency("afterok"), undefined);
  assert.equal(parseSlurmDependency("afterok:x"), undefined);
});

Deno.test("parseJobIdArg() reads N, N_T and N.step", () => {
  assert.deepEqual(parseJobIdArg("12"), { id: 12 });
  assert.deepEqual(parseJobIdArg("12_3"), { id: 12, task: 3 });
  assert.deepEqual(parseJobIdArg(" 12.batch "), { id: 12 });
  assert.equal(parseJobIdArg("12_"), undefined);
  assert.equal(parseJobIdArg("job12"), undefined);
});

Deno.test("lastValue() returns the last occurrence of an option", () => {
  const options = [{ key: "time", value: "5" }, { key: "mem", value: "1G" }, {
    key: "time",
    value: "10",
  }];
  assert.equal(lastValue(options, "time"), "10");
  assert.equal(lastValue(options, "mem"), "1G");
  assert.equal(lastValue(options, "nodes"), undefined);
});

Deno.test("expandPattern() fills %j %A %a %x %u %N %s %% and zero-pads to a width", async () => {
  await using cluster = new SimCluster({ scheduler: "slurm", execution: "model", user: "ana" });
  await cluster.run(["sbatch", "--parsable", "-J", "nm", "--wrap", "true"]);
  await cluster.run(["sbatch", "--parsable", "-J", "arr", "--array=2-3", "--wrap", "true"]);
  await cluster.runUntilIdle();
  const [plain, , task3] = cluster.jobs();
  assert.ok(plain !== undefined && task3 !== undefined);
  assert.equal(expandPattern("%x-%j.%u.out", plain), `nm-${plain.id}.ana.out`);
  assert.equal(plain.id, 1);
  assert.equal(expandPattern("%4j_%s_100%%", plain), "0001_batch_100%");
  assert.equal(expandPattern("%N", plain), plain.nodeList[0]);
  assert.equal(task3.arrayTaskId, 3);
  assert.equal(expandPattern("%A_%a-%j", task3), `${task3.arrayJobId}_3-${task3.id}`);
  assert.equal(expandPattern("%a", plain), "4294967294");
});

Deno.test("compressHosts() folds numbered hosts into ranges and keeps their padding", () => {
  assert.equal(compressHosts(["node1", "node2", "node3", "node5"]), "node[1-3,5]");
  assert.equal(compressHosts(["n01", "n02"]), "n[01-02]");
  assert.equal(compressHosts(["vm"]), "vm");
  assert.equal(compressHosts(["vm", "node7"]), "vm,node7");
  assert.equal(compressHosts([]), "");
});
