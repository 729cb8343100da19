#!/usr/bin/env bash
# slurm-up.sh - install and start a single-node SLURM 22.05 (Debian 12) for clusterjob's real
# tests, without systemd: munged, MariaDB + slurmdbd (so sacct works), slurmctld, slurmd.
#
#   sudo test/real/slurm-up.sh            # idempotent; restarts a daemon only if its config changed
#   SLURM_CI_MIN_JOB_AGE=300 ...          # keep finished jobs in squeue longer (default 10 s, so
#                                         # tests see jobs purged from the queue into accounting)
#   SLURM_CI_SMOKE=0 ...                  # skip the smoke job
#
# Cluster: ClusterName=ci, partition "debug" (default), node = `hostname -s` at 127.0.0.1,
# SchedulerParameters=batch_sched_delay=0 (jobs start ~0.25 s after sbatch), no cgroups
# (proctrack/linuxproc, task/none: memory limits are not enforced). Any local user can submit.
# Stop with test/real/slurm-down.sh [--clean|--purge].
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
cj_init slurm

MIN_JOB_AGE=${SLURM_CI_MIN_JOB_AGE:-10}
SMOKE=${SLURM_CI_SMOKE:-1}
DB_PASS=${SLURM_CI_DB_PASS:-slurmci}
H=$(hostname -s)

