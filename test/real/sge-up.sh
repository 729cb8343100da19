#!/usr/bin/env bash
# sge-up.sh - install and start a single-node Son of Grid Engine 8.1.9 (Debian 12) for
# clusterjob's real tests, without systemd and without the interactive inst_sge installer.
#
#   sudo test/real/sge-up.sh     # idempotent: qmaster + execd on this host, queue all.q
#   SGE_CI_SMOKE=0 ...           # skip the smoke job
#
# The packages are preseeded through debconf so gridengine-master's postinst initialises the
# cell; the rest is done with qconf files: this host as admin/submit/exec host, @allhosts,
# parallel environments make/smp/mpi attached to all.q (slots = nproc), min_uid/min_gid 0
# (root may submit), fast scheduling (schedule_interval 1 s, flush_*_sec 1, accounting flush
# 1 s) and no load thresholds. Stop with test/real/sge-down.sh [--clean|--purge].
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
cj_init sge

SMOKE=${SGE_CI_SMOKE:-1}
QUEUE=all.q
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
COMMON=$SGE_ROOT/$SGE_CELL/common
SPOOL=/var/spool/gridengine
H=$(hostname)
SGE_DAEMON_ENV=("${DAEMON_ENV[@]}" SGE_ROOT="$SGE_ROOT" SGE_CELL="$SGE_CELL")
# SGE needs the host name to resolve; fail early instead of hanging in commlib retries
getent hosts "$H" >/dev/null || die "hostname '$H' does not resolve (add it to /etc/hosts); SGE cannot work without it"

packages() {
  debconf-set-selections <<EOF
gridengine-common shared/gridengineconfig boolean true
gridengine-common shared/gridenginecell string $SGE_CELL
gridengine-common shared/gridenginemaster string $H
EOF
  install_packages gridengine-master gridengine-exec gridengine-client
}
step install-packages packages

init_cell() {
  local conf ip rev aliases="$H" n
  install -d -m 0755 -o sgeadmin -g sgeadmin "$SGE_ROOT" "$SGE_ROOT/$SGE_CELL" "$COMMON" \
    "$SPOOL/qmaster" "$SPOOL/qmaster/job_scripts" "$SPOOL/spooldb" "$SPOOL/execd"
  [ -s "$COMMON/bootstrap" ] || install -m 0644 -o sgeadmin -g sgeadmin /usr/share/gridengine/default-bootstrap "$COMMON/bootstrap"
  if [ ! -e "$SPOOL/spooldb/sge" ]; then  # installed without debconf, or after sge-down.sh --clean
    su -s /bin/sh -c "/usr/share/gridengine/scripts/init_cluster $SGE_ROOT $SGE_CELL $SPOOL/spooldb sgeadmin" sgeadmin >&2
  fi
  # A brand-new cell gets its global configuration before qmaster's first start: a changed
  # accounting flush_time set later only applies after the stock 15 s (qacct fails meanwhile)
  if [ ! -e "$SPOOL/qmaster/messages" ]; then
    conf=$(mktemp)
    sed -e 's/^min_uid .*/min_uid                0/' -e 's/^min_gid .*/min_gid                0/' \
      -e 's/flush_time=[0-9:]*/flush_time=00:00:01/' /usr/share/gridengine/default-configuration > "$conf"
    chmod 644 "$conf"
    su -s /bin/sh -c "SGE_ROOT=$SGE_ROOT SGE_CELL=$SGE_CELL /usr/lib/gridengine/spooldefaults configuration $conf" sgeadmin >&2
    rm -f "$conf"
  fi
  echo "$H" > "$STATE/.act"
  install -m 0644 -o sgeadmin -g sgeadmin "$STATE/.act" "$COMMON/act_qmaster"
  rm -f "$STATE/.act"
  # SGE compares the name a peer claims with the reverse name of its IP; in containers the
  # host name maps to 127.0.0.1 whose reverse name is "localhost" -> "access denied".
  # host_aliases makes all those names one host.
  ip=$(getent ahostsv4 "$H" | awk 'NR==1{print $1}')
  rev=$(getent hosts "$ip" | awk '{print $2}')
  for n in $rev localhost; do case " $aliases " in *" $n "*) ;; *) aliases="$aliases $n" ;; esac; done
  echo "$aliases" > "$STATE/.ha"
  install -m 0644 -o sgeadmin -g sgeadmin "$STATE/.ha" "$COMMON/host_aliases"
  rm -f "$STATE/.ha"
}
step init-cell init_cell

qmaster_pidfile=$SPOOL/qmaster/qmaster.pid
qmaster_up() {
  if alive "$qmaster_pidfile" /usr/lib/gridengine/sge_qmaster; then log "sge_qmaster already running"; return 0; fi
  install -d -m 0755 -o sgeadmin -g sgeadmin /run/gridengine
  rm -f "$qmaster_pidfile"
  "${SGE_DAEMON_ENV[@]}" /usr/sbin/sge_qmaster  # forks and becomes sgeadmin
  wait_for 30 "qmaster pid file" test -s "$qmaster_pidfile"
  record_pid sge_qmaster "$qmaster_pidfile"
  wait_for 60 "qmaster answers qconf" timeout 10 qconf -sh
}
step qmaster qmaster_up

