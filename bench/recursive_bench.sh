#!/usr/bin/env bash
# Recursive-resolver benchmark: the scanner against Unbound iterating over a
# generated world from a private root (tests/world/recursive.sh: Knot serves
# the root and the world, mp_proxy adds delay and loss between Unbound and
# Knot), next to the scanner straight at Knot.
#
#   bench/recursive_bench.sh [--build DIR] [--domains N] [--tiny]
#                            [--scenario NAME ...] [--sweep "W:C W:C ..."]
#                            [--repeat K]
#
# Scenarios (default: all): loopback (Knot itself, no resolver), rec-20-40
# (20-40 ms added round trip), rec-100-200-loss1 (100-200 ms, each datagram
# lost with p 0.005 in each direction: ~1% of exchanges), rec-20-40-lame2
# (20-40 ms, every 50th domain a lame delegation to a server that never
# answers), rec-ratelimit-1500 (20-40 ms, Unbound drops a client's queries
# over 1,500/s). For each, one line: the scan at default options (a fresh,
# cold Unbound before every scan), the best of the fixed settings of the
# sweep (--window W -c C, default "64:200 256:400 1000:1000 2000:2000") by
# rows a second that did not end in timeout (rows/s; d/fix compares the
# default's rows/s with it: a setting that is faster by giving up on rows
# is not better), and
# the resolver's own bound: the queries of a loopback scan replayed once by
# dnsperf through a fresh resolver at a few in-flight counts (-q), the best
# completed queries/s (of the runs that completed 95% of the queries, if
# any did), divided by the default scan's queries per domain.
# --repeat K: K rounds, each scanning every scenario once (default, then
# the sweep, in turn), so that the machine's drift over the run falls on
# every setting alike; a line gives the default's median scan by domains/s
# (dom/s_all: the lowest and highest), the medians of rows/s, and d/clean:
# for rec-20-40-lame2 run with rec-20-40, the median over the rounds of its
# default's domains/s over rec-20-40's in the same round. The bound is
# measured once, after the rounds. drops and fix_drops: the queries Unbound
# dropped in a scan (median of the rounds; its limit on queries waiting,
# requestlist.exceeded, or --ratelimit's) at default options and at the
# best fixed setting: a scan that drives the resolver past its limits.
# --tiny: 300 domains, loopback and rec-20-40, one sweep point.
# Default N 10000; the world is generated once per N (seed 1) and kept.
# With two or more CPUs the servers run on CPU 0, the scanner and dnsperf
# on CPU 1. Environment: MP_BENCH_PORT (default 25374: Unbound; +1: Knot for
# loopback; below the ephemeral ports, which mp_proxy's and Unbound's own
# upstream sockets take at random), MP_BENCH_DNSPERF_Q (default "500 1000
# 2000": Unbound serves at most 1024 queries at once, num-queries-per-thread,
# and drops the rest, so 10,000 in flight completed under half of them).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
n=
tiny=false
scenarios=()
sweep=
repeat=1
while (($#)); do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --domains) n=$2; shift 2 ;;
  --tiny) tiny=true; shift ;;
  --scenario) scenarios+=("$2"); shift 2 ;;
  --sweep) sweep=$2; shift 2 ;;
  --repeat) repeat=$2; shift 2 ;;
  -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "recursive_bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
dnsperf_q=${MP_BENCH_DNSPERF_Q:-500 1000 2000}
if $tiny; then
  n=${n:-300}
  ((${#scenarios[@]})) || scenarios=(loopback rec-20-40)
  sweep=${sweep:-256:400}
  dnsperf_q=${MP_BENCH_DNSPERF_Q:-500}
fi
n=${n:-10000}
((${#scenarios[@]})) || scenarios=(loopback rec-20-40 rec-100-200-loss1
  rec-20-40-lame2 rec-ratelimit-1500)
sweep=${sweep:-64:200 256:400 1000:1000 2000:2000}

scenario_args() { # the recursive.sh options of a scenario
  case $1 in
  rec-20-40) echo --delay 20-40 ;;
  rec-100-200-loss1) echo --delay 100-200 --loss 0.005 ;;
  rec-20-40-lame2) echo --delay 20-40 --lame-every 50 ;;
  rec-ratelimit-1500) echo --delay 20-40 --ratelimit 1500 ;;
  *) return 1 ;;
  esac
}
for s in "${scenarios[@]}"; do
  [ "$s" = loopback ] || scenario_args "$s" >/dev/null ||
    { echo "recursive_bench: unknown scenario '$s'" >&2; exit 2; }
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] ||
  { echo "recursive_bench: bad --repeat '$repeat'" >&2; exit 2; }
