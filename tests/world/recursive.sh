#!/usr/bin/env bash
# A recursive-resolver stack over a generated world, for the recursive
# benchmark: Knot serves a root zone and the world's zones, mp_proxy sits
# between the resolver and Knot adding delay and loss, and Unbound iterates
# from that root on 127.0.0.1:PORT. See tests/world/README.md.
#
#   recursive.sh start WORLD_DIR RUN_DIR PORT [--delay MS|MIN-MAX] [--loss P]
#                [--lame-every K] [--ratelimit QPS] [--wait-limit N]
#   recursive.sh restart-resolver RUN_DIR   fresh Unbound (cold cache), same
#                                           settings
#   recursive.sh stop RUN_DIR               stop all of it (no error if not
#                                           running)
#   recursive.sh status RUN_DIR             exit 0 if all of it runs
#
# Environment: MP_SERVER_CPU (taskset -c list for Knot, mp_proxy and
# Unbound; unset: no pinning), MP_PROXY (the mp_proxy binary; default
# build/tests/mp_proxy, then PATH), MP_REC_NET (the loopback /24 of the
# servers, default 127.53.0), MP_KNOT_WAIT, MP_KNOT_UDP_WORKERS as serve.sh.
set -euo pipefail

prog=recursive.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=tests/world/lib.sh
. "$here/lib.sh"

usage() {
  cat >&2 <<EOF
usage: $prog start WORLD_DIR RUN_DIR PORT [--delay MS|MIN-MAX] [--loss P]
                    [--lame-every K] [--ratelimit QPS] [--wait-limit N]
       $prog restart-resolver RUN_DIR
       $prog stop RUN_DIR
       $prog status RUN_DIR
EOF
  exit 2
}

