#!/usr/bin/env bash
# sshd-up.sh - an OpenSSH server on 127.0.0.1 for clusterjob's SshTransport tests.
#
#   sudo test/real/sshd-up.sh     # idempotent; prints the ssh_config path on stdout
#   SSHD_CI_PORT=2222 SSHD_CI_USER=cjtest ...
#
# A dedicated test user (login shell /bin/sh, so no rc files slow down each command) logs in
# with a generated key, as do two more whose login shells are not POSIX ($TEST_USER-fish with
# fish, $TEST_USER-tcsh with tcsh: host aliases clusterjob-test-fish and clusterjob-test-tcsh),
# for SshTransport's one-shot fallback; the server's host key is pinned in a known_hosts file, so clients keep
# StrictHostKeyChecking on. The client side (key, known_hosts, ssh_config with the host alias
# `clusterjob-test`) is written to /var/lib/clusterjob-ci/sshd-client, owned by $SUDO_USER when
# run through sudo (ssh refuses keys owned by someone else). Its `env` file holds the variables
# the tests read (CLUSTERJOB_SSH_CONFIG, CLUSTERJOB_SSH_HOST).
# The test user can submit to the SLURM and SGE test clusters (SGE allows uid >= 0).
# Stop with test/real/sshd-down.sh [--clean|--purge].
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
cj_init sshd

PORT=${SSHD_CI_PORT:-2222}
TEST_USER=${SSHD_CI_USER:-cjtest}
HOST_ALIAS=clusterjob-test
CLIENT=$CJ_CI_ROOT/sshd-client
CLIENT_OWNER=${SUDO_USER:-root}

step install-packages install_packages openssh-server fish tcsh

# the test users and their login shells: one POSIX, two not
USERS=("$TEST_USER:/bin/sh" "$TEST_USER-fish:/usr/bin/fish" "$TEST_USER-tcsh:/usr/bin/tcsh")

user_up() {
  local entry name shell
  for entry in "${USERS[@]}"; do
    name=${entry%%:*} shell=${entry#*:}
    if ! id "$name" >/dev/null 2>&1; then
      useradd -m -s "$shell" "$name"
      if [ "$name" = "$TEST_USER" ]; then
        touch "$STATE/user-created-by-us"
      else
        touch "$STATE/user-created-by-us.$name"
      fi
    fi
    usermod -s "$shell" "$name"
    # a useradd user has a locked password ("!"), which sshd without PAM treats as "no login"
    usermod -p '*' "$name"
  done
}
step test-user user_up

keys_up() {
  local home entry name
  [ -f "$STATE/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C clusterjob-ci-host -f "$STATE/host_ed25519"
  install -d -m 0700 -o "$CLIENT_OWNER" "$CLIENT"
  [ -f "$CLIENT/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C clusterjob-ci-client -f "$CLIENT/id_ed25519"
  chown "$CLIENT_OWNER" "$CLIENT/id_ed25519" "$CLIENT/id_ed25519.pub"
  for entry in "${USERS[@]}"; do
    name=${entry%%:*}
    home=$(getent passwd "$name" | cut -d: -f6)
    install -d -m 0700 -o "$name" -g "$(id -gn "$name")" "$home/.ssh"
    install -m 0600 -o "$name" -g "$(id -gn "$name")" "$CLIENT/id_ed25519.pub" "$home/.ssh/authorized_keys"
  done
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$STATE/host_ed25519.pub")" > "$CLIENT/known_hosts"
  cat > "$CLIENT/ssh_config" <<EOF
# Managed by clusterjob test/real/sshd-up.sh
Host $HOST_ALIAS
  HostName 127.0.0.1
  Port $PORT
  User $TEST_USER
  IdentityFile $CLIENT/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $CLIENT/known_hosts
  StrictHostKeyChecking yes
  LogLevel ERROR
Host $HOST_ALIAS-fish $HOST_ALIAS-tcsh
  HostName 127.0.0.1
  Port $PORT
  IdentityFile $CLIENT/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $CLIENT/known_hosts
  StrictHostKeyChecking yes
  LogLevel ERROR
Host $HOST_ALIAS-fish
  User $TEST_USER-fish
Host $HOST_ALIAS-tcsh
  User $TEST_USER-tcsh
EOF
  printf 'CLUSTERJOB_SSH_CONFIG=%s\nCLUSTERJOB_SSH_HOST=%s\n' "$CLIENT/ssh_config" "$HOST_ALIAS" > "$CLIENT/env"
  chown "$CLIENT_OWNER" "$CLIENT/known_hosts" "$CLIENT/ssh_config" "$CLIENT/env"
}
step keys keys_up

sshd_up() {
  cat > "$STATE/sshd_config" <<EOF
# Managed by clusterjob test/real/sshd-up.sh
ListenAddress 127.0.0.1
Port $PORT
HostKey $STATE/host_ed25519
PidFile $STATE/sshd.pid
AllowUsers $TEST_USER $TEST_USER-fish $TEST_USER-tcsh
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
Subsystem sftp internal-sftp
LogLevel ERROR
MaxStartups 50:30:100
# one multiplexed connection carries the tests' concurrent commands
MaxSessions 64
EOF
  if alive "$STATE/sshd.pid" /usr/sbin/sshd; then
    # sshd re-reads its configuration on SIGHUP
    kill -HUP "$(head -n1 "$STATE/sshd.pid")"
    log "sshd already running (reloaded)"
  else
    install -d -m 0755 /run/sshd  # privilege separation directory
    /usr/sbin/sshd -t -f "$STATE/sshd_config"
    # an absolute -f path is required: sshd re-executes itself with it
    "${DAEMON_ENV[@]}" /usr/sbin/sshd -f "$STATE/sshd_config" -E "$STATE/sshd.log"
    wait_for 10 "sshd pid file" test -s "$STATE/sshd.pid"
    record_pid sshd "$STATE/sshd.pid"
  fi
  for alias in "$HOST_ALIAS" "$HOST_ALIAS-fish" "$HOST_ALIAS-tcsh"; do
    wait_for 20 "ssh login as $alias" ssh -F "$CLIENT/ssh_config" -o BatchMode=yes "$alias" true
  done
}
step sshd sshd_up
finish "sshd is up on 127.0.0.1:$PORT for user $TEST_USER (ssh -F $CLIENT/ssh_config $HOST_ALIAS)"
echo "$CLIENT/ssh_config"