for ws in $sweep; do
  [[ $ws =~ ^[0-9]+:[0-9]+$ ]] ||
    { echo "recursive_bench: bad sweep point '$ws' (W:C)" >&2; exit 2; }
done

bin=$build/mailposture
gen=$build/tests/mp_worldgen
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake -S . -B "$build" -DMP_BUILD_TESTS=ON >/dev/null # generator, proxy
cmake --build "$build" -j"$(nproc)" --target mailposture mp_worldgen mp_proxy \
  >/dev/null
export MP_PROXY=$PWD/$build/tests/mp_proxy
for t in unbound knotd kdig dnsperf; do
  command -v "$t" >/dev/null ||
    { echo "recursive_bench: $t not found (scripts/setup.sh --deps)" >&2; exit 1; }
done

work=$build/bench-recursive
mkdir -p "$work"
port=${MP_BENCH_PORT:-25374}
knot_port=$((port + 1))
client_cpu=()
if [ "$(nproc)" -ge 2 ]; then
  export MP_SERVER_CPU=0 MP_KNOT_CPU=0
  client_cpu=(taskset -c 1)
fi
rec_run=$work/rec
knot_run=$work/knot
cleanup() {
  tests/world/recursive.sh stop "$rec_run" >/dev/null 2>&1 || true
  tests/world/serve.sh stop "$knot_run" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

help=$("$bin" --help 2>&1 || true)
fixed=()
grep -q -- '--fixed-window' <<<"$help" && fixed=(--fixed-window)
has_qlog=false
grep -q -- '--query-log' <<<"$help" && has_qlog=true

world=$work/world-$n
if [ ! -s "$world/world-stats.txt" ]; then
  rm -rf "$world"
  "$gen" --domains "$n" --seed 1 --out "$world" --dnsperf "$world.perf" \
    >/dev/null
fi
expected=$(($(wc -l <"$world/truth.tsv") - 1))

# jfield FILE NAME [OBJECT]: a number of the one-line summary JSON (inside
# OBJECT if given), "-" when it is not there.
jfield() {
  local v
  if [ -n "${3:-}" ]; then
    v=$(sed -n "s/.*\"$3\":{\([^}]*\)}.*/\1/p" "$1" 2>/dev/null |
      sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p")
  else
    v=$(sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" 2>/dev/null)
  fi
  printf '%s\n' "${v:--}"
}
fmt() { # fmt PRINTF_FORMAT VALUE: "-" stays "-"
  # shellcheck disable=SC2059
  if [[ $2 =~ ^[0-9.]+$ ]]; then printf "$1" "$2"; else printf -- '-'; fi
}
# Rows a second that did not end in timeout: a setting that goes faster by
# giving up on rows is not faster.
complete() {
  awk -v d="$(jfield "$1" domains_per_s)" -v n="$(jfield "$1" rows)" \
    -v t="$(jfield "$1" timeout status)" 'BEGIN {
    if (d !~ /^[0-9.]+$/ || n !~ /^[0-9]+$/ || t !~ /^[0-9]+$/ || n == 0)
      print "-";
    else printf "%.1f\n", d * (n - t) / n }'
}
# The scan's retries (not the --retries option, also in the summary).
retries() {
  local v
  v=$(sed -n 's/.*"retries":\([0-9]*\),"shared".*/\1/p' "$1" 2>/dev/null)
  printf '%s\n' "${v:--}"
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "-";
    else printf "%.2f\n", a / b }'
}
log() { printf '# %s\n' "$*" >&2; }

# server_up SCENARIO: start what the scenario scans; sets target.
knot_up=false
server_up() {
  if [ "$1" = loopback ]; then
    $knot_up || tests/world/serve.sh start "$world" "$knot_port" "$knot_run" \
      >/dev/null 2>"$work/start.log" || { cat "$work/start.log" >&2; exit 1; }
    knot_up=true
    target=$knot_port
  else
    server_down
    # shellcheck disable=SC2046
    tests/world/recursive.sh start "$world" "$rec_run" "$port" \
      $(scenario_args "$1") >"$work/start.log" 2>&1 ||
      { cat "$work/start.log" >&2; exit 1; }
    target=$port
  fi
}
server_down() {
  cleanup
  knot_up=false
}
# fresh SCENARIO: a cold resolver (nothing to do for Knot alone).
fresh() {
  [ "$1" = loopback ] || tests/world/recursive.sh restart-resolver "$rec_run"
}

# scan SCENARIO OUT.json ARGS...: one scan through a fresh resolver; checks
# that every line gave a row.
scan() {
  local sc=$1 out=$2 rows
  shift 2
  fresh "$sc"
  "${client_cpu[@]}" "$bin" -r "127.0.0.1:$target" -q --summary "$out" \
    -o "$work/rows.ndjson" "$@" "$world/domains.txt"
  rows=$(wc -l <"$work/rows.ndjson")
  if [ "$rows" != "$expected" ]; then
    echo "recursive_bench: $sc: $rows rows for $expected lines" >&2
    exit 1
  fi
  [ "$sc" = loopback ] || unbound_drops >"${out%.json}.drops"
}
# unbound_drops: the queries the resolver dropped since its start, over its
# limit on queries waiting (requestlist.exceeded: num-queries-per-thread,
# wait-limit) or over --ratelimit's rate ("-" when it cannot tell).
unbound_drops() {
  unbound-control -c "$rec_run/unbound.conf" stats_noreset 2>/dev/null |
    awk -F= '/^total\.(requestlist\.exceeded|num\.queries_ip_ratelimited)=/ {
      s += $2; n++ } END { print n ? s : "-" }'
}
# rounds SCENARIO SETTING: the summaries of its scans, one a round.
rounds() {
  local r
  for ((r = 1; r <= repeat; r++)); do printf '%s\n' "$work/$1-$2-r$r.json"; done
}
# drops: the median of the drops of the scans whose summaries are named on
# stdin ("-" when none).
drops() {
  local f
  while read -r f; do cat "${f%.json}.drops" 2>/dev/null || true; done | median
}