# install_file SRC DEST MODE OWNER:GROUP : installs when different (returns 0), else returns 1;
# backs up a foreign file once and records what it wrote for --clean
install_file() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then rm -f "$1"; return 1; fi
  if [ -f "$2" ] && ! grep -q 'Managed by clusterjob' "$2" && [ ! -e "$2.pre-clusterjob" ]; then
    cp -p "$2" "$2.pre-clusterjob"; log "backed up foreign $2 to $2.pre-clusterjob"
  fi
  install -m "$3" -o "${4%:*}" -g "${4#*:}" "$1" "$2"; rm -f "$1"
  grep -qxF "$2" "$STATE/created-files" 2>/dev/null || echo "$2" >> "$STATE/created-files"
}
# restart_if_changed NAME PIDFILE EXE : stops a running daemon (started by us) whose config changed
stop_for_restart() {
  local pid
  alive "$2" "$3" || return 0
  pid=$(head -n1 "$2" | tr -dc 0-9)
  log "restarting $1 (pid $pid): its configuration changed"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do [ -d "/proc/$pid" ] || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# keep_daemon NAME CHANGED : true (saying so) when /usr/sbin/NAME runs and CHANGED is not 1;
# a running one whose configuration changed is stopped, to be started again
keep_daemon() {
  alive "/run/$1.pid" "/usr/sbin/$1" || return 1
  if [ "$2" = 1 ]; then stop_for_restart "$1" "/run/$1.pid" "/usr/sbin/$1"; return 1; fi
  log "$1 already running"
}

# start_daemon NAME : starts /usr/sbin/NAME, waits for its pid file /run/NAME.pid, records the pid
start_daemon() {
  rm -f "/run/$1.pid"
  "${DAEMON_ENV[@]}" "/usr/sbin/$1"
  wait_for 30 "$1 pid file" test -s "/run/$1.pid"
  record_pid "$1" "/run/$1.pid"
}

packages() {
  [ -d /var/lib/mysql ] || touch "$STATE/mysql-datadir-created-by-us"
  install_packages munge slurm-client slurmctld slurmd slurmdbd mariadb-server
}
step install-packages packages

munge_up() {
  if [ ! -s /etc/munge/munge.key ]; then
    runuser -u munge -- /usr/sbin/mungekey --create --keyfile=/etc/munge/munge.key
    echo /etc/munge/munge.key >> "$STATE/created-files"
  fi
  if alive /run/munge/munged.pid /usr/sbin/munged; then log "munged already running"; return 0; fi
  install -d -m 0755 -o munge -g munge /run/munge
  "${DAEMON_ENV[@]}" runuser -u munge -- /usr/sbin/munged
  wait_for 10 "munged pid file" test -s /run/munge/munged.pid
  record_pid munged /run/munge/munged.pid
  wait_for 10 "munge credential round trip" sh -c 'munge -n | unmunge'
}
step munged munge_up

CTLD_CHANGED=0
slurm_conf() {
  local line CPUs Boards SocketsPerBoard CoresPerSocket ThreadsPerCore RealMemory tmp
  line=$(slurmd -C | head -n1)
  # shellcheck disable=SC2086
  eval "$(printf '%s\n' $line | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=')"
  tmp=$(mktemp)
  cat > "$tmp" <<EOF
# Managed by clusterjob test/real/slurm-up.sh - single-node test cluster, no systemd, no cgroups.
ClusterName=ci
SlurmctldHost=${H}(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# no MTA here; the default /usr/bin/mail is absent
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
SchedulerType=sched/backfill
# start batch jobs at once instead of batching submissions for up to 3 s
SchedulerParameters=batch_sched_delay=0
# finished jobs leave squeue after this many seconds (tests cover the queue -> accounting path)
MinJobAge=$MIN_JOB_AGE
ReturnToService=2
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUs Boards=$Boards SocketsPerBoard=$SocketsPerBoard CoresPerSocket=$CoresPerSocket ThreadsPerCore=$ThreadsPerCore RealMemory=$RealMemory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  if install_file "$tmp" /etc/slurm/slurm.conf 0644 root:root; then CTLD_CHANGED=1; log "wrote /etc/slurm/slurm.conf"; fi
  install -d -o slurm -g slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
}
step slurm-conf slurm_conf

mariadb_up() {
  local tmp changed=0
  tmp=$(mktemp)
  printf '# Managed by clusterjob test/real/slurm-up.sh (values the Slurm accounting docs recommend)\n[mysqld]\ninnodb_buffer_pool_size=256M\ninnodb_log_file_size=64M\ninnodb_lock_wait_timeout=900\n' > "$tmp"
  install_file "$tmp" /etc/mysql/mariadb.conf.d/99-clusterjob-ci.cnf 0644 root:root && changed=1
  if alive /run/mysqld/mysqld.pid /usr/sbin/mariadbd; then
    if [ $changed = 1 ] && [ -f "$STATE/pids/mariadbd" ]; then
      stop_for_restart mariadbd /run/mysqld/mysqld.pid /usr/sbin/mariadbd
    else
      log "mariadbd already running"; return 0
    fi
  fi
  install -d -m 0755 -o mysql -g root /run/mysqld
  if [ ! -d /var/log/mysql ]; then install -d -m 2750 -o mysql -g adm /var/log/mysql; touch "$STATE/var-log-mysql-created-by-us"; fi
  "${DAEMON_ENV[@]}" setsid /usr/sbin/mariadbd --user=mysql >> /var/log/mysql/clusterjob-ci-mariadbd.log 2>&1 < /dev/null &
  wait_for 60 "mariadb ping" mariadb-admin --protocol=socket ping
  wait_for 10 "mariadb pid file" test -s /run/mysqld/mysqld.pid
  record_pid mariadbd /run/mysqld/mysqld.pid
  mariadb --protocol=socket <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
EOF
}
step mariadb mariadb_up

slurmdbd_up() {
  local tmp changed=0
  tmp=$(mktemp)
  cat > "$tmp" <<EOF
# Managed by clusterjob test/real/slurm-up.sh
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=slurm
DebugLevel=info
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
  install_file "$tmp" /etc/slurm/slurmdbd.conf 0600 slurm:slurm && changed=1
  if keep_daemon slurmdbd $changed; then return 0; fi
  start_daemon slurmdbd
  wait_for 120 "slurmdbd port 6819" bash -c 'exec 3<>/dev/tcp/127.0.0.1/6819'
}
step slurmdbd slurmdbd_up

slurmctld_up() {
  if keep_daemon slurmctld "$CTLD_CHANGED"; then return 0; fi
  start_daemon slurmctld
  wait_for 60 "scontrol ping UP" sh -c 'scontrol ping | grep -q "is UP"'
}
step slurmctld slurmctld_up

node_ready() {
  local st; st=$(sinfo -h -n "$H" -o %T 2>/dev/null | head -n1)
  case "$st" in
    idle|mixed|allocated|completing) return 0 ;;
    down*|drain*) scontrol update nodename="$H" state=resume >/dev/null 2>&1 || true; return 1 ;;
    *) return 1 ;;
  esac
}
slurmd_up() {
  if ! keep_daemon slurmd "$CTLD_CHANGED"; then start_daemon slurmd; fi
  wait_for 60 "node $H ready" node_ready
}
step slurmd slurmd_up

smoke() {
  local id
  id=$(cd /tmp && sbatch --parsable -o /dev/null -J clusterjob-ci-smoke --wrap true)
  # poll ourselves: `sbatch --wait` adds up to ~10 s
  wait_for 120 "smoke job $id COMPLETED" sh -c "scontrol -o show job $id | grep -q 'JobState=COMPLETED'"
  wait_for 30 "sacct knows job $id" sh -c "sacct -n -X -j $id -o State | grep -q COMPLETED"
}
[ "$SMOKE" = 1 ] && step smoke-test smoke
finish "SLURM is up on $H (partition debug, MinJobAge ${MIN_JOB_AGE}s)"
