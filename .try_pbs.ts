import { pbsEmulator, pbsproEmulator } from "./sim/pbs.ts";
import { SimEngine } from "./sim/engine.ts";
for (const [kind, emu] of [["pbs", pbsEmulator], ["pbspro", pbsproEmulator]] as const) {
  const engine = new SimEngine({ kind, loginHost: "server", model: (j) => ({ runtimeSeconds: 30, exitCode: j.request.name === "bad" ? 3 : 0 }) });
  const run = (command: string, args: string[], stdin = "") => {
    const r = emu.commands[command]!({ engine, args, stdin, cwd: "/home/alice", env: {}, user: "alice", readFile: () => undefined });
    console.log(`$ ${command} ${args.join(" ")}  -> ${r.code}\n${r.stdout}${r.stderr ? "ERR: " + r.stderr : ""}`);
  };
  run("qsub", ["-N", "hello", "-l", "walltime=00:10:00,nodes=1:ppn=2"], "#!/bin/bash\n#PBS -N ignored\n#PBS -q batch\necho hi\n");
  run("qsub", ["-N", "bad"], "#!/bin/bash\nexit 3\n");
  run("qsub", [kind === "pbs" ? "-t" : "-J", kind === "pbs" ? "1-3%1" : "1-3"], "#!/bin/bash\ntrue\n");
  run("qsub", ["-W", "depend=afterok:2", "-h"], "#!/bin/bash\ntrue\n");
  run("qstat", []);
  await (engine.clock as any).advance(5000);
  run("qstat", []); await (engine.clock as any).advance(120000);
  run("qstat", []);
  run("qstat", ["-t"]);
  run("qstat", ["-f", "1"]);
  run("qstat", ["99", "1"]);
}
