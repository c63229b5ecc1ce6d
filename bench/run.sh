#!/usr/bin/env bash
# Benchmark of start and check: the packaged app (prod profile) against a local redis-server and the CallPass
# wire emulator, all on loopback, driven by wrk. Bounded: each phase runs DURATION seconds and stops by itself.
#   bench/run.sh                 # defaults: 2 threads, 32 connections, 20 s per phase
#   LIMITS=on bench/run.sh       # with the production rate limits (to measure what they add)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20}
LIMITS=${LIMITS:-off}
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)-limits-$LIMITS}
mkdir -p "$OUT"
export BENCH_OUT="$OUT" BENCH_KEY=bench-key

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break; done
fi
JAVA="$JAVA_HOME/bin/java"

[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes ] || ./mvnw -B -q -ntp package -DskipTests
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); EMU_PORT=$(free_port); APP_PORT=$(free_port)

REDIS_BIN=$(command -v redis-server || true)
if [ -z "$REDIS_BIN" ]; then
  REDIS_BIN="$OUT/redis-server"
  unzip -p "$(tr ':' '\n' < "$OUT/cp.txt" | grep embedded-redis)" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_BIN"
  chmod +x "$REDIS_BIN"
fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 & pids+=($!)
"$JAVA" -cp "target/test-classes:$(cat "$OUT/cp.txt")" io.callauth.provider.callpass.CallPassEmulator \
  --port "$EMU_PORT" --token benchtoken > "$OUT/emulator.log" 2>&1 & pids+=($!)

export QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT
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
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null && break; sleep 0.5; done

URL=http://127.0.0.1:$APP_PORT
echo "warm-up (5 s)"; wrk -t1 -c4 -d5s -s bench/start.lua "$URL" > /dev/null; rm -f "$OUT"/ids-*.txt
echo "== start: POST /v1/verifications ($THREADS threads, $CONNECTIONS connections, ${DURATION}s, limits $LIMITS)" | tee "$OUT/summary.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/start.lua "$URL" | tee -a "$OUT/summary.txt"
echo "== check: POST /v1/verifications/{id}/check" | tee -a "$OUT/summary.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/check.lua "$URL" | tee -a "$OUT/summary.txt"
echo "results in $OUT"
