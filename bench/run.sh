#!/usr/bin/env bash
# Benchmark of start and check: the packaged app (prod profile) against a local redis-server, PostgreSQL 15 (the
# attempt archive) and the CallPass wire emulator, all on loopback, driven by wrk. Bounded: each phase runs DURATION
# seconds and stops by itself; PostgreSQL and its data directory are removed on exit.
#   bench/run.sh                 # defaults: 2 threads, 32 connections, 20 s per phase, archive ingester on
#   LIMITS=on bench/run.sh       # with the production rate limits (to measure what they add)
#   INGEST=off bench/run.sh      # without the archive ingester (to measure what it costs the request path)
#   ROUNDS=5 CORE=1 bench/run.sh # five start+check rounds, the app alone on core 1: how the JIT's warm-up fades
#   ROUTING=static bench/run.sh  # chain callpass,yunhu with costs, routing static (ROUTING=adaptive: the planner on
#                                # the start path); what the choice costs a start, compared between the two
#   WORKER=separate bench/run.sh # the app as an api replica (CALLAUTH_ROLES=api), its background work (call tracking,
#                                # the archive ingester) in a second process with CALLAUTH_ROLES=worker, off the app's core
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-1}
CORE=${CORE:-}
LIMITS=${LIMITS:-off}
INGEST=${INGEST:-on}
case "$INGEST" in on|off) ;; *) echo "INGEST must be on or off" >&2; exit 2 ;; esac
WORKER=${WORKER:-same}
# the load is what pumping looks like (thousands of fresh numbers a second, none approved): the automatic defence
# would block it within seconds, so it is off unless DEFENCE says otherwise (monitor: the detector runs, refuses nothing)
DEFENCE=${DEFENCE:-off}
ROUTING=${ROUTING:-}
case "$ROUTING" in ''|static|adaptive) ;; *) echo "ROUTING must be static or adaptive" >&2; exit 2 ;; esac
case "$WORKER" in same|separate) ;; *) echo "WORKER must be same or separate" >&2; exit 2 ;; esac
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)-limits-$LIMITS-ingest-$INGEST-worker-$WORKER}
mkdir -p "$OUT"
export BENCH_OUT="$OUT" BENCH_KEY=bench-key

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
# the prod profile requires PostgreSQL (the attempt archive): Debian's 15
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break; done
fi
JAVA="$JAVA_HOME/bin/java"

[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes ] || ./mvnw -B -q -ntp package -DskipTests
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); EMU_PORT=$(free_port); APP_PORT=$(free_port); PG_PORT=$(free_port); MGMT_PORT=$(free_port)
# the backlog and archive figures come from the replica that archives: the app, or the separate worker
WORKER_MGMT_PORT=$(free_port); ARCHIVER_MGMT_PORT=$MGMT_PORT
[ "$WORKER" = separate ] && ARCHIVER_MGMT_PORT=$WORKER_MGMT_PORT

REDIS_BIN=$(command -v redis-server || true)
if [ -z "$REDIS_BIN" ]; then
  REDIS_BIN="$OUT/redis-server"
  unzip -p "$(tr ':' '\n' < "$OUT/cp.txt" | grep embedded-redis)" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_BIN"
  chmod +x "$REDIS_BIN"
fi
pids=()
PG=/usr/lib/postgresql/15/bin
PGDATA_DIR=$(mktemp -d /tmp/bench-pg-XXXX)
chown postgres "$PGDATA_DIR"
pg_started=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done; done
  [ "$pg_started" = 1 ] && runuser -u postgres -- "$PG/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_DIR"
}
trap cleanup EXIT

runuser -u postgres -- "$PG/initdb" -D "$PGDATA_DIR" -U callauth --auth=trust >/dev/null
runuser -u postgres -- "$PG/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/log" \
  -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 ${PG_SETTINGS:-}" start >/dev/null
pg_started=1

"$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 & pids+=($!)
"$JAVA" -cp "target/test-classes:$(cat "$OUT/cp.txt")" io.callauth.provider.callpass.CallPassEmulator \
  --port "$EMU_PORT" --token benchtoken > "$OUT/emulator.log" 2>&1 & pids+=($!)

export QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_MANAGEMENT_PORT=$MGMT_PORT QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/postgres
export QUARKUS_DATASOURCE_USERNAME=callauth QUARKUS_DATASOURCE_PASSWORD=unused
if [ "$INGEST" = on ]; then export CALLAUTH_ATTEMPTS_INGEST_ENABLED=true; else export CALLAUTH_ATTEMPTS_INGEST_ENABLED=false; fi
# sha256("bench-key")
export CALLAUTH_API_KEYS="bench:verify:$(printf bench-key | sha256sum | cut -d' ' -f1)"
export CALLAUTH_CODE_SECRET=bench-secret-0123456789-0123456789-0123
export CALLAUTH_PROVIDERS_CHAIN=callpass CALLAUTH_PROVIDERS_CALLPASS_URL=http://127.0.0.1:$EMU_PORT
export CALLAUTH_PROVIDERS_CALLPASS_TOKEN=benchtoken QUARKUS_LOG_LEVEL=WARN
export CALLAUTH_DEFENCE_MODE=$DEFENCE
if [ -n "$ROUTING" ]; then
  # two providers with costs, CallPass the cheaper; Yunhu is configured but never called (its address is closed):
  # exploration is 0, so that both modes place every call with CallPass and differ only by the choice itself
  export CALLAUTH_PROVIDERS_CHAIN=callpass,yunhu CALLAUTH_PROVIDERS_CALLPASS_COST=0.40 CALLAUTH_PROVIDERS_YUNHU_COST=0.60 \
    CALLAUTH_PROVIDERS_YUNHU_URL=http://127.0.0.1:9 CALLAUTH_PROVIDERS_YUNHU_APPID=bench CALLAUTH_PROVIDERS_YUNHU_ACCESSKEY=bench \
    CALLAUTH_PROVIDERS_YUNHU_EXTNUMBER=7003 CALLAUTH_PROVIDERS_YUNHU_CALLER_IDS=2190245566 \
    CALLAUTH_PROVIDERS_YUNHU_CALLBACK_SECRET=bench-callback-secret CALLAUTH_ROUTING_MODE=$ROUTING CALLAUTH_ROUTING_EXPLORE=0
fi
if [ "$LIMITS" = off ]; then
  export CALLAUTH_RATE_LIMITS_DESTINATION=off CALLAUTH_RATE_LIMITS_IP=off CALLAUTH_RATE_LIMITS_PREFIX=off \
    CALLAUTH_RATE_LIMITS_API_KEY=off CALLAUTH_RATE_LIMITS_CHECK_IP=off
else
  # every request has its own number and IP: the buckets are consulted and written, never empty
  export CALLAUTH_RATE_LIMITS_PREFIX=1000000/10m CALLAUTH_RATE_LIMITS_API_KEY=10000000/1m \
    CALLAUTH_RATE_LIMITS_CHECK_IP=10000000/10m
fi
# CORE: the app alone on that core, everything else (Redis, PostgreSQL, the emulator, wrk) on the others
PIN=(); OTHERS=()
if [ -n "$CORE" ]; then
  PIN=(taskset -c "$CORE"); OTHERS=(taskset -c "$(python3 -c "import os; print(','.join(str(c) for c in sorted(os.sched_getaffinity(0)) if c != $CORE))")")
  pg_main=$(head -1 "$PGDATA_DIR/postmaster.pid")
  for p in "${pids[@]}" "$pg_main" $(pgrep -P "$pg_main" || true); do taskset -apc "${OTHERS[2]}" "$p" >/dev/null; done
fi
if [ "$WORKER" = separate ]; then
  # the worker opens no API port; it shares the other cores with Redis, PostgreSQL, the emulator and wrk
  CALLAUTH_ROLES=worker QUARKUS_MANAGEMENT_PORT=$WORKER_MGMT_PORT "${OTHERS[@]}" "$JAVA" -jar \
    target/quarkus-app/quarkus-run.jar > "$OUT/worker.log" 2>&1 & pids+=($!)
  export CALLAUTH_ROLES=api
