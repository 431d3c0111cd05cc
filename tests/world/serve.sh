#!/usr/bin/env bash
# Serve a generated DNS world with Knot DNS on 127.0.0.1 for the tests, the
# demo and the benchmark. See tests/world/README.md.
#
#   serve.sh start WORLD_DIR PORT RUN_DIR   (re)start knotd, wait until every
#                                           zone of WORLD_DIR/zones.list answers
#   serve.sh stop RUN_DIR                   stop it (no error if not running)
#   serve.sh status RUN_DIR                 exit 0 if running, 1 if not
#
# Environment: MP_KNOT_UDP_WORKERS (default 1), MP_KNOT_CPU (taskset -c list,
# unset: no pinning), MP_KNOT_WAIT (seconds to wait for the zones, default
# 300), MP_KNOT_STOP_WAIT (seconds between TERM and KILL, default 30).
set -euo pipefail

prog=serve.sh
# shellcheck source=tests/world/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat >&2 <<EOF
usage: $prog start WORLD_DIR PORT RUN_DIR
       $prog stop RUN_DIR
       $prog status RUN_DIR
EOF
  exit 2
}

cmd_status() {
  local run=$1 pid
  if pid=$(pid_of "$run/knotd.pid" knotd); then
    printf 'knotd running, pid %s\n' "$pid"
    return 0
  fi
  printf 'knotd not running\n'
  return 1
}

cmd_start() {
  local world=$1 port=$2 run=$3
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "bad port '$port'"
  fi
  [[ -r $world/zones.list ]] || die "$world/zones.list not found"
  command -v knotd >/dev/null || die "knotd not found (apt-get install knot)"
  command -v kdig >/dev/null || die "kdig not found (apt-get install knot-dnsutils)"
  mkdir -p "$run/db"
  world=$(abspath "$world")
  run=$(abspath "$run")
  read_zones "$world/zones.list"

  knot_stop "$run"
  if port_busy "$port"; then
    die "port $port on 127.0.0.1 is already in use"
  fi
  knot_write_conf "$run" "$world/zones" "127.0.0.1@$port"
  knot_launch "$run" 127.0.0.1 "$port"
  printf '%s: knotd pid %s serving %s on 127.0.0.1@%s (ready after %s s)\n' \
    "$prog" "$knot_pid" "$world" "$port" "$SECONDS" >&2
}

(($# >= 1)) || usage
case $1 in
start)
  (($# == 4)) || usage
  cmd_start "$2" "$3" "$4"
  ;;
stop)
  (($# == 2)) || usage
  knot_stop "$2"
  ;;
status)
  (($# == 2)) || usage
  cmd_status "$2"
  ;;
*)
  usage
  ;;
esac
