#!/usr/bin/env bash
# slurm-down.sh - stop what slurm-up.sh started (only the PIDs it recorded).
#
#   test/real/slurm-down.sh           cancel all jobs, stop slurmd, slurmctld, slurmdbd, mariadbd, munged
#   test/real/slurm-down.sh --clean   ... and wipe job state, logs, the accounting database and the
#                                     config files slurm-up.sh wrote (job ids restart at 1)
#   test/real/slurm-down.sh --purge   ... --clean, then remove exactly the packages slurm-up.sh installed
# Idempotent: safe to run when nothing is running.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
parse_mode "$@"
cj_init slurm --no-create

if recorded_pid slurmctld /usr/sbin/slurmctld >/dev/null; then
  jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
  if [ -n "${jobs// }" ]; then
    log "cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null
    for _ in $(seq 1 150); do
      [ -z "$(squeue -h -o %A -t PD,R,CG,S,CF 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
fi
stop_recorded slurmd /usr/sbin/slurmd
stop_recorded slurmctld /usr/sbin/slurmctld
# linuxproc does not reap job step daemons that outlive slurmd
kill_exe_tree /usr/sbin/slurmstepd
if [ "$MODE" != stop ] && recorded_pid mariadbd /usr/sbin/mariadbd >/dev/null; then
  log "dropping slurm_acct_db and the DB user slurm"
  mariadb --protocol=socket -e "DROP DATABASE IF EXISTS slurm_acct_db; DROP USER IF EXISTS 'slurm'@'localhost';" || true
fi
stop_recorded slurmdbd /usr/sbin/slurmdbd
stop_recorded mariadbd /usr/sbin/mariadbd 60
stop_recorded munged /usr/sbin/munged
# stale pid files make `dpkg --purge slurmctld` (its prerm runs scancel) fail
rm -f /run/slurmctld.pid /run/slurmd.pid /run/slurmdbd.pid

if [ "$MODE" != stop ]; then
  log "wiping SLURM state, logs and the config files slurm-up.sh wrote"
  rm -rf /var/lib/slurm/slurmctld/* /var/lib/slurm/slurmd/* /var/log/slurm/*
  if [ -f "$STATE/created-files" ]; then
    while read -r f; do
      [ -n "$f" ] || continue
      [ "$f" = /etc/munge/munge.key ] && [ "$MODE" != purge ] && continue
      rm -f "$f"
      [ -e "$f.pre-clusterjob" ] && mv -f "$f.pre-clusterjob" "$f"
    done < "$STATE/created-files"
    rm -f "$STATE/created-files"
  fi
  rm -f /var/log/mysql/clusterjob-ci-mariadbd.log
fi

if [ "$MODE" = purge ]; then
  purge_packages
  if [ -f "$STATE/mysql-datadir-created-by-us" ]; then
    rm -rf /var/lib/mysql
    dpkg -S /etc/mysql >/dev/null 2>&1 || rm -rf /etc/mysql
  fi
  [ -f "$STATE/var-log-mysql-created-by-us" ] && rm -rf /var/log/mysql
  for d in /etc/slurm /var/lib/slurm /var/log/slurm /etc/munge /var/lib/munge /var/log/munge /run/munge /run/mysqld; do
    if [ -d "$d" ] && ! dpkg -S "$d" >/dev/null 2>&1; then rm -rf "$d"; fi
  done
  forget_stack
  log "done ($MODE) in $(elapsed "$CJ_T0")s"
  exit 0
fi
log "done ($MODE) in $(elapsed "$CJ_T0")s"