fi
"${PIN[@]}" "$JAVA" ${APP_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$OUT/app.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null && break; sleep 0.5; done
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$ARCHIVER_MGMT_PORT/q/health/ready" >/dev/null && break; sleep 0.5; done

URL=http://127.0.0.1:$APP_PORT
# CPU time per request of each process (ticks of utime+stime; PostgreSQL: the postmaster, its children and those it
# reaped): unlike throughput, hardly moved by other load on the machine
PG_PID=$(head -1 "$PGDATA_DIR/postmaster.pid")
TCK=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  { cat "/proc/$PG_PID/stat"; for c in $(pgrep -P "$PG_PID" || true); do cat "/proc/$c/stat" 2>/dev/null || true; done; } \
    | awk 'NR==1{s=$14+$15+$16+$17; next} {s+=$14+$15} END{print s}'
}
# the app's worker threads (executor-thread-N): the scheduled blocking jobs, i.e. mostly the archive ingester (a lower
# bound: a worker thread that ends during the phase takes its CPU time with it; the ingester's Redis replies are parsed
# on the event loop, which this does not count)
workers() { cat /proc/"${pids[2]}"/task/*/stat 2>/dev/null | awk '$2 ~ /^\(executor-thread/ {s+=$14+$15} END{print s+0}' || echo 0; }
snapshot() { echo "$(ticks "${pids[2]}") $(ticks "${pids[0]}") $(pg_ticks) $(ticks "${pids[1]}") $(workers)"; }
# per_request "before" "after" wrk-output: CPU microseconds per request of app, Redis, PostgreSQL, emulator
per_request() {
  local n; n=$(echo "$3" | awk '/requests in/{print $1}')
  python3 -c "
b = list(map(int, '$1'.split())); a = list(map(int, '$2'.split())); n = max(1, int('${n:-0}'))
us = [(y - x) * 1e6 / $TCK / n for x, y in zip(b, a)]
print('cpu per request (us): app %.0f (of which worker threads at least %.0f), redis %.0f, postgres %.0f, emulator %.0f; app+redis+postgres %.0f' % (us[0], max(0, us[4]), us[1], us[2], us[3], us[0] + us[1] + us[2]))"
}
# the app's CPU by thread group (event loops, the JIT's compiler threads, GC, the rest) and the commands Redis ran
# (those inside scripts included), each per request: where a request's CPU goes, and how much of it is warm-up
threads() { for f in /proc/"${pids[2]}"/task/*/stat; do cat "$f" 2>/dev/null || true; done | python3 -c "
import sys, re
g = {'eventloop': 0, 'jit': 0, 'gc': 0, 'other': 0}
for l in sys.stdin:
    name = l[l.index('(') + 1:l.rindex(')')]; f = l[l.rindex(')') + 2:].split(); t = int(f[11]) + int(f[12])
    k = 'eventloop' if name.startswith('vert.x-eventlo') else 'jit' if 'CompilerThre' in name else \
        'gc' if re.match(r'(GC Thread|G1 |VM Thread)', name) else 'other'
    g[k] += t
print(' '.join(str(g[k]) for k in ('eventloop', 'jit', 'gc', 'other')))"; }
commands() { redis-cli -p "$REDIS_PORT" info commandstats 2>/dev/null | grep -v cmdstat_info | tr -d '\r' \
  | awk -F'[:=,]' '/^cmdstat_/ {sub("cmdstat_", "", $1); printf "%s=%s ", $1, $3}'; }
by_thread() {
  local n; n=$(echo "$5" | awk '/requests in/{print $1}')
  python3 -c "
b = list(map(int, '$1'.split())); a = list(map(int, '$2'.split())); n = max(1, int('${n:-0}'))
us = [(y - x) * 1e6 / $TCK / n for x, y in zip(b, a)]
print('app cpu per request by thread (us): event loops %.0f, JIT compiler %.0f, GC and VM %.0f, other %.0f' % tuple(us))
c0 = dict(kv.split('=') for kv in '$3'.split()); c1 = dict(kv.split('=') for kv in '$4'.split())
d = {k: int(v) - int(c0.get(k, 0)) for k, v in c1.items() if int(v) - int(c0.get(k, 0)) > 0}
print('redis commands per request (inside scripts included): %.1f; ' % (sum(d.values()) / n)
      + ', '.join('%s %.2f' % (k, v / n) for k, v in sorted(d.items(), key=lambda x: -x[1])[:8]))"
}
# waits (60 s at most) until the work a start phase leaves behind is done: no call left to track (every shard's due
# set empty), nothing left to archive, and the JIT's compiler threads quiet (at most 5 % of a core over a second: the
# compilations the start phase queued would otherwise run in the next phase), so that the next phase measures its own
# requests only
settle() {
  local t0=$SECONDS due backlog j0 j1 jit=0
  while [ $((SECONDS - t0)) -lt 60 ]; do
    due=0
    for k in $(redis-cli -p "$REDIS_PORT" --scan --pattern 'ca:{calls*}:due' 2>/dev/null); do
      due=$((due + $(redis-cli -p "$REDIS_PORT" zcard "$k")))
    done
    backlog=$(curl -s "http://127.0.0.1:$ARCHIVER_MGMT_PORT/q/metrics" | awk '/^callauth_attempts_backlog /{print int($2)}')
    [ "$INGEST" = off ] && backlog=0 # nobody archives: the records wait in the stream
    j0=$(threads | cut -d' ' -f2); sleep 1; j1=$(threads | cut -d' ' -f2); jit=$((j1 - j0))
    [ "$due" = 0 ] && [ "${backlog:-0}" = 0 ] && [ $((jit * 100 / TCK)) -le 5 ] && break
  done
  echo "settled in $((SECONDS - t0)) s (calls still tracked: $due, records not archived: ${backlog:-?}, JIT compiler CPU in the last second: $((jit * 1000 / TCK)) ms)" | tee -a "$OUT/summary.txt"
}
# one phase: $1 = name, $2 = wrk script
phase() {
  echo "== $1 (round $r of $ROUNDS; load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt"
  local c0 c1 t0 t1 k0 k1 o
  c0=$(snapshot); t0=$(threads); k0=$(commands)
  o=$("${OTHERS[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$2" "$URL")
  sleep 2; c1=$(snapshot); t1=$(threads); k1=$(commands) # the ingester (when on) archives the phase's last records within a second or two
  echo "$o" | tee -a "$OUT/summary.txt"
  per_request "$c0" "$c1" "$o" | tee -a "$OUT/summary.txt"
  by_thread "$t0" "$t1" "$k0" "$k1" "$o" | tee -a "$OUT/summary.txt"
  LAST=$o
}
echo "warm-up (${WARMUP} s)"; "${OTHERS[@]}" wrk -t1 -c4 -d"${WARMUP}s" -s bench/start.lua "$URL" > /dev/null; rm -f "$OUT"/ids-*.txt
echo "bench/run.sh: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per phase, $ROUNDS round(s), limits $LIMITS, ingest $INGEST, worker $WORKER, defence $DEFENCE, routing ${ROUTING:-default}, app on core ${CORE:-any}" > "$OUT/summary.txt"
for r in $(seq 1 "$ROUNDS"); do
  phase "start: POST /v1/verifications" bench/start.lua
  phase "check: POST /v1/verifications/{id}/check" bench/check.lua
done
# the check's latency at half the rate the last check phase reached (its peak on this machine), on verifications
# that still take tries: the ids of the rounds above have mostly used their five (409 is a cheaper answer), so a
# start phase makes fresh ones first
half=$(( $(echo "$LAST" | awk '/Requests\/sec/{print int($2)}') / 2 ))
if [ "$half" -gt 0 ]; then
  rm -f "$OUT"/ids-*.txt
  phase "start: fresh verifications for the half-rate check" bench/start.lua
  settle
  CHECK_RATE=$half BENCH_CONNECTIONS=$CONNECTIONS phase "check at half the last check phase's rate ($half/s)" bench/check.lua
fi
# what the archive did meanwhile (ingest off: everything still waits in the stream)
curl -s "http://127.0.0.1:$ARCHIVER_MGMT_PORT/q/metrics" | grep -E '^callauth_attempts_(archived_total|backlog|buffered|lag_seconds) ' \
  | sed 's/^/archive: /' | tee -a "$OUT/summary.txt" || true
echo "results in $OUT"