net=${MP_REC_NET:-127.53.0}
[[ $net =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "MP_REC_NET must be 127.X.Y"
knot_addr=$net.1    # Knot, port knot_port
knot_port=5300
ns_addr=$net.2      # the name server of every delegation, port 53: mp_proxy
lame_addr=$net.9    # the lame delegations' server: mp_proxy --blackhole
lame_ns=ns.lame.example.

# The command prefix pinning a server to MP_SERVER_CPU.
pin=()
[[ -n ${MP_SERVER_CPU:-} ]] && pin=(taskset -c "$MP_SERVER_CPU")

find_proxy() {
  local p
  for p in "${MP_PROXY:-}" "$here/../../build/tests/mp_proxy" \
    "$(command -v mp_proxy 2>/dev/null || true)"; do
    if [[ -n $p && -x $p ]]; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  die "mp_proxy not found (build it: cmake --build build --target mp_proxy; or set MP_PROXY)"
}

# start_proxy RUN NAME ARGS...: mp_proxy in the background (RUN/NAME.pid,
# RUN/NAME.out, RUN/NAME.err), waiting until it prints its bound addresses.
start_proxy() {
  local run=$1 name=$2 pid i
  shift 2
  : >"$run/$name.out"
  : >"$run/$name.err"
  "${pin[@]}" "$proxy" "$@" </dev/null >"$run/$name.out" 2>"$run/$name.err" &
  pid=$!
  printf '%s\n' "$pid" >"$run/$name.pid"
  for ((i = 0; i < 100; i++)); do
    [[ -s $run/$name.out ]] && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail "$run/$name.err"
      die "mp_proxy ($name) exited during start-up"
    fi
    sleep 0.1
  done
  log_tail "$run/$name.err"
  die "mp_proxy ($name) printed no address after 10 s"
}

# kdig_status ARGS...: the RCODE and the answer count of one query.
kdig_status() {
  kdig +time=2 +retry=2 "$@" 2>/dev/null |
    awk '/->>HEADER<<-/ { s = $6; sub(/;/, "", s) }
         /^;; Flags:/ { for (i = 1; i <= NF; i++) if ($i == "ANSWER:") a = $(i + 1); sub(/;/, "", a) }
         END { print s, a + 0 }'
}

start_unbound() {
  local run=$1 port=$2 i pid
  : >"$run/unbound.log"
  : >"$run/unbound.out"
  "${pin[@]}" unbound -d -c "$run/unbound.conf" </dev/null \
    >>"$run/unbound.out" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$run/unbound.pid"
  # version.server CH TXT is answered by Unbound itself: it is up, and its
  # cache is still cold. (Its comm is not "unbound" before taskset execs it.)
  for ((i = 0; i < 200; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      rm -f "$run/unbound.pid"
      log_tail "$run/unbound.out" "$run/unbound.log"
      die "unbound exited during start-up"
    fi
    # A query sent before the socket is bound costs kdig its 1 s timeout.
    if [[ -n $(ss -Hlnu "src 127.0.0.1 and sport = :$port") ]] &&
        [[ $(kdig_status @127.0.0.1 -p "$port" +time=1 +retry=0 CH TXT \
          version.server) == "NOERROR 1" ]]; then
      return 0
    fi
    sleep 0.05
  done
  log_tail "$run/unbound.out" "$run/unbound.log"
  die "unbound does not answer on 127.0.0.1@$port"
}

write_unbound_conf() {
  local run=$1 port=$2 ratelimit=$3 wait_limit=$4
  cat >"$run/unbound.conf" <<EOF
# Written by tests/world/recursive.sh; regenerated on every start.
# Unbound's defaults except what a private root and loopback servers need
# (see tests/world/README.md, "recursive.sh").
server:
    interface: 127.0.0.1@$port
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    username: ""
    chroot: ""
    directory: "$run"
    pidfile: "$run/unbound.own.pid"
    use-syslog: no
    logfile: "$run/unbound.log"
    log-time-ascii: yes
    verbosity: 1
    # The name servers are on $net.x, and the root is ours.
    do-not-query-localhost: no
    module-config: "iterator"
    # Unbound's built-in local zones would answer these names itself.
    local-zone: "test." nodefault
    local-zone: "invalid." nodefault
    local-zone: "2.0.192.in-addr.arpa." nodefault
    local-zone: "100.51.198.in-addr.arpa." nodefault
    local-zone: "113.0.203.in-addr.arpa." nodefault
    local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault
    unblock-lan-zones: yes
    insecure-lan-zones: yes
EOF
  if [[ -n $ratelimit ]]; then
    cat >>"$run/unbound.conf" <<EOF
    # A public resolver's per-client limit: over it, queries get no answer.
    ip-ratelimit: $ratelimit
    ip-ratelimit-factor: 0
EOF
  fi
  if [[ -n $wait_limit ]]; then
    cat >>"$run/unbound.conf" <<EOF
    # Replies waiting for recursion per client address (Debian's 1.17.1
    # has it since the DNSBomb fix: 1000 by default; 0: no limit).
    wait-limit: $wait_limit
EOF
  fi
  cat >>"$run/unbound.conf" <<EOF

# unbound-control -c $run/unbound.conf stats_noreset: what it dropped
remote-control:
    control-enable: yes
    control-interface: $run/unbound.ctl

stub-zone:
    name: "."
    stub-addr: $ns_addr@53
EOF
}

# The names of domains.txt under a test. zone with a file, lowercase, as the
# scanner would ask them (comments, blank and invalid lines skipped).
scanned_names() {
  awk '
    { sub(/\r$/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
    $0 == "" || /^#/ { next }
    {
      n = tolower($0)
      if (n ~ /^[0-9]+,/) sub(/^[0-9]+,/, "", n)
      sub(/\.$/, "", n)
      if (length(n) > 253 || n !~ /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/) next
      k = split(n, l, ".")
      for (i = 1; i <= k; i++) if (length(l[i]) > 63) next
      if (n !~ /\.test$/ || n ~ /(^|\.)broken\.test$/) next
      print n
    }' "$1"
}

# All at once: each takes a second or two to exit.
cmd_stop() {
  local run=$1 name
  stop_pid "$run/unbound.pid" unbound 10 &
  for name in proxy blackhole; do
    stop_pid "$run/$name.pid" mp_proxy 10 &
  done
  [[ -d $run/knot ]] && knot_stop "$run/knot" &
  wait
}

cmd_status() {
  local run=$1 rc=0 what pid
  for what in unbound.pid:unbound proxy.pid:mp_proxy blackhole.pid:mp_proxy \
    knot/knotd.pid:knotd; do
    [[ -e $run/${what%%:*} || ${what%%:*} == knot/knotd.pid ]] || continue
    if pid=$(pid_of "$run/${what%%:*}" "${what##*:}"); then
      printf '%s running, pid %s\n' "${what%%.*}" "$pid"
    else
      printf '%s not running\n' "${what%%.*}"
      rc=1
    fi
  done
  return $rc
}

cmd_restart_resolver() {
  local run=$1 port cpu
  [[ -r $run/unbound.conf && -r $run/settings ]] ||
    die "$run: no stack started there"
  port=$(sed -n 's/^port=//p' "$run/settings")
  cpu=$(sed -n 's/^cpu=//p' "$run/settings")
  pin=()
  [[ -n $cpu ]] && pin=(taskset -c "$cpu")
  pid_of "$run/knot/knotd.pid" knotd >/dev/null || die "$run: knotd is not running"
  stop_pid "$run/unbound.pid" unbound 10
  start_unbound "$run" "$port"
}

cmd_start() {
  local world=$1 run=$2 port=$3 delay='' loss='' lame_every='' ratelimit=''
  local wait_limit=''
  local use_proxy=false i z f rc ans name
  local -a knot_listen
  shift 3
  while (($#)); do
    (($# >= 2)) || usage
    case $1 in
    --delay) delay=$2 ;;
    --loss) loss=$2 ;;
    --lame-every) lame_every=$2 ;;
    --ratelimit) ratelimit=$2 ;;
    --wait-limit) wait_limit=$2 ;;
    *) usage ;;
    esac
    shift 2
  done
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "bad port '$port'"
  fi
  [[ -z $delay || $delay =~ ^[0-9]+(-[0-9]+)?$ ]] || die "bad --delay '$delay'"
  [[ -z $loss || $loss =~ ^(0|1|0?\.[0-9]+)$ ]] || die "bad --loss '$loss'"
  [[ -z $lame_every || $lame_every =~ ^[1-9][0-9]*$ ]] ||
    die "bad --lame-every '$lame_every'"
  [[ -z $ratelimit || $ratelimit =~ ^[1-9][0-9]*$ ]] ||
    die "bad --ratelimit '$ratelimit'"
  [[ -z $wait_limit || $wait_limit =~ ^[0-9]+$ ]] ||
    die "bad --wait-limit '$wait_limit'"
  [[ -r $world/zones.list ]] || die "$world/zones.list not found"
  [[ -r $world/domains.txt ]] || die "$world/domains.txt not found"
  for i in knotd kdig unbound; do
    command -v "$i" >/dev/null || die "$i not found (scripts/setup.sh --deps)"
  done
  [[ -n $delay || -n $loss ]] && use_proxy=true
  if $use_proxy || [[ -n $lame_every ]]; then
    proxy=$(find_proxy)
  fi
  mkdir -p "$run"
  world=$(abspath "$world")
  run=$(abspath "$run")
  cmd_stop "$run"
  # A failed start leaves nothing running.
  # shellcheck disable=SC2064
  trap "rc=\$?; ((rc == 0)) || cmd_stop $(printf '%q' "$run")" EXIT
  rm -rf "$run/zones" "$run/knot"
  mkdir -p "$run/zones" "$run/knot/db"

  port_busy "$port" 127.0.0.1 && die "port $port on 127.0.0.1 is already in use"
  port_busy "$knot_port" "$knot_addr" &&
    die "port $knot_port on $knot_addr is already in use"
  port_busy 53 "$ns_addr" && die "port 53 on $ns_addr is already in use"
  [[ -n $lame_every ]] && port_busy 53 "$lame_addr" &&
    die "port 53 on $lame_addr is already in use"

  # The zones: the world's (in RUN/zones, rewritten) and a root.
  read_zones "$world/zones.list"
  : >"$run/zones/map"
  for i in "${!zone_names[@]}"; do
    z=${zone_names[$i],,}
    [[ $z == *. ]] || z+=.
    [[ $z != . ]] || die "$world/zones.list: the world has a root zone"
    [[ ${zone_files[$i]} == - ]] ||
      printf '%s %s\n' "$z" "$world/zones/${zone_files[$i]}" >>"$run/zones/map"
  done
  local -a zfiles
  mapfile -t zfiles < <(awk '{ print $2 }' "$run/zones/map")
  scanned_names "$world/domains.txt" >"$run/scanned.txt"
  if [[ -n $lame_every ]]; then
    awk -v k="$lame_every" 'NR % k == 0 && !seen[$0]++' "$run/scanned.txt" \
      >"$run/lame.txt"
  else
    : >"$run/lame.txt"
  fi
  # `<zone> <name server>` for each NS record at a zone's apex.
  awk -v mode=targets -v zonemap="$run/zones/map" -f "$here/zones.awk" \
    "${zfiles[@]}" | sort -u >"$run/zones/targets"
  {
    # shellcheck disable=SC2016
    printf '$ORIGIN .\n$TTL 3600\n'
    printf '. SOA a.root-servers.net. hostmaster.example. 1 3600 900 604800 300\n'
    printf '. NS a.root-servers.net.\n'
    printf 'a.root-servers.net. A %s\n' "$ns_addr"
    awk -v mode=rewrite -v zonemap="$run/zones/map" -v outdir="$run/zones" \
      -v lame="$run/lame.txt" -v targets="$run/zones/targets" \
      -v nsaddr="$ns_addr" -v lamens="$lame_ns" -v lameaddr="$lame_addr" \
      -f "$here/zones.awk" "${zfiles[@]}"
    # Each top zone (no ancestor in the list) delegated to the name servers
    # of its apex (a.root-servers.net. if it has none), all at ns_addr.
    for i in "${!zone_names[@]}"; do
      z=${zone_names[$i],,}
      [[ $z == *. ]] || z+=.
      f=${z#*.}
      while [[ -n $f ]]; do
        printf '%s\n' "${zone_names[@],,}" | grep -qxF -e "$f" -e "${f%.}" &&
          continue 2
        [[ $f == *.* ]] && f=${f#*.} || f=
      done
      if grep -q "^$z " "$run/zones/targets"; then
        awk -v z="$z" '$1 == z { print z, "NS", $2 }' "$run/zones/targets"
      else
        printf '%s NS a.root-servers.net.\n' "$z"
      fi
    done
    awk -v a="$ns_addr" '!seen[$2]++ { print $2, "A", a }' "$run/zones/targets"
  } >"$run/zones/root.zone"
  zone_names+=(.)
  zone_files+=(root.zone)

  # Knot: on knot_addr for the proxy, and on ns_addr:53 itself when there is
  # no proxy (no --delay, no --loss).
  knot_listen=("$knot_addr@$knot_port")
  $use_proxy || knot_listen+=("$ns_addr@53")
  knot_write_conf "$run/knot" "$run/zones" "${knot_listen[@]}"
  MP_KNOT_CPU=${MP_SERVER_CPU:-} knot_launch "$run/knot" "$knot_addr" "$knot_port"

  if $use_proxy; then
    local -a pargs=(--listen "$ns_addr:53" --upstream "$knot_addr:$knot_port")
    [[ -n $delay ]] && pargs+=(--delay "$delay")
    [[ -n $loss ]] && pargs+=(--loss "$loss")
    start_proxy "$run" proxy "${pargs[@]}"
  fi
  if [[ -n $lame_every ]]; then
    start_proxy "$run" blackhole --blackhole --listen "$lame_addr:53"
  fi

  # An ephemeral port can be taken meanwhile by an upstream socket of
  # mp_proxy (or of anything else).
  if port_busy "$port" 127.0.0.1; then
    die "port $port on 127.0.0.1 was taken during start-up (choose one outside net.ipv4.ip_local_port_range)"
  fi
  write_unbound_conf "$run" "$port" "$ratelimit" "$wait_limit"
  printf 'port=%s\ncpu=%s\n' "$port" "${MP_SERVER_CPU:-}" >"$run/settings"
  start_unbound "$run" "$port"

  # The whole chain: a world name with records, not lame, answered by Knot
  # through Unbound (Unbound's own zones would answer NXDOMAIN).
  rc=
  while read -r name; do
    grep -qxF "$name" "$run/lame.txt" && continue
    read -r rc ans < <(kdig_status @127.0.0.1 -p "$port" TXT "$name")
    [[ $rc == NOERROR && $ans -gt 0 ]] && break
    rc=
  done < <(head -n 40 "$run/scanned.txt")
  if [[ -z $rc ]]; then
    log_tail "$run/unbound.log" "$run/knot/knotd.log"
    die "no world name answered through 127.0.0.1@$port"
  fi

  printf '%s: 127.0.0.1@%s: unbound pid %s -> %s@53 (%s) -> knotd pid %s on %s@%s; %s lame (%s); ready after %s s\n' \
    "$prog" "$port" "$(<"$run/unbound.pid")" "$ns_addr" \
    "$($use_proxy && printf 'mp_proxy pid %s, delay %s ms, loss %s' \
      "$(<"$run/proxy.pid")" "${delay:-0}" "${loss:-0}" || printf 'Knot itself')" \
    "$(<"$run/knot/knotd.pid")" "$knot_addr" "$knot_port" \
    "$(wc -l <"$run/lame.txt")" \
    "$([[ -n $lame_every ]] && printf 'NS %s at %s, blackhole pid %s' "$lame_ns" \
      "$lame_addr" "$(<"$run/blackhole.pid")" || printf 'none')" "$SECONDS"
  [[ -z $ratelimit ]] || printf '%s: unbound drops queries over %s/s per client\n' \
    "$prog" "$ratelimit"
  trap - EXIT
}

(($# >= 1)) || usage
case $1 in
start)
  (($# >= 4)) || usage
  cmd_start "${@:2}"
  ;;
restart-resolver)
  (($# == 2)) || usage
  cmd_restart_resolver "$(abspath "$2")"
  ;;
stop)
  (($# == 2)) || usage
  [[ -d $2 ]] || exit 0
  cmd_stop "$(abspath "$2")"
  ;;
status)
  (($# == 2)) || usage
  cmd_status "$2"
  ;;
*)
  usage
  ;;
esac