# The queries a scan sends, for dnsperf (`name TYPE`), from one loopback
# scan: its --query-log when the scanner has one, else its -vv lines (one
# per lookup), else the generator's three per domain.
qfile=$work/queries.txt
rm -f "$qfile"
server_up loopback
if $has_qlog; then
  scan loopback "$work/qlog.json" --query-log "$qfile"
else
  scan loopback "$work/qlog.json" -vv 2>"$work/qlog.txt"
  sed -n 's/^mailposture: debug: \(.*\) \([A-Z][A-Z0-9]*\): [a-z_]* after [0-9]* attempt(s)$/\1 \2/p' \
    "$work/qlog.txt" >"$qfile"
  rm -f "$work/qlog.txt"
fi
[ -s "$qfile" ] || cp "$world.perf" "$qfile"
log "world $world ($expected lines), dnsperf replays $(wc -l <"$qfile") queries ($qfile)"

# bound SCENARIO: the best completed queries/s of dnsperf over the query
# file, among the runs that completed 95% of it if any did.
bound() {
  local sc=$1 q qps pct best=- best_any=- best_q=- best_any_q=- out
  for q in $dnsperf_q; do
    fresh "$sc"
    out=$work/dnsperf-$sc-$q.txt
    "${client_cpu[@]}" dnsperf -s 127.0.0.1 -p "$target" -d "$qfile" -n 1 \
      -q "$q" -t 2 >"$out" 2>&1 || true
    qps=$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' "$out")
    pct=$(sed -n 's/^ *Queries completed: *[0-9]* (\([0-9.]*\)%).*/\1/p' "$out")
    log "$sc dnsperf -q $q: ${qps:-?} queries/s, ${pct:-?}% completed"
    [[ $qps =~ ^[0-9.]+$ ]] || continue
    if [ "$best_any" = - ] || awk -v a="$qps" -v b="$best_any" 'BEGIN { exit !(a > b) }'; then
      best_any=$qps best_any_q=$q
    fi
    if awk -v p="${pct:-0}" 'BEGIN { exit !(p >= 95) }' &&
        { [ "$best" = - ] || awk -v a="$qps" -v b="$best" 'BEGIN { exit !(a > b) }'; }; then
      best=$qps best_q=$q
    fi
  done
  [ "$best" = - ] && best=$best_any best_q=$best_any_q
  printf '%s %s\n' "$best" "$best_q"
}

