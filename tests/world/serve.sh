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

usage() {
  cat >&2 <<EOF
usage: $prog start WORLD_DIR PORT RUN_DIR
       $prog stop RUN_DIR
       $prog status RUN_DIR
EOF
  exit 2
}

die() {
  printf '%s: %s\n' "$prog" "$*" >&2
  exit 1
}

abspath() {
  (cd "$1" && pwd -P)
}

# The PID in RUN_DIR/knotd.pid if that process is alive and is knotd (a
# recycled PID of another program is never signalled).
running_pid() {
  local run=$1 pid comm
  [[ -r $run/knotd.pid ]] || return 1
  pid=$(<"$run/knotd.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == knotd ]] || return 1
  printf '%s\n' "$pid"
}

wait_gone() {
  local pid=$1 tenths=$2 i
  for ((i = 0; i < tenths; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
}

cmd_stop() {
  local run=$1 pid
  if pid=$(running_pid "$run"); then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" $((${MP_KNOT_STOP_WAIT:-30} * 10)); then
      printf '%s: knotd %s ignored TERM, sending KILL\n' "$prog" "$pid" >&2
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 100 || die "knotd $pid survived KILL"
    fi
  fi
  rm -f "$run/knotd.pid"
}

cmd_status() {
  local run=$1 pid
  if pid=$(running_pid "$run"); then
    printf 'knotd running, pid %s\n' "$pid"
    return 0
  fi
  printf 'knotd not running\n'
  return 1
}

log_tail() {
  local run=$1 f
  for f in "$run/knotd.out" "$run/knotd.log"; do
    if [[ -s $f ]]; then
      printf -- '--- tail of %s ---\n' "$f" >&2
      tail -n 20 "$f" >&2
    fi
  done
}

port_busy() {
  local port=$1
  [[ -n $(ss -Hlnu "sport = :$port") || -n $(ss -Hlnt "sport = :$port") ]]
}

# Reads zones.list into the arrays zone_names / zone_files ("-": broken).
read_zones() {
  local list=$1 name file rest
  zone_names=()
  zone_files=()
  while read -r name file rest || [[ -n ${name:-} ]]; do
    [[ -z $name || $name == \#* ]] && continue
    [[ -n $file && -z $rest ]] || die "$list: bad line '$name $file $rest'"
    [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "$list: bad zone name '$name'"
    [[ $file =~ ^[A-Za-z0-9._-]+$ ]] || die "$list: bad file name '$file'"
    zone_names+=("$name")
    zone_files+=("$file")
  done <"$list"
  ((${#zone_names[@]} > 0)) || die "$list: no zones"
}

write_conf() {
  local world=$1 port=$2 run=$3 i file
  {
    cat <<EOF
# Written by tests/world/serve.sh; regenerated on every start.
server:
    rundir: "$run"
    pidfile: "$run/knot.pid"
    listen: 127.0.0.1@$port
    udp-workers: ${MP_KNOT_UDP_WORKERS:-1}
    tcp-workers: 1
    background-workers: 1

control:
    listen: "$run/knot.sock"

database:
    storage: "$run/db"

log:
  - target: "$run/knotd.log"
    any: info

template:
  - id: default
    storage: "$world/zones"
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none

zone:
EOF
    for i in "${!zone_names[@]}"; do
      file=${zone_files[$i]}
      # A broken zone points at a file that does not exist: Knot keeps the
      # zone configured but empty and answers SERVFAIL under it.
      [[ $file == - ]] && file="$run/missing/${zone_names[$i]}zone"
      printf '  - domain: "%s"\n    file: "%s"\n' "${zone_names[$i]}" "$file"
    done
  } >"$run/knot.conf"
}

zone_answers() {
  local port=$1 zone=$2
  [[ -n $(kdig @127.0.0.1 -p "$port" +time=1 +retry=0 +short SOA "$zone" \
    2>/dev/null) ]]
}

# Knot logs "[zone.] zone event 'load' failed" and then serves SERVFAIL for
# the zone forever, so fail at once instead of waiting for MP_KNOT_WAIT.
load_failed() {
  local run=$1 zone=${2,,}
  [[ $zone == *. ]] || zone+=.
  grep -qF "[$zone] zone event 'load' failed" "$run/knotd.log" 2>/dev/null
}

cmd_start() {
  local world=$1 port=$2 run=$3 pid i deadline elapsed
  local -a cmd pending still
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

  cmd_stop "$run"
  if port_busy "$port"; then
    die "port $port on 127.0.0.1 is already in use"
  fi
  write_conf "$world" "$port" "$run"
  : >"$run/knotd.log"
  : >"$run/knotd.out"

  cmd=(knotd -c "$run/knot.conf")
  if [[ -n ${MP_KNOT_CPU:-} ]]; then
    cmd=(taskset -c "$MP_KNOT_CPU" "${cmd[@]}")
  fi
  # taskset execs knotd, so $! is the PID of knotd itself.
  "${cmd[@]}" </dev/null >>"$run/knotd.out" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$run/knotd.pid"

  pending=()
  for i in "${!zone_names[@]}"; do
    [[ ${zone_files[$i]} == - ]] || pending+=("${zone_names[$i]}")
  done
  deadline=$((SECONDS + ${MP_KNOT_WAIT:-300}))
  while ((${#pending[@]} > 0)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      rm -f "$run/knotd.pid"
      log_tail "$run"
      die "knotd exited during start-up"
    fi
    still=()
    for i in "${pending[@]}"; do
      if load_failed "$run" "$i"; then
        log_tail "$run"
        cmd_stop "$run"
        die "knotd could not load zone $i of $world"
      fi
      zone_answers "$port" "$i" || still+=("$i")
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      log_tail "$run"
      cmd_stop "$run"
      die "zones not answering after ${MP_KNOT_WAIT:-300} s: ${pending[*]}"
    fi
    sleep 0.2
  done
  elapsed=$((SECONDS))
  printf '%s: knotd pid %s serving %s on 127.0.0.1@%s (ready after %s s)\n' \
    "$prog" "$pid" "$world" "$port" "$elapsed" >&2
}

(($# >= 1)) || usage
case $1 in
start)
  (($# == 4)) || usage
  cmd_start "$2" "$3" "$4"
  ;;
stop)
  (($# == 2)) || usage
  cmd_stop "$2"
  ;;
status)
  (($# == 2)) || usage
  cmd_status "$2"
  ;;
*)
  usage
  ;;
esac
