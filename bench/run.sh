#!/usr/bin/env bash
# Benchmark of start and check: the packaged app (prod profile) against a local redis-server, PostgreSQL 15 (the
# attempt archive) and the CallPass wire emulator, all on loopback, driven by wrk. Bounded: each phase runs DURATION
# seconds and stops by itself; PostgreSQL and its data directory are removed on exit.
#   bench/run.sh                 # defaults: 2 threads, 32 connections, 20 s per phase, archive ingester on
#   LIMITS=on bench/run.sh       # with the production rate limits (to measure what they add)
#   INGEST=off bench/run.sh      # without the archive ingester (to measure what it costs the request path)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
LIMITS=${LIMITS:-off}
INGEST=${INGEST:-on}
case "$INGEST" in on|off) ;; *) echo "INGEST must be on or off" >&2; exit 2 ;; esac
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)-limits-$LIMITS-ingest-$INGEST}
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
if [ "$LIMITS" = off ]; then
  export CALLAUTH_RATE_LIMITS_DESTINATION=off CALLAUTH_RATE_LIMITS_IP=off CALLAUTH_RATE_LIMITS_PREFIX=off \
    CALLAUTH_RATE_LIMITS_API_KEY=off CALLAUTH_RATE_LIMITS_CHECK_IP=off
else
  # every request has its own number and IP: the buckets are consulted and written, never empty
  export CALLAUTH_RATE_LIMITS_PREFIX=1000000/10m CALLAUTH_RATE_LIMITS_API_KEY=10000000/1m \
    CALLAUTH_RATE_LIMITS_CHECK_IP=10000000/10m
fi
"$JAVA" ${APP_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$OUT/app.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null && break; sleep 0.5; done

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
echo "warm-up (${WARMUP} s)"; wrk -t1 -c4 -d"${WARMUP}s" -s bench/start.lua "$URL" > /dev/null; rm -f "$OUT"/ids-*.txt
echo "== start: POST /v1/verifications ($THREADS threads, $CONNECTIONS connections, ${DURATION}s, limits $LIMITS, ingest $INGEST; load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$OUT/summary.txt"
c0=$(snapshot)
o=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/start.lua "$URL")
sleep 2; c1=$(snapshot)   # the ingester (when on) archives the phase's last records within a second or two
echo "$o" | tee -a "$OUT/summary.txt"
per_request "$c0" "$c1" "$o" | tee -a "$OUT/summary.txt"
echo "== check: POST /v1/verifications/{id}/check (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt"
c0=$(snapshot)
o=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/check.lua "$URL")
sleep 2; c1=$(snapshot)   # the ingester (when on) archives the phase's last records within a second or two
echo "$o" | tee -a "$OUT/summary.txt"
per_request "$c0" "$c1" "$o" | tee -a "$OUT/summary.txt"
# what the archive did meanwhile (ingest off: everything still waits in the stream)
curl -s "http://127.0.0.1:$MGMT_PORT/q/metrics" | grep -E '^callauth_attempts_(archived_total|backlog|buffered|lag_seconds) ' \
  | sed 's/^/archive: /' | tee -a "$OUT/summary.txt" || true
echo "results in $OUT"
