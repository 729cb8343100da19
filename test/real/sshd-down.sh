#!/usr/bin/env bash
# sshd-down.sh - stop the sshd that sshd-up.sh started (only the PID it recorded) and the
# sessions it serves.
#
#   test/real/sshd-down.sh           stop sshd and its sessions
#   test/real/sshd-down.sh --clean   ... and delete the host and client keys and configs
#   test/real/sshd-down.sh --purge   ... --clean, then remove the test users (those sshd-up.sh
#                                    created) and exactly the packages sshd-up.sh installed
# Idempotent: safe to run when nothing is running.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
parse_mode "$@"
cj_init sshd --no-create
TEST_USER=${SSHD_CI_USER:-cjtest}
CLIENT=$CJ_CI_ROOT/sshd-client

if pid=$(recorded_pid sshd /usr/sbin/sshd); then
  # per-connection sshd processes outlive the listener: stop our listener's children first
  for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill -TERM "$c" 2>/dev/null; done
fi
stop_recorded sshd /usr/sbin/sshd 10

if [ "$MODE" != stop ]; then
  log "deleting keys and configs"
  rm -f "$STATE"/host_ed25519* "$STATE/sshd_config" "$STATE/sshd.log" "$STATE/sshd.pid"
  rm -rf "$CLIENT"
fi
if [ "$MODE" = purge ]; then
  if [ -f "$STATE/user-created-by-us" ]; then
    log "removing user $TEST_USER and its home"
    userdel -r "$TEST_USER" 2>/dev/null || log "userdel $TEST_USER failed (processes still running?)"
  fi
  for name in "$TEST_USER-fish" "$TEST_USER-tcsh"; do
    if [ -f "$STATE/user-created-by-us.$name" ]; then
      log "removing user $name and its home"
      userdel -r "$name" 2>/dev/null || log "userdel $name failed (processes still running?)"
      rm -f "$STATE/user-created-by-us.$name"
    fi
  done
  purge_packages
  forget_stack
fi
log "done ($MODE) in $(elapsed "$CJ_T0")s"
