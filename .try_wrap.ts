import { printAttribute } from "./sim/_pbs_qstat.ts";
const v = "PBS_O_SYSTEM=Linux,PBS_O_SHELL=/bin/bash,PBS_O_HOME=/home/atrikut,PBS_O_LOGNAME=atrikut,PBS_O_WORKDIR=/home/atrikut/MPI,PBS_O_LANG=en_US.UTF-8,PBS_O_PATH=/software/examples/:/home/atrikut/local/bin:/usr/lib64/qt-3.3/bin:/opt/pbs/default/bin:/opt/gold/bin:/usr/local/bin:/bin:/usr/bin:/usr/local/sbin:/usr/sbin:/sbin:/opt/mx/bin:/home/atrikut/bin,PBS_O_MAIL=/var/spool/mail/atrikut,PBS_O_QUEUE=c1_workq,PBS_O_HOST=login001.palmetto.clemson.edu";
const expected = `    Variable_List = PBS_O_SYSTEM=Linux,PBS_O_SHELL=/bin/bash,
\tPBS_O_HOME=/home/atrikut,PBS_O_LOGNAME=atrikut,
\tPBS_O_WORKDIR=/home/atrikut/MPI,PBS_O_LANG=en_US.UTF-8,
\tPBS_O_PATH=/software/examples/:/home/atrikut/local/bin:/usr/lib64/qt-3
\t.3/bin:/opt/pbs/default/bin:/opt/gold/bin:/usr/local/bin:/bin:/usr/bin:
\t/usr/local/sbin:/usr/sbin:/sbin:/opt/mx/bin:/home/atrikut/bin,
\tPBS_O_MAIL=/var/spool/mail/atrikut,PBS_O_QUEUE=c1_workq,
\tPBS_O_HOST=login001.palmetto.clemson.edu
`;
const got = printAttribute("Variable_List", undefined, v, 78);
console.log(got === expected ? "MATCH" : got);
const c = "Job run at Tue Dec 13 at 14:09 on (node0088:ncpus=2:mem=1048576kb:ngpus=0:nphis=0)+(node0094:ncpus=2:mem=1048576kb:ngpus=0:nphis=0)+(node0094:ncpus=2:mem=1048576kb:ngpus=0:nphis=0)+(node0085:ncpus=2:mem=1048576kb:ngpus=0:nphis=0) and finished";
const ce = `    comment = Job run at Tue Dec 13 at 14:09 on (node0088:ncpus=2:mem=1048576kb
\t:ngpus=0:nphis=0)+(node0094:ncpus=2:mem=1048576kb:ngpus=0:nphis=0)+(nod
\te0094:ncpus=2:mem=1048576kb:ngpus=0:nphis=0)+(node0085:ncpus=2:mem=1048
\t576kb:ngpus=0:nphis=0) and finished
`;
const cg = printAttribute("comment", undefined, c, 78);
console.log(cg === ce ? "MATCH" : cg);
