// qstat -f and Torque's qstat -x listings (sim/pbs/_full_listing.ts).
import assert from "node:assert/strict";
import { printAttribute } from "../../../sim/pbs/_full_listing.ts";
import { fixture, torque } from "./_clusters.ts";

Deno.test("printAttribute() wraps at commas like prt_attr, characters when a piece is too long", async () => {
  const value =
    "PBS_O_HOME=/home/alice,PBS_O_LOGNAME=alice,PBS_O_WORKDIR=/home/alice/project/run,PBS_O_LANG=C.UTF-8," +
    "PBS_O_PATH=/opt/tools/bin:/home/alice/.local/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin," +
    "PBS_O_QUEUE=workq,PBS_O_HOST=login1.cluster.example.org";
  assert.equal(
    printAttribute("Variable_List", undefined, value, 78),
    await fixture("prt_attr_variable_list.txt"),
  );
  assert.equal(
    printAttribute("Resource_List", "walltime", "01:00:00", 77),
    "    Resource_List.walltime = 01:00:00\n",
  );
});

Deno.test("Torque qstat -x prints one XML document with raw times", async () => {
  await using cluster = torque();
  const transport = cluster.transport();
  await transport.run(["qsub", "-N", "fail"], { stdin: "#!/bin/bash\nexit 3\n" });
  await cluster.runUntilIdle();
  const xml = await transport.run(["qstat", "-x", "1"]);
  assert.equal(xml.code, 0);
  assert.ok(
    xml.stdout.startsWith(
      '<?xml version="1.0"?>\n<Data><Job><Job_Id>1.login1</Job_Id><Job_Name>fail</Job_Name>',
    ),
  );
  assert.match(xml.stdout, /<job_state>C<\/job_state>/);
  assert.match(xml.stdout, /<exit_status>3<\/exit_status>/);
  assert.match(xml.stdout, /<resources_used><cput>00:00:00<\/cput>.*<\/resources_used>/);
  assert.match(xml.stdout, /<ctime>1767225600<\/ctime>/);
  assert.ok(xml.stdout.endsWith("</Job></Data>\n"));
});
