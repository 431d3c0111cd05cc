# shellcheck shell=bash disable=SC2154
# Shell functions shared by serve.sh and recursive.sh (sourced, not run).
# The caller sets `prog` (its name, for messages) and `set -euo pipefail`.
# See tests/world/README.md.

die() {
  printf '%s: %s\n' "$prog" "$*" >&2
  exit 1
}

abspath() {
  (cd "$1" && pwd -P)
}

# pid_of PIDFILE COMM: the PID in PIDFILE if that process is alive and its
# command is COMM (a recycled PID of another program is never signalled).
pid_of() {
  local file=$1 want=$2 pid comm
  [[ -r $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$want" ]] || return 1
  printf '%s\n' "$pid"
}

# alive PID: the process runs (a zombie, whose sockets are closed, does not:
# an orphan waits for init to reap it, which can take a second here).
alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

wait_gone() {
  local pid=$1 tenths=$2 i
  for ((i = 0; i < tenths; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  ! alive "$pid"
}

# stop_pid PIDFILE COMM WAIT_S: TERM the process of PIDFILE (if it is COMM),
# KILL it after WAIT_S seconds, remove PIDFILE. No-op if it is not running.
stop_pid() {
  local file=$1 comm=$2 wait_s=$3 pid
  if pid=$(pid_of "$file" "$comm"); then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" $((wait_s * 10)); then
      printf '%s: %s %s ignored TERM, sending KILL\n' "$prog" "$comm" "$pid" >&2
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 100 || die "$comm $pid survived KILL"
    fi
  fi
  rm -f "$file"
}

# log_tail FILE...: the last lines of each non-empty FILE on stderr.
log_tail() {
  local f
  for f in "$@"; do
    if [[ -s $f ]]; then
      printf -- '--- tail of %s ---\n' "$f" >&2
      tail -n 20 "$f" >&2
    fi
  done
}

# port_busy PORT [ADDR]: something listens (UDP or TCP) on PORT, on ADDR or
# on any address when ADDR is not given (a wildcard listener counts too).
port_busy() {
  local port=$1 addr=${2:-} filter
  filter="sport = :$port"
  [[ -n $addr ]] &&
    filter="( src $addr or src 0.0.0.0 or src [::] ) and sport = :$port"
  [[ -n $(ss -Hlnu "$filter") || -n $(ss -Hlnt "$filter") ]]
}

# read_zones LIST: LIST (`<zone> <file>` per line) into the arrays zone_names
# and zone_files (file "-": configured without a file, answers SERVFAIL).
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

# knot_write_conf RUN ZONE_DIR LISTEN...: RUN/knot.conf serving the zones of
# zone_names/zone_files (files relative to ZONE_DIR) on each LISTEN
# (ADDR@PORT). Environment: MP_KNOT_UDP_WORKERS (default 1).
knot_write_conf() {
  local run=$1 zdir=$2 i file listen
  shift 2
  listen=$1
  (($# == 1)) || listen="[ $(IFS=,; printf '%s' "$*" | sed 's/,/, /g') ]"
  {
    cat <<EOF
# Written by tests/world/$prog; regenerated on every start.
server:
    rundir: "$run"
    pidfile: "$run/knot.pid"
    listen: $listen
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
    storage: "$zdir"
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

knot_zone_answers() {
  local addr=$1 port=$2 zone=$3
  [[ -n $(kdig @"$addr" -p "$port" +time=1 +retry=0 +short SOA "$zone" \
    2>/dev/null) ]]
}

# Knot logs "[zone.] zone event 'load' failed" and then serves SERVFAIL for
# the zone forever, so fail at once instead of waiting for MP_KNOT_WAIT.
knot_load_failed() {
  local run=$1 zone=${2,,}
  [[ $zone == *. ]] || zone+=.
  [[ $zone == .. ]] && zone=.
  grep -qF "[$zone] zone event 'load' failed" "$run/knotd.log" 2>/dev/null
}

knot_stop() {
  stop_pid "$1/knotd.pid" knotd "${MP_KNOT_STOP_WAIT:-30}"
}

# knot_launch RUN ADDR PORT: start knotd with RUN/knot.conf (under
# `taskset -c $MP_KNOT_CPU` if set), write RUN/knotd.pid and wait until the
# SOA of every zone with a file answers on ADDR@PORT (MP_KNOT_WAIT s, default
# 300). Sets knot_pid.
knot_launch() {
  local run=$1 addr=$2 port=$3 i deadline
  local -a cmd pending still
  : >"$run/knotd.log"
  : >"$run/knotd.out"
  cmd=(knotd -c "$run/knot.conf")
  if [[ -n ${MP_KNOT_CPU:-} ]]; then
    cmd=(taskset -c "$MP_KNOT_CPU" "${cmd[@]}")
  fi
  # taskset execs knotd, so $! is the PID of knotd itself.
  "${cmd[@]}" </dev/null >>"$run/knotd.out" 2>&1 &
  knot_pid=$!
  printf '%s\n' "$knot_pid" >"$run/knotd.pid"

  pending=()
  for i in "${!zone_names[@]}"; do
    [[ ${zone_files[$i]} == - ]] || pending+=("${zone_names[$i]}")
  done
  deadline=$((SECONDS + ${MP_KNOT_WAIT:-300}))
  while ((${#pending[@]} > 0)); do
    if ! kill -0 "$knot_pid" 2>/dev/null; then
      wait "$knot_pid" 2>/dev/null || true
      rm -f "$run/knotd.pid"
      log_tail "$run/knotd.out" "$run/knotd.log"
      die "knotd exited during start-up"
    fi
    still=()
    for i in "${pending[@]}"; do
      if knot_load_failed "$run" "$i"; then
        log_tail "$run/knotd.out" "$run/knotd.log"
        knot_stop "$run"
        die "knotd could not load zone $i"
      fi
      knot_zone_answers "$addr" "$port" "$i" || still+=("$i")
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      log_tail "$run/knotd.out" "$run/knotd.log"
      knot_stop "$run"
      die "zones not answering after ${MP_KNOT_WAIT:-300} s: ${pending[*]}"
    fi
    sleep 0.2
  done
}