configure() {
  local d pe
  d=$(mktemp -d)
  qconf -sm | grep -qx root || qconf -am root >/dev/null
  qconf -sh | grep -qx "$H" || qconf -ah "$H" >/dev/null
  qconf -ss 2>/dev/null | grep -qx "$H" || qconf -as "$H" >/dev/null
  if ! qconf -se "$H" >/dev/null 2>&1; then
    printf 'hostname %s\nload_scaling NONE\ncomplex_values NONE\nuser_lists NONE\nxuser_lists NONE\nprojects NONE\nxprojects NONE\nusage_scaling NONE\nreport_variables NONE\n' "$H" > "$d/exechost"
    qconf -Ae "$d/exechost" >/dev/null
  fi
  if ! qconf -shgrp @allhosts >/dev/null 2>&1; then
    printf 'group_name @allhosts\nhostlist %s\n' "$H" > "$d/hgrp"
    qconf -Ahgrp "$d/hgrp" >/dev/null
  fi
  # the queue template refers to these parallel environments: add them first
  for pe in /usr/share/gridengine/util/resources/pe/*; do
    qconf -sp "$(basename "$pe")" >/dev/null 2>&1 || qconf -Ap "$pe" >/dev/null
  done
  qconf -sq "$QUEUE" >/dev/null 2>&1 || EDITOR=true qconf -aq "$QUEUE" >/dev/null
  qconf -rattr queue hostlist @allhosts "$QUEUE" >/dev/null
  qconf -rattr queue slots "$(nproc)" "$QUEUE" >/dev/null
  qconf -rattr queue pe_list "make smp mpi" "$QUEUE" >/dev/null
  # a busy CI machine must not put the queue into alarm state
  qconf -rattr queue load_thresholds NONE "$QUEUE" >/dev/null
  qconf -sconf global > "$d/global.orig"
  sed -e 's/^min_uid .*/min_uid                      0/' -e 's/^min_gid .*/min_gid                      0/' \
    -e 's/flush_time=[0-9:]*/flush_time=00:00:01/' "$d/global.orig" > "$d/global"
  cmp -s "$d/global" "$d/global.orig" || qconf -Mconf "$d/global" >/dev/null
  qconf -ssconf > "$d/sconf.orig"
  sed -e 's/^schedule_interval .*/schedule_interval                 0:0:1/' \
    -e 's/^flush_submit_sec .*/flush_submit_sec                  1/' \
    -e 's/^flush_finish_sec .*/flush_finish_sec                  1/' "$d/sconf.orig" > "$d/sconf"
  cmp -s "$d/sconf" "$d/sconf.orig" || qconf -Msconf "$d/sconf" >/dev/null
  rm -rf "$d"
}
configure_logged() {  # qconf reports success on stderr: keep it in a log, show it on failure
  if ! configure 2>> "$STATE/configure.log"; then tail -n 20 "$STATE/configure.log" >&2; die "configure failed"; fi
}
step configure configure_logged

queue_ok() {  # the queue instance exists and has no state flags (u, a, d, E, ...)
  local line
  line=$(qstat -f -q "$QUEUE@$H" 2>/dev/null | awk -v q="$QUEUE@$H" '$1==q')
  [ -n "$line" ] && [ "$(echo "$line" | awk '{print NF}')" -le 5 ]
}
execd_pidfile() { ls "$SPOOL"/execd/*/execd.pid 2>/dev/null | head -n1; }
execd_up() {
  local pf
  pf=$(execd_pidfile || true)
  if [ -n "$pf" ] && alive "$pf" /usr/lib/gridengine/sge_execd; then
    log "sge_execd already running"; wait_for 60 "queue $QUEUE@$H ok" queue_ok; return 0
  fi
  rm -f "$SPOOL"/execd/*/execd.pid
  "${SGE_DAEMON_ENV[@]}" /usr/sbin/sge_execd
  wait_for 30 "execd pid file" sh -c "test -s \"\$(ls $SPOOL/execd/*/execd.pid | head -n1)\""
  record_pid sge_execd "$(execd_pidfile)"
  wait_for 90 "queue $QUEUE@$H ok" queue_ok
}
step execd execd_up

smoke() {
  local out id
  out=$(cd /tmp && qsub -sync y -b y -N clusterjob-ci-smoke -o /dev/null -e /dev/null true)
  id=$(echo "$out" | sed -n 's/^Your job \([0-9]*\).*/\1/p')
  wait_for 30 "qacct -j $id (accounting record of the smoke job)" qacct -j "$id"
}
[ "$SMOKE" = 1 ] && step smoke-test smoke
finish "SGE is up on $H (queue $QUEUE, $(nproc) slots, PEs make smp mpi)"
