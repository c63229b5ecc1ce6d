#!/usr/bin/env bash
# The floor of a check on this stack (bench/Floor.java: bare Vert.x, the Redis client, Jackson; no framework), pinned
# to one core like the app in compare and run.sh, driven by bench/check.lua, next to redis-benchmark's EVALSHA line.
# Two servers in turn: the script alone, then the script plus the pipelined stream append (what a check sends).
# Bounded: ROUNDS phases of DURATION seconds per server, then a half-rate phase; everything stops by itself.
#   bench/floor.sh                       # 5 rounds of 10 s, server on core 1, Redis and wrk on core 0
#   ROUNDS=8 DURATION=10 bench/floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)-floor}
mkdir -p "$OUT"
export BENCH_OUT="$OUT" BENCH_KEY=bench-key
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-benchmark >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break; done
fi
JAVA="$JAVA_HOME/bin/java"
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" >/dev/null

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$OUT/redis.log" 2>&1 & pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq 1 2000); do echo "vf_floor$i"; done > "$OUT/ids-1.txt" # ids without a hash: the script answers not_found

cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
TCK=$(getconf CLK_TCK)
# phase PID NAME [CHECK_RATE]: one wrk phase against the server, its rate, CPU per request and latency
phase() {
  local c0 c1 o n
  c0=$(cpu "$1")
  o=$(CHECK_RATE=${3:-} BENCH_CONNECTIONS=$CONNECTIONS taskset -c 0 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
      -s bench/check.lua "http://127.0.0.1:$PORT" 2>&1)
  c1=$(cpu "$1"); n=$(echo "$o" | awk '/requests in/{print $1}')
  echo "$o" > "$OUT/$2.txt"
  printf '%s: %s req/s, %s us CPU per request, p50 %s p99 %s\n' "$2" "$(echo "$o" | awk '/Requests\/sec/{print $2}')" \
    "$(( (c1 - c0) * 1000000 / TCK / (n > 0 ? n : 1) ))" "$(echo "$o" | awk '/^ +50%/{print $2}')" \
    "$(echo "$o" | awk '/^ +99%/{print $2}')" | tee -a "$OUT/summary.txt"
}
for mode in script script+log; do
  PORT=$(free_port)
  flag=(); [ "$mode" = script+log ] && flag=(--log)
  taskset -c 1 "$JAVA" -cp "$(cat "$OUT/cp.txt")" bench/Floor.java --port "$PORT" --redis "redis://127.0.0.1:$REDIS_PORT" \
    "${flag[@]}" >"$OUT/floor-$mode.log" 2>&1 & pids+=($!); fpid=$!
  for _ in $(seq 1 300); do grep -q listening "$OUT/floor-$mode.log" && break; sleep 0.1; done
  for r in $(seq 1 "$ROUNDS"); do phase "$fpid" "$mode-round-$r"; done
  half=$(awk '/Requests\/sec/{print int($2 / 2)}' "$OUT/$mode-round-$ROUNDS.txt")
  phase "$fpid" "$mode-half-rate-$half" "$half"
  kill "$fpid"; wait "$fpid" 2>/dev/null || true
done
sha=$(redis-cli -p "$REDIS_PORT" script load "return redis.call('HGET', KEYS[1], 'status')")
echo "redis-benchmark EVALSHA (one round trip, 32 clients, on core 1): $(taskset -c 1 redis-benchmark -p "$REDIS_PORT" -c 32 \
  -n 300000 --csv evalsha "$sha" 1 vf:bench 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"') req/s" | tee -a "$OUT/summary.txt"
echo "results in $OUT"
