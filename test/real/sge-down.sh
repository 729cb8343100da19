#!/usr/bin/env bash
# sge-down.sh - stop what sge-up.sh started (only the PIDs it recorded).
#
#   test/real/sge-down.sh           delete all jobs, stop sge_execd and sge_qmaster
#   test/real/sge-down.sh --clean   ... and wipe the cell (spool, configuration, accounting; the
#                                   next sge-up.sh re-initialises it, job ids restart at 1)
#   test/real/sge-down.sh --purge   ... --clean, then remove exactly the packages sge-up.sh installed
# Idempotent: safe to run when nothing is running.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
parse_mode "$@"
cj_init sge --no-create
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
SPOOL=/var/spool/gridengine

if recorded_pid sge_qmaster /usr/lib/gridengine/sge_qmaster >/dev/null; then
  jobs=$(timeout 20 qstat -u '*' 2>/dev/null | awk 'NR>2{print $1}' | sort -u | paste -sd, -)
  if [ -n "$jobs" ]; then
    log "deleting jobs: $jobs"
    timeout 30 qdel -f "$jobs" >/dev/null 2>&1
    for _ in $(seq 1 100); do
      [ -z "$(timeout 10 qstat -u '*' 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
fi
stop_recorded sge_execd /usr/lib/gridengine/sge_execd
kill_exe_tree /usr/lib/gridengine/sge_shepherd
# qmaster's controlled shutdown takes 7-9 s after SIGTERM
stop_recorded sge_qmaster /usr/lib/gridengine/sge_qmaster 60
rm -f "$SPOOL/qmaster/qmaster.pid" "$SPOOL"/execd/*/execd.pid

if [ "$MODE" != stop ]; then
  log "wiping the SGE cell: spool, accounting, host_aliases"
  rm -rf "$SPOOL"/spooldb/* "$SPOOL"/qmaster/* "$SPOOL"/execd/*
  rm -f "$SGE_ROOT/$SGE_CELL/common/accounting" "$SGE_ROOT/$SGE_CELL/common/host_aliases"
fi
if [ "$MODE" = purge ]; then
  purge_packages
  for d in /var/lib/gridengine /var/spool/gridengine /run/gridengine; do
    if [ -d "$d" ] && ! dpkg -S "$d" >/dev/null 2>&1; then rm -rf "$d"; fi
  done
  forget_stack
fi
log "done ($MODE) in $(elapsed "$CJ_T0")s"