# lame_rows: how the lame domains' rows ended, "timeout/servfail/other".
lame_rows() {
  [ -s "$rec_run/lame.txt" ] || { printf -- '-'; return; }
  sed -n 's/.*"domain":"\([^"]*\)","status":"\([a-z_]*\)".*/\1 \2/p' \
    "$work/rows.ndjson" |
    awk 'NR == FNR { lame[$1] = 1; next }
         ($1 in lame) { c[$2 == "timeout" || $2 == "servfail" ? $2 : "other"]++ }
         END { printf "%d/%d/%d", c["timeout"], c["servfail"], c["other"] }' \
      "$rec_run/lame.txt" -
}

# median: the median of the numbers on stdin ("-" when none).
median() {
  grep -E '^[0-9.]+$' | sort -g |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) print "-";
      else if (NR % 2) print v[(NR + 1) / 2];
      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# spread FILES...: the lowest and highest domains/s of the scans, "a-b".
spread() {
  local f
  for f in "$@"; do jfield "$f" domains_per_s; done | grep -E '^[0-9.]+$' |
    sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 }
      END { if (NR) printf "%.0f-%.0f", lo, hi; else print "-" }'
}

# measure SCENARIO ROUND: the scan at default options, then the sweep.
measure() {
  local sc=$1 r=$2 ws f
  log "$sc (round $r): starting the servers"
  server_up "$sc"
  f=$work/$sc-default-r$r.json
  scan "$sc" "$f"
  [ "$sc" = rec-20-40-lame2 ] && lame_rows >"$work/$sc-lame-r$r.txt"
  log "$sc default: $(jfield "$f" domains_per_s) domains/s," \
    "$(jfield "$f" elapsed_s) s, $(jfield "$f" timeout lookups) timeouts"
  for ws in $sweep; do
    f=$work/$sc-$ws-r$r.json
    scan "$sc" "$f" --window "${ws%%:*}" -c "${ws##*:}" "${fixed[@]}"
    log "$sc --window ${ws%%:*} -c ${ws##*:}:" \
      "$(jfield "$f" domains_per_s) domains/s," \
      "$(complete "$f") rows/s not timed out," \
      "$(jfield "$f" timeout lookups) timeouts"
  done
}

hdr='%-18s %6s %9s %6s %9s %8s %8s %8s %7s %7s %6s %10s %10s %14s %9s %6s %6s %7s %10s %7s %9s %6s\n'
# shellcheck disable=SC2059
printf "$hdr" scenario dom/s dom/s_all rows/s queries/s lk_tmout rows_tmo \
  rows_err retries rss_mib q/dom best_fixed fixed_rows/s bound_q/s@q \
  bound_d/s d/fix d/bnd d/clean lame_t/s/o drops fix_drops time_s
