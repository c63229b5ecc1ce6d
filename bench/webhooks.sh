#!/usr/bin/env bash
# Benchmark of webhook delivery: the packaged app (prod profile) as an api replica and a worker replica, a local
# redis-server, PostgreSQL 15 and the CallPass wire emulator, a webhook receiver (bench/WebhookReceiver.java), all on
# loopback, load from wrk. Four figures, each phase bounded:
#   1. start throughput with no endpoint, then with 3 endpoints subscribed to every event (what fan-out costs a start),
#      twice over; then the same with the worker stopped (what subscriptions cost the api replica's start path alone);
#   2. the time from an attempt record (the event's "timestamp") to its arrival at the receiver, at EVENT_RATE events/s
#      (goal: p99 <= 1 s at 500/s);
#   3. the delivery rate of one worker: a backlog made while the worker is down (BACKLOG_SECONDS of starts), then the
#      worker started again, events/s from its first delivery to its last (goal: >= 2,000/s); the worker also tracks
#      the backlog's calls and archives its records meanwhile;
#   4. the same, delivery alone: the archive's events replayed to a new endpoint once the worker is quiet.
#   bench/webhooks.sh                        # defaults: 2 threads, 32 connections, 20 s phases, 500 events/s
#   FORMAT=batch bench/webhooks.sh           # the latency and delivery endpoints as batch endpoints (up to 500 per request)
#   DURATION=10 BACKLOG_SECONDS=10 bench/webhooks.sh
#   WORKER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/worker.jfr bench/webhooks.sh  # profile the worker
#   PHASES=replay bench/webhooks.sh          # some of the phases only (fanout,api,latency,rate,replay; the warm-up always)
# Needs the webhooks API (POST /v1/webhooks, DELETE /v1/webhooks/{id}) in the build: it stops at once, saying so,
# when the app answers anything but 201 to a registration.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-30}
EVENT_RATE=${EVENT_RATE:-500}
BACKLOG_SECONDS=${BACKLOG_SECONDS:-20}
FORMAT=${FORMAT:-single}
PHASES=${PHASES:-fanout,api,latency,rate,replay}
# the load is what pumping looks like (thousands of fresh numbers a second, none approved): the automatic defence
# would block it within seconds, so it is off unless DEFENCE says otherwise (monitor: the detector runs, refuses nothing)
DEFENCE=${DEFENCE:-off}
case "$FORMAT" in single|batch) ;; *) echo "FORMAT must be single or batch" >&2; exit 2 ;; esac
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)-webhooks-$FORMAT}
mkdir -p "$OUT"
export BENCH_OUT="$OUT" BENCH_KEY=bench-key BENCH_CONNECTIONS=$CONNECTIONS

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break; done
fi
JAVA="$JAVA_HOME/bin/java"

[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes ] || ./mvnw -B -q -ntp package -DskipTests
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); EMU_PORT=$(free_port); APP_PORT=$(free_port); PG_PORT=$(free_port); MGMT_PORT=$(free_port)
WORKER_MGMT_PORT=$(free_port); RECV_PORT=$(free_port)

REDIS_BIN=$(command -v redis-server || true)
if [ -z "$REDIS_BIN" ]; then
  REDIS_BIN="$OUT/redis-server"
  unzip -p "$(tr ':' '\n' < "$OUT/cp.txt" | grep embedded-redis)" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_BIN"
  chmod +x "$REDIS_BIN"
fi
pids=()
worker_pid=
PG=/usr/lib/postgresql/15/bin
PGDATA_DIR=$(mktemp -d /tmp/bench-pg-XXXX)
chown postgres "$PGDATA_DIR"
pg_started=0
cleanup() {
  for p in "${pids[@]}" $worker_pid; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}" $worker_pid; do for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done; done
  [ "$pg_started" = 1 ] && runuser -u postgres -- "$PG/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_DIR"
}
trap cleanup EXIT

runuser -u postgres -- "$PG/initdb" -D "$PGDATA_DIR" -U callauth --auth=trust >/dev/null
runuser -u postgres -- "$PG/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/log" \
  -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 ${PG_SETTINGS:-}" start >/dev/null
pg_started=1

"$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 & pids+=($!)
# the emulator and the receiver are the JDK's HTTP server: without nodelay each answer's body waits for a delayed ACK
"$JAVA" -Dsun.net.httpserver.nodelay=true -cp "target/test-classes:$(cat "$OUT/cp.txt")" io.callauth.provider.callpass.CallPassEmulator \
  --port "$EMU_PORT" --token benchtoken > "$OUT/emulator.log" 2>&1 & pids+=($!)
