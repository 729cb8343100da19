# shellcheck shell=bash
# lib.sh - shared helpers of the test/real/*-up.sh / *-down.sh scripts (sourced, not run).
#
# Conventions: every stack keeps its state in /var/lib/clusterjob-ci/<stack>: pids/<daemon>
# (PIDs it started; the down scripts stop only those), installed-packages (what its apt run
# newly installed; `--purge` removes exactly those), timings.log (one line per step).
# Daemons are started with a minimal environment from `/`, as an init system would: jobs
# inherit the daemons' environment, so nothing from the calling shell may leak into them.

CJ_CI_ROOT=/var/lib/clusterjob-ci
CJ_APT_LOCK=/run/lock/clusterjob-ci-apt.lock
DAEMON_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

# cj_init STACK [--no-create] : sets STATE and the log prefix, checks root, starts the clock;
# the up scripts create the state directory, the down scripts only use it if it exists
cj_init() {
  CJ_STACK=$1
  STATE=$CJ_CI_ROOT/$1
  [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"
  if [ "${2:-}" != --no-create ]; then
    install -d -m 0755 "$CJ_CI_ROOT"
    install -d -m 0700 "$STATE" "$STATE/pids"
  fi
  CJ_T0=$(date +%s.%N)
  cd /  # daemons inherit the cwd; never pin the caller's directory
  # ... and its open files: under `flock /tmp/clusterjob-real.lock sudo test/real/slurm-up.sh`
  # munged, mariadbd and slurmdbd kept flock's descriptor and so the lock, for as long as they
  # ran. Everything above 2 is closed but 255, the script bash is reading.
  local fd
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
  done
}

log() { printf '[%s] %s\n' "${CJ_STACK:-real}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }

# step NAME CMD... : runs CMD and records its wall time in $STATE/timings.log
step() {
  local name=$1 t0 dt
  shift
  t0=$(date +%s.%N)
  "$@"
  dt=$(elapsed "$t0")
  log "step $name: ${dt}s"
  printf '%s %s %s\n' "$(date -u +%FT%TZ)" "$name" "$dt" >> "$STATE/timings.log"
}
# finish MESSAGE : logs the total time
finish() {
  local total; total=$(elapsed "$CJ_T0")
  printf '%s total %s\n' "$(date -u +%FT%TZ)" "$total" >> "$STATE/timings.log"
  log "$1 in ${total}s"
}

# wait_for SECONDS DESCRIPTION CMD... : polls CMD every 0.1 s
wait_for() {
  local secs=$1 what=$2 end
  shift 2
  end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || die "timed out after ${secs}s waiting for: $what"
    sleep 0.1
  done
}

# pid_running PID EXE : true when PID is alive and runs binary EXE (guards against pid reuse)
pid_running() {
  local exe
  [ -n "$1" ] && [ -d "/proc/$1" ] || return 1
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  [ "${exe% (deleted)}" = "$(readlink -f "$2")" ]
}
# alive PIDFILE EXE : the daemon whose pid is in PIDFILE runs
alive() {
  [ -s "$1" ] || return 1
  pid_running "$(head -n1 "$1" | tr -dc 0-9)" "$2"
}
# record_pid NAME PIDFILE : remember that we started this daemon
record_pid() { head -n1 "$2" | tr -dc 0-9 > "$STATE/pids/$1"; }
# recorded_pid NAME EXE : prints the pid we recorded for NAME if it still runs EXE
recorded_pid() {
  local pid
  [ -s "$STATE/pids/$1" ] || return 1
  pid=$(tr -dc 0-9 < "$STATE/pids/$1")
  pid_running "$pid" "$2" || return 1
  echo "$pid"
}
# stop_recorded NAME EXE [TIMEOUT] : TERM the pid we recorded (KILL after TIMEOUT s)
stop_recorded() {
  local pid t=${3:-20} t0
  if pid=$(recorded_pid "$1" "$2"); then
    t0=$(date +%s.%N)
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 $((t * 10))); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    if [ -d "/proc/$pid" ]; then
      log "$1 (pid $pid) ignored SIGTERM for ${t}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null; sleep 0.2
    fi
    log "stopped $1 (pid $pid) in $(elapsed "$t0")s"
  else
    log "$1 not running (or not started by us)"
  fi
  rm -f "$STATE/pids/$1"
}
# kill_exe_tree EXE : kills leftover processes of exactly this binary and their process groups
# (job step daemons that outlive their parent daemon), pid by pid
kill_exe_tree() {
  local p exe pid c
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    [ "${exe% (deleted)}" = "$1" ] || continue
    pid=${p#/proc/}
    for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
      kill -KILL -- "-$c" 2>/dev/null || kill -KILL "$c" 2>/dev/null
    done
    log "killing leftover $(basename "$1") pid $pid"
    kill -KILL "$pid" 2>/dev/null
  done
}

# install_packages PKG... : installs what is missing, serialised with the sibling scripts by a
# lock; records the newly installed packages in $STATE/installed-packages
install_packages() {
  local missing=() p rc=0 made_policy=0
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "packages already installed"; return 0; fi
  exec 9> "$CJ_APT_LOCK"
  flock -w 1800 9 || die "could not lock $CJ_APT_LOCK"
  dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1=="ii"{print $2}' | sort > "$STATE/.before"
  # no init system: keep postinst scripts from starting daemons (only if the machine lacks a policy)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, created by clusterjob test/real\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  # one `apt-get update` per half hour is enough for the three stacks
  if [ -z "$(find "$CJ_CI_ROOT/apt-updated" -mmin -30 2>/dev/null)" ]; then
    apt-get update -q > "$STATE/apt-update.log" 2>&1 && touch "$CJ_CI_ROOT/apt-updated" || rc=$?
  fi
  [ $rc = 0 ] && {
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confold "${missing[@]}" > "$STATE/apt-install.log" 2>&1 || rc=$?
  }
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ $rc != 0 ]; then
    tail -n 30 "$STATE/apt-update.log" "$STATE/apt-install.log" >&2 2>/dev/null || true
    flock -u 9
    die "apt-get update/install failed (rc=$rc)"
  fi
  # "Setting up X" minus what was installed before: upgrades are never recorded for --purge
  sed -n 's/^Setting up \([^ :]*\).*/\1/p' "$STATE/apt-install.log" | sort -u |
    comm -23 - "$STATE/.before" >> "$STATE/installed-packages"
  sort -u -o "$STATE/installed-packages" "$STATE/installed-packages"
  rm -f "$STATE/.before"
  flock -u 9
  exec 9>&-
  log "installed: ${missing[*]} (+deps, see $STATE/installed-packages)"
}

# purge_packages : dpkg --purge exactly what install_packages recorded; a package dpkg keeps
# because another stack needs it is handed over to that stack's list (the last purge removes it)
purge_packages() {
  local kept="" p other
  [ -s "$STATE/installed-packages" ] || return 0
  exec 9> "$CJ_APT_LOCK"
  flock -w 1800 9 || die "could not lock $CJ_APT_LOCK"
  log "purging: $(tr '\n' ' ' < "$STATE/installed-packages")"
  # dpkg, not apt: nothing that depends on these is removed implicitly
  # shellcheck disable=SC2046
  dpkg --purge $(cat "$STATE/installed-packages") > "$STATE/purge.log" 2>&1 ||
    log "dpkg kept some packages (others depend on them): $(grep -c 'depends on' "$STATE/purge.log") dependency notes"
  while read -r p; do
    if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.i'; then
      echo "$p install" | dpkg --set-selections
      kept="$kept $p"
    fi
  done < "$STATE/installed-packages"
  if [ -n "$kept" ]; then
    for other in "$CJ_CI_ROOT"/*/; do
      other=${other%/}
      [ "$other" = "$STATE" ] && continue
      [ -d "$other/pids" ] || continue
      printf '%s\n' $kept >> "$other/installed-packages"
      sort -u -o "$other/installed-packages" "$other/installed-packages"
      log "handed over to $other/installed-packages:$kept"
      break
    done
  fi
  flock -u 9
  exec 9>&-
}

# forget_stack : removes $STATE, and the shared root once no stack is left
forget_stack() {
  rm -rf "$STATE"
  if [ -z "$(find "$CJ_CI_ROOT" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ]; then
    rm -rf "$CJ_CI_ROOT"
    rm -f "$CJ_APT_LOCK"
  fi
}

# parse_mode "$@" : sets MODE to stop, clean or purge for the down scripts
parse_mode() {
  case "${1:-}" in
    "") MODE=stop ;;
    --clean) MODE=clean ;;
    --purge) MODE=purge ;;
    *) echo "usage: $0 [--clean|--purge]" >&2; exit 2 ;;
  esac
}