# Referrals carry no port: the recursive stack's name servers listen on port
# 53 of 127.53.0.x, which takes root (or a lowered unprivileged port start).
port53=true
if [ "$(id -u)" != 0 ] &&
    [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -gt 53 ]; then
  port53=false
fi
run=()
for sc in "${scenarios[@]}"; do
  if [ "$sc" != loopback ] && ! $port53; then
    printf '%-18s skipped: the name servers need port 53 (root)\n' "$sc"
  else
    run+=("$sc")
  fi
done
# The rounds: each scans every scenario once (default, then the sweep), so
# that the machine's drift over the run falls on every setting alike.
declare -A took
for ((r = 1; r <= repeat; r++)); do
  for sc in "${run[@]}"; do
    start=$SECONDS
    measure "$sc" "$r"
    took[$sc]=$((${took[$sc]:-0} + SECONDS - start))
  done
done
for sc in "${run[@]}"; do
  start=$SECONDS
  mapfile -t defs < <(rounds "$sc" default)
  # the figures of the default's median scan by domains/s
  mid=$(for f in "${defs[@]}"; do
    printf '%s %s\n' "$(jfield "$f" domains_per_s)" "$f"; done |
    sort -g | awk '{ f[NR] = $2 } END { print f[int((NR + 1) / 2)] }')
  def_rows=$(for f in "${defs[@]}"; do complete "$f"; done | median)
  best_ws=- best_dps=-
  for ws in $sweep; do
    dps=$(rounds "$sc" "$ws" | while read -r f; do complete "$f"; done | median)
    if [[ $dps =~ ^[0-9.]+$ ]] && { [ "$best_dps" = - ] ||
        awk -v a="$dps" -v b="$best_dps" 'BEGIN { exit !(a > b) }'; }; then
      best_dps=$dps best_ws=$ws
    fi
  done
  # the lame scenario against the clean one, round by round
  vs_clean=-
  if [ "$sc" = rec-20-40-lame2 ] && [[ " ${run[*]} " == *" rec-20-40 "* ]]; then
    vs_clean=$(for ((r = 1; r <= repeat; r++)); do
      ratio "$(jfield "$work/$sc-default-r$r.json" domains_per_s)" \
        "$(jfield "$work/rec-20-40-default-r$r.json" domains_per_s)"
    done | median)
  fi
  lame=-
  if [ "$sc" = rec-20-40-lame2 ]; then
    r=${mid##*-r}
    lame=$(cat "$work/$sc-lame-r${r%.json}.txt")
  fi
  server_up "$sc"
  b=$(bound "$sc")
  bqps=${b% *} bq=${b#* }
  qpr=$(jfield "$mid" queries_per_row)
  bdps=$(ratio "$bqps" "$qpr")
  server_down
  rss=$(jfield "$mid" peak_rss_kib)
  [[ $rss =~ ^[0-9.]+$ ]] && rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
  # shellcheck disable=SC2059
  printf "$hdr" \
    "$sc" "$(fmt %.0f "$(jfield "$mid" domains_per_s)")" \
    "$(spread "${defs[@]}")" "$(fmt %.0f "$def_rows")" \
    "$(fmt %.0f "$(jfield "$mid" queries_per_s)")" \
    "$(jfield "$mid" timeout lookups)" "$(jfield "$mid" timeout status)" \
    "$(jfield "$mid" error status)" "$(retries "$mid")" "$rss" \
    "$(fmt %.2f "$qpr")" "$best_ws" "$(fmt %.0f "$best_dps")" \
    "$(fmt %.0f "$bqps")@$bq" "$(fmt %.0f "$bdps")" \
    "$(ratio "$def_rows" "$best_dps")" \
    "$(ratio "$(jfield "$mid" domains_per_s)" "$bdps")" \
    "$(fmt %.2f "$vs_clean")" "$lame" "$(rounds "$sc" default | drops)" \
    "$(rounds "$sc" "$best_ws" | drops)" $((${took[$sc]} + SECONDS - start))
done