"$JAVA" bench/WebhookReceiver.java --port "$RECV_PORT" > "$OUT/receiver.log" 2>&1 & pids+=($!)

export QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/postgres
export QUARKUS_DATASOURCE_USERNAME=callauth QUARKUS_DATASOURCE_PASSWORD=unused
export CALLAUTH_API_KEYS="bench:verify:$(printf bench-key | sha256sum | cut -d' ' -f1)"
export CALLAUTH_CODE_SECRET=bench-secret-0123456789-0123456789-0123
export CALLAUTH_PROVIDERS_CHAIN=callpass CALLAUTH_PROVIDERS_CALLPASS_URL=http://127.0.0.1:$EMU_PORT
export CALLAUTH_PROVIDERS_CALLPASS_TOKEN=benchtoken QUARKUS_LOG_LEVEL=WARN
export CALLAUTH_RATE_LIMITS_DESTINATION=off CALLAUTH_RATE_LIMITS_IP=off CALLAUTH_RATE_LIMITS_PREFIX=off \
  CALLAUTH_RATE_LIMITS_API_KEY=off CALLAUTH_RATE_LIMITS_CHECK_IP=off
export CALLAUTH_DEFENCE_MODE=$DEFENCE
# the receiver is on loopback and speaks http
export CALLAUTH_WEBHOOKS_ALLOW_HTTP=true CALLAUTH_WEBHOOKS_ALLOWED_HOSTS=127.0.0.1

start_worker() {
  # shellcheck disable=SC2086 # WORKER_JAVA_OPTS: JVM options of the worker, e.g. a JFR recording to profile it
  CALLAUTH_ROLES=worker QUARKUS_MANAGEMENT_PORT=$WORKER_MGMT_PORT "$JAVA" ${WORKER_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar \
    >> "$OUT/worker.log" 2>&1 &
  worker_pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$WORKER_MGMT_PORT/q/health/ready" >/dev/null && return; sleep 0.5; done
  echo "the worker did not get ready: see $OUT/worker.log" >&2; exit 1
}
stop_worker() {
  kill "$worker_pid"; for _ in $(seq 1 100); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 0.2; done
  worker_pid=
}
CALLAUTH_ROLES=api QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_MANAGEMENT_PORT=$MGMT_PORT "$JAVA" -jar \
  target/quarkus-app/quarkus-run.jar > "$OUT/app.log" 2>&1 & pids+=($!); API_PID=$!
start_worker
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null && break; sleep 0.5; done

URL=http://127.0.0.1:$APP_PORT
RECV=http://127.0.0.1:$RECV_PORT
AUTH="Authorization: Bearer $BENCH_KEY"
say() { echo "$*" | tee -a "$OUT/summary.txt"; }

# register PATH FORMAT [EVENTS]: an endpoint on the receiver for the event types EVENTS (a JSON array; every type when
# not given); prints its id, tells the receiver its secret
register() {
  local out status
  out=$(curl -s -w '\n%{http_code}' -X POST "$URL/v1/webhooks" -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"url\":\"$RECV$1\",\"events\":${3:-[\"*\"]},\"format\":\"$2\",\"description\":\"bench $1\"}")
  status=${out##*$'\n'}; out=${out%$'\n'*}
  if [ "$status" != 201 ]; then
    echo "POST /v1/webhooks answered $status: $out (does this build have the webhooks API?)" >&2; exit 1
  fi
  curl -s -X PUT "$RECV/secret?path=$1" --data "$(jq -r .secret <<<"$out")" >/dev/null
  jq -r .id <<<"$out"
}
unregister() { curl -s -o /dev/null -X DELETE "$URL/v1/webhooks/$1" -H "$AUTH"; }
stats() { curl -s "$RECV/stats?path=$1"; }
events() { stats "$1" | jq -r .events; }
# drain PATH ID: waits until the endpoint has no pending delivery (its deliveries log) and nothing more arrived at PATH
# for 2 s (240 s at most); says how long it took
drain() {
  local t0=$SECONDS last=-1 now quiet=0 pending
  while [ $((SECONDS - t0)) -lt 240 ]; do
    now=$(events "$1"); if [ "$now" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; last=$now; fi
    pending=$(curl -s "$URL/v1/webhooks/$2/deliveries?status=pending&limit=1" -H "$AUTH" | jq '.items | length')
    [ "$pending" = 0 ] && [ "$quiet" -ge 2 ] && break
    sleep 1
  done
  say "  $1 drained in $((SECONDS - t0)) s (pending: $pending): $(stats "$1")"
}
# phase NAME BASE [START_RATE]: wrk runs webhook-starts.lua for DURATION s; prints wrk's output, keeps it in LAST
# CPU time of the api replica per start in the phase, and of the worker (which also tracks the calls and archives
# the records): what a start costs the replica that serves it, apart from what the machine's other processes take
phase() {
  say "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local a0 w0 a1 w1
  a0=$(cpu_ticks "$API_PID"); w0=$(cpu_ticks "$worker_pid")
  LAST=$(BENCH_BASE=$2 START_RATE=${3:-} wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s bench/webhook-starts.lua "$URL")
  a1=$(cpu_ticks "$API_PID"); w1=$(cpu_ticks "$worker_pid")
  echo "$LAST" | tee -a "$OUT/summary.txt"
  refused_check "$LAST"
  API_US=$(python3 -c "print(round(($a1 - $a0) * 1e6 / $(getconf CLK_TCK) / max(1, $(starts "$LAST"))))")
  WORKER_US=$(python3 -c "print(round(($w1 - $w0) * 1e6 / $(getconf CLK_TCK) / max(1, $(starts "$LAST"))))")
  say "cpu per start (us): api replica $API_US, worker $WORKER_US (during the phase)"
}
# cpu_ticks PID: the process's CPU time so far, in clock ticks (0 when it does not run: the worker while stopped)
cpu_ticks() { if [ -n "$1" ] && [ -r "/proc/$1/stat" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
# refused_check WRK-OUTPUT: a phase whose starts were refused measures nothing; stop, saying so
refused_check() {
  local bad total
  bad=$(awk '/non-2xx or errors/{print $4}' <<<"$1"); total=$(awk '/requests in/{print $1}' <<<"$1")
  if [ "${bad:-0}" -gt $(( ${total:-0} / 100 )) ]; then
    echo "$bad of $total starts failed or were refused: the figures would mean nothing (see $OUT/app.log)" >&2; exit 1
  fi
}
rps() { awk '/Requests\/sec/{print int($2)}' <<<"$1"; }
starts() { awk '/requests in/{print $1}' <<<"$1"; }

BENCH_SINCE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# the webhooks API must be there before any load is sent
probe=$(register /probe single); unregister "$probe"

say "bench/webhooks.sh: $THREADS threads, $CONNECTIONS connections, ${DURATION}s phases, $EVENT_RATE events/s for the latency, format $FORMAT, defence $DEFENCE"
# warm-up: starts at full rate with an endpoint subscribed, so that the JIT has compiled the start path on the api
# replica and the delivery path on the worker before anything is measured (the first seconds of a JVM run 3-5x slower)
echo "warm-up (${WARMUP} s, one endpoint)"; warm=$(register /warmup single)
BENCH_BASE=5000000 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/webhook-starts.lua "$URL" > /dev/null
drain /warmup "$warm"; unregister "$warm"

wants() { [[ ",$PHASES," == *",$1,"* ]]; }
# quiet_worker: waits (3 min at most) until the worker uses under 10 % of a core: the records of the phase before
# archived, its calls tracked, its events delivered; each measured phase starts from there
quiet_worker() {
  local t0=$SECONDS a b
  while [ $((SECONDS - t0)) -lt 180 ]; do
    a=$(cpu_ticks "$worker_pid"); sleep 2; b=$(cpu_ticks "$worker_pid")
    [ $((b - a)) -lt $((2 * $(getconf CLK_TCK) / 10)) ] && break # under 10 % of a core
  done
  say "  the worker is quiet after $((SECONDS - t0)) s"
}
# what a start makes at once (the api replica's records): the latency, rate and replay endpoints take these alone, so
# that the expiries of the earlier phases' verifications (5 minutes after each start) do not trickle into their figures
AT_START='["verification.started","verification.call_placed"]'

# 1. start throughput: no endpoint, then three, twice over (the order alone moves a 2-core machine's figures)
per_start=2 # started and call_placed: what the latency endpoint takes (phase 1 measures it when it runs)
if wants fanout; then
  none=0; three=0; fanout_events=0; three_starts=0; api_none=0; api_three=0
  for round in 1 2; do
    quiet_worker
    phase "start, no webhook endpoint (round $round)" $((round * 1000000))
    none=$((none + $(rps "$LAST"))); api_none=$((api_none + API_US))
    ids=(); for i in 1 2 3; do ids+=("$(register "/fanout-$round-$i" single)"); done
    quiet_worker
    phase "start, 3 webhook endpoints subscribed to every event (round $round)" $((round * 1000000 + 500000))
    three=$((three + $(rps "$LAST"))); three_starts=$((three_starts + $(starts "$LAST"))); api_three=$((api_three + API_US))
    for i in 1 2 3; do drain "/fanout-$round-$i" "${ids[$((i - 1))]}"; done
    fanout_events=$((fanout_events + $(events "/fanout-$round-1")))
    for id in "${ids[@]}"; do unregister "$id"; done
  done
  per_start=$(python3 -c "print(round(max(1.0, $fanout_events / max(1, $three_starts)), 2))")
  say "start throughput (mean of 2 rounds): $((none / 2))/s with no endpoint, $((three / 2))/s with 3 endpoints ($(python3 -c "print('%.0f' % (100.0 * $three / max(1, $none)))") %); $per_start events per start; api replica CPU per start $((api_none / 2)) us with no endpoint, $((api_three / 2)) us with 3"
fi

# 1b. the api replica alone, the worker stopped (a deployment's worker replicas have cores of their own): what
# subscriptions cost the start path itself, none against 3 endpoints, twice over
if wants api; then
  stop_worker
  alone_none=0; alone_three=0
  for round in 1 2; do
    phase "start, api replica alone, no webhook endpoint (round $round)" $((5000000 + round * 200000))
    alone_none=$((alone_none + $(rps "$LAST")))
    ids=(); for i in 1 2 3; do ids+=("$(register "/alone-$round-$i" single)"); done
    phase "start, api replica alone, 3 webhook endpoints subscribed to every event (round $round)" \
      $((5000000 + round * 200000 + 100000))
    alone_three=$((alone_three + $(rps "$LAST")))
    # gone before the next round's phase without endpoints, and before the worker returns: this pair measures the
    # start path, not delivery (phases 3 and 4 do)
    for id in "${ids[@]}"; do unregister "$id"; done
  done
  start_worker
  say "start throughput of the api replica alone (mean of 2 rounds, worker stopped): $((alone_none / 2))/s with no endpoint, $((alone_three / 2))/s with 3 endpoints ($(python3 -c "print('%.0f' % (100.0 * $alone_three / max(1, $alone_none)))") %)"
fi

# 2. from the attempt record to the receiver at EVENT_RATE events/s (events per start: as phase 1 measured, else 2)
if wants latency; then
  quiet_worker
  id=$(register /latency "$FORMAT" "$AT_START")
  rate=$(python3 -c "print(max(1, round($EVENT_RATE / $per_start)))")
  phase "latency: $rate starts/s, about $EVENT_RATE events/s to one endpoint" 3000000 "$rate"
  drain /latency "$id"
  unregister "$id"
  say "record to receiver at about $EVENT_RATE events/s: $(stats /latency | jq -c '{events, repeated, eventsPerSecond, badSignatures, latencyMs}')"
fi

# 3. delivery rate of one worker: a backlog made while it is down, then drained
if wants rate; then
  id=$(register /rate "$FORMAT" "$AT_START")
  stop_worker
  say "== backlog: ${BACKLOG_SECONDS} s of starts with the worker down"
  BENCH_BASE=4000000 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${BACKLOG_SECONDS}s" -s bench/webhook-starts.lua "$URL" \
    | tee -a "$OUT/summary.txt"
  start_worker
  drain /rate "$id"
  unregister "$id"
  say "delivery rate of one worker (first to last delivery of the backlog): $(stats /rate | jq -c '{events, requests, repeated, eventsPerSecond, badSignatures}')"
fi

# 4. delivery alone: once the worker is quiet (every call of the phases before ended, every record archived), the
# archive's events since the bench began replayed to a new endpoint (at most 100,000): events/s of the sender when it
# is the worker's only work
if wants replay; then
  quiet_worker
  id=$(register /replay "$FORMAT" "$AT_START")
  replayed=$(curl -s -X POST "$URL/v1/webhooks/$id/replay" -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"since\":\"$BENCH_SINCE\"}" | jq -r .events)
  say "== replay: $replayed events queued"
  drain /replay "$id"
  unregister "$id"
  say "delivery rate of one worker, delivery alone (first to last delivery of the replay): $(stats /replay | jq -c '{events, requests, repeated, eventsPerSecond, badSignatures}')"
fi
echo "results in $OUT"
