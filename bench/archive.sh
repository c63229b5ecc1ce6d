#!/usr/bin/env bash
# Benchmark of the attempt archive: ingest rate (Redis Stream -> PostgreSQL, one replica), list by phone and by IP,
# summaries over 30 days, and the export of ~1M rows with the app's memory. Everything on loopback: Debian's
# redis-server and PostgreSQL 15 (installed with apt when missing), the CallPass wire emulator and the packaged app
# (prod profile, configured by environment only). Bounded: every phase has a time limit, and the processes and the
# PostgreSQL data directory are removed on exit. Results in bench/results/<timestamp>-archive/summary.txt.
#   bench/archive.sh                       # 5,000,000 records
#   RECORDS=1000000 bench/archive.sh       # smaller seed (the 1M export then covers nearly everything)
# Knobs (environment): RECORDS, INGEST_TIMEOUT (s), LIST_DURATION (s), LIST_CONNECTIONS, SUMMARY_RUNS, SUMMARY_OTHER_RUNS,
# EXPORT_ROWS, EXPORT_SMALL_ROWS, APP_JAVA_OPTS, PG_SETTINGS, VACUUM (on|off), KEEP_DATA (1 keeps PGDATA), OUT,
# INGEST_BATCH (callauth.attempts.ingest.batch-size; the app's default 1000 when unset), INGEST_WORKERS (the app's
# callauth.attempts.ingest.workers, 2 when unset), SHARDS (the stream's shards, seeded as the app spreads them: 8),
# LIST_ORDER (the list phases in order, "phone ip" by default).
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-5000000}
INGEST_TIMEOUT=${INGEST_TIMEOUT:-1200}
LIST_DURATION=${LIST_DURATION:-15}
LIST_CONNECTIONS=${LIST_CONNECTIONS:-4}
SUMMARY_RUNS=${SUMMARY_RUNS:-20}
SUMMARY_OTHER_RUNS=${SUMMARY_OTHER_RUNS:-3}
EXPORT_ROWS=${EXPORT_ROWS:-1000000}
EXPORT_SMALL_ROWS=${EXPORT_SMALL_ROWS:-100000}
APP_JAVA_OPTS=${APP_JAVA_OPTS:--Xmx1g}
# a modestly sized server rather than initdb's defaults (128 MB of shared buffers, 1 GB of WAL between checkpoints)
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=2GB -c effective_cache_size=8GB -c max_wal_size=8GB -c checkpoint_timeout=15min -c work_mem=16MB -c maintenance_work_mem=512MB}
VACUUM=${VACUUM:-on}
KEEP_DATA=${KEEP_DATA:-0}
SHARDS=${SHARDS:-8}
CONSOLE_RUNS=${CONSOLE_RUNS:-8}
LIST_ORDER=${LIST_ORDER:-phone ip}   # the list phases in order (a value may repeat: "phone ip phone" shows warm-up effects)
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)-archive}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
[ -x /usr/lib/postgresql/15/bin/initdb ] || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break; done
fi
JAVA="$JAVA_HOME/bin/java"
[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes ] || ./mvnw -B -q -ntp package -DskipTests
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null

PY=$(python3 -c 'import sys;print(sys.executable)')   # not the pyenv shim: that is a shell script per call
free_port() { "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); PG_PORT=$(free_port); EMU_PORT=$(free_port); APP_PORT=$(free_port); MGMT_PORT=$(free_port)
URL=http://127.0.0.1:$APP_PORT
MGMT=http://127.0.0.1:$MGMT_PORT   # health and metrics: the management interface
PG=/usr/lib/postgresql/15/bin
PGDATA_DIR=$(mktemp -d /tmp/archive-bench-pg-XXXX)
chown postgres "$PGDATA_DIR"
FRAUD_KEY=bench-fraud-key

pids=(); pg_started=0
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done; kill -9 "$p" 2>/dev/null; done
  [ "$pg_started" = 1 ] && runuser -u postgres -- "$PG/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1
  if [ "$KEEP_DATA" = 1 ]; then echo "PostgreSQL data kept in $PGDATA_DIR" >&2; else rm -rf "$PGDATA_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- PostgreSQL and Redis
runuser -u postgres -- "$PG/initdb" -D "$PGDATA_DIR" -U callauth --auth=trust >/dev/null
# shellcheck disable=SC2086
runuser -u postgres -- "$PG/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/log" \
  -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all $PG_SETTINGS" start >/dev/null
pg_started=1
psql() { "$PG/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U callauth "$@"; }
psql -d postgres -c "CREATE DATABASE callauth"
PG_PID=$(head -1 "$PGDATA_DIR/postmaster.pid")

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 & pids+=($!)
REDIS_PID=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# CPU seconds of a process (utime+stime) and, for PostgreSQL, of its children: the live ones and those it reaped
TCK=$(getconf CLK_TCK)
busy() { awk '/^cpu /{printf "%.2f\n", ($2+$3+$4+$7+$8+$9)/'"$TCK"'}' /proc/stat; }  # the machine's busy core-seconds
load() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_of() { awk -v t="$TCK" '{printf "%.2f\n", ($14+$15)/t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() {
  { cat "/proc/$PG_PID/stat"; for c in $(pgrep -P "$PG_PID" || true); do cat "/proc/$c/stat" 2>/dev/null || true; done; } \
    | awk -v t="$TCK" 'NR==1{s=$14+$15+$16+$17; next} {s+=$14+$15} END{printf "%.2f\n", s/t}'
}

# ---------------------------------------------------------------- seed
# the records of all shards of the stream (ca:attempts, ca:attempts:1 ...)
stream_len() {
  local n=0 s
  for s in $(seq 0 $((SHARDS - 1))); do
    n=$((n + $(redis-cli -p "$REDIS_PORT" xlen "$([ "$s" = 0 ] && echo ca:attempts || echo "ca:attempts:$s")")))
  done
  echo $n
}
log "seeding $RECORDS records into the $SHARDS shards of ca:attempts"
t0=$(date +%s.%N)
"$JAVA" -Xmx2g bench/SeedAttempts.java --records "$RECORDS" --shards "$SHARDS" --out "$OUT" 2> "$OUT/seed.err" \
  | timeout 1200 redis-cli -p "$REDIS_PORT" --pipe > "$OUT/seed.log" 2>&1
t1=$(date +%s.%N)
# shellcheck disable=SC1091
. "$OUT/seed.env"
xlen=$(stream_len)
redis_mem=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory_human/{print $2}' | tr -d '\r')
seed_s=$("$PY" -c "print(round($t1-$t0,1))")
say "== attempt archive benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "parameters: RECORDS=$RECORDS INGEST_TIMEOUT=$INGEST_TIMEOUT INGEST_BATCH=${INGEST_BATCH:-1000} LIST_CONNECTIONS=$LIST_CONNECTIONS LIST_DURATION=${LIST_DURATION}s SUMMARY_RUNS=$SUMMARY_RUNS EXPORT_ROWS=$EXPORT_ROWS EXPORT_SMALL_ROWS=$EXPORT_SMALL_ROWS VACUUM=$VACUUM"
say "app: $APP_JAVA_OPTS, $("$JAVA" -version 2>&1 | head -1); PostgreSQL $("$PG/postgres" --version | awk '{print $3}') $PG_SETTINGS; Redis $(redis-server --version | awk '{print $3}')"
say ""
say "== seed"
say "records: $SEED_RECORDS in the stream: $xlen ($(grep -E 'errors' "$OUT/seed.log" | tr -d '\n'))"
say "verifications (flows incl. refusals): $SEED_FLOWS; distinct phones: $SEED_DISTINCT_PHONES; distinct IPs: $SEED_DISTINCT_IPS"
say "span: $(date -u -d @$((SEED_FIRST_AT/1000)) +%FT%TZ) .. $(date -u -d @$((SEED_LAST_AT/1000)) +%FT%TZ)"
say "by type: $SEED_TYPES"
say "seeding time: ${seed_s} s ($("$PY" -c "print(round($SEED_RECORDS/($t1-$t0)))") records/s through redis-cli --pipe); Redis memory: $redis_mem"
[ "$xlen" = "$SEED_RECORDS" ] || { say "SEED INCOMPLETE: stream holds $xlen of $SEED_RECORDS"; exit 1; }

# ---------------------------------------------------------------- app (prod profile, env only)
"$JAVA" -cp "target/test-classes:$(cat "$OUT/cp.txt")" io.callauth.provider.callpass.CallPassEmulator \
  --port "$EMU_PORT" --token benchtoken > "$OUT/emulator.log" 2>&1 & pids+=($!)
export QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_MANAGEMENT_PORT=$MGMT_PORT QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/callauth
export QUARKUS_DATASOURCE_USERNAME=callauth QUARKUS_DATASOURCE_PASSWORD=unused
export CALLAUTH_API_KEYS="bench:verify:$(printf bench-key | sha256sum | cut -d' ' -f1),fraud:fraud:$(printf %s "$FRAUD_KEY" | sha256sum | cut -d' ' -f1)"
export CALLAUTH_CODE_SECRET=bench-secret-0123456789-0123456789-0123
export CALLAUTH_PROVIDERS_CHAIN=callpass CALLAUTH_PROVIDERS_CALLPASS_URL=http://127.0.0.1:$EMU_PORT
export CALLAUTH_PROVIDERS_CALLPASS_TOKEN=benchtoken QUARKUS_LOG_LEVEL=INFO
export CALLAUTH_ATTEMPTS_INGEST_ENABLED=true
[ -n "${INGEST_BATCH:-}" ] && export CALLAUTH_ATTEMPTS_INGEST_BATCH_SIZE=$INGEST_BATCH
# the seed is a backlog far above the default buffer (1,000,000): no alert about it, nothing dropped
export CALLAUTH_ATTEMPTS_STREAM_SHARDS=$SHARDS
[ -n "${INGEST_WORKERS:-}" ] && export CALLAUTH_ATTEMPTS_INGEST_WORKERS=$INGEST_WORKERS
export CALLAUTH_ATTEMPTS_BUFFER_MAX=$((RECORDS * 2 > 1000000 ? RECORDS * 2 : 1000000))
# shellcheck disable=SC2086
"$JAVA" $APP_JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > "$OUT/app.log" 2>&1 & pids+=($!)
APP_PID=$!
t_launch=$(date +%s.%N)
for _ in $(seq 1 240); do curl -sf --max-time 2 "$MGMT/q/health/ready" >/dev/null && break; sleep 0.25; done
t_ready=$(date +%s.%N)
curl -sf --max-time 2 "$MGMT/q/health/ready" >/dev/null || { say "app not ready, see $OUT/app.log"; exit 1; }

metric() {  # the value of one metric (no labels, or the first series), as an integer; empty when absent
  curl -s --max-time 5 "$MGMT/q/metrics" | awk -v n="$1" '$1==n || index($1, n"{")==1 {printf "%.0f\n", $2; exit}'
}

# ---------------------------------------------------------------- ingest
log "ingesting (limit ${INGEST_TIMEOUT}s)"
app_cpu0=$(cpu_of "$APP_PID"); pg_cpu0=$(pg_cpu); redis_cpu0=$(cpu_of "$REDIS_PID"); busy0=$(busy); load0=$(load)
# one poller process (metrics every 0.5 s; a line of the timeline every 5 s), so that polling costs next to nothing
read -r t_first first_archived t_done archived < <("$PY" - "$MGMT" "$SEED_RECORDS" "$INGEST_TIMEOUT" "$t_ready" "$APP_PID" "$OUT/ingest-timeline.txt" <<'EOF'
import sys, time, urllib.request
url, n, limit, t_ready, pid, timeline = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
def metrics():
    try:
        body = urllib.request.urlopen(url + "/q/metrics", timeout=5).read().decode()
    except Exception:
        return {}
    out = {}
    for line in body.splitlines():
        if line.startswith("callauth_attempts_"):
            k, _, v = line.rpartition(" ")
            out[k.split("{")[0]] = float(v)
    return out
def rss():
    for l in open("/proc/%s/status" % pid):
        if l.startswith("VmRSS"):
            return int(l.split()[1])
t_first, first, archived, last_progress, next_line = None, 0, 0, time.time(), 0.0
with open(timeline, "w") as tl:
    tl.write("seconds_since_ready archived backlog buffered lag_s app_rss_kb\n")
    while True:
        now = time.time()
        m = metrics()
        a = int(m.get("callauth_attempts_archived_total", 0))
        if t_first is None and a > 0:
            t_first, first = now, a
        if a > archived:
            archived, last_progress = a, now
        if now - t_ready >= next_line or a >= n:
            tl.write("%.1f %d %d %d %d %d\n" % (now - t_ready, a, m.get("callauth_attempts_backlog", -1),
                     m.get("callauth_attempts_buffered", -1), m.get("callauth_attempts_lag_seconds", -1), rss()))
            tl.flush()
            next_line += 5
        if a >= n:
            break
        if now - last_progress > 120:
            print("stalled: no progress for 120 s", file=sys.stderr); break
        if now - t_ready > limit:
            print("time limit reached", file=sys.stderr); break
        time.sleep(0.5)
print(t_first if t_first else 0, first, time.time(), archived)
EOF
)
app_cpu1=$(cpu_of "$APP_PID"); pg_cpu1=$(pg_cpu); redis_cpu1=$(cpu_of "$REDIS_PID"); busy1=$(busy); load1=$(load)
# the gauges follow on the ingester's next round
for _ in $(seq 1 20); do [ "$(metric callauth_attempts_backlog)" = 0 ] && break; sleep 0.5; done
say ""
say "== ingest (one replica, batch ${INGEST_BATCH:-1000}, tick 1 s; load average $load0 at the start, $load1 at the end)"
say "archived: $archived of $SEED_RECORDS; backlog gauge now $(metric callauth_attempts_backlog), stream length now $(stream_len)"
say "app start to ready: $("$PY" -c "print(round($t_ready-$t_launch,1))") s"
say "ready to all archived: $("$PY" -c "print(round($t_done-$t_ready,1))") s -> $("$PY" -c "print(round($archived/($t_done-$t_ready)))") records/s (includes the scheduler's 2 s delay and the Flyway migration)"
[ "$archived" -ge "$SEED_RECORDS" ] || say "INGEST INCOMPLETE: $archived of $SEED_RECORDS archived (stalled or past INGEST_TIMEOUT=${INGEST_TIMEOUT}s); the ingester goes on during the next phases"
if [ "$t_first" != 0 ]; then
  say "first archived batch to all archived: $("$PY" -c "print(round($t_done-$t_first,1))") s -> $("$PY" -c "print(round(($archived-$first_archived)/max(0.001,$t_done-$t_first)))") records/s"
fi
"$PY" - "$OUT/ingest-timeline.txt" "$SEED_RECORDS" <<'EOF' | tee -a "$SUMMARY"
import sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
rows = [(float(r[0]), int(r[1])) for r in rows if len(r) > 1]
n = int(sys.argv[2])
lo = next((r for r in rows if r[1] >= 0.1 * n), None); hi = next((r for r in rows if r[1] >= 0.9 * n), None)
if lo and hi and hi[0] > lo[0]:
    print("steady rate (10%%..90%% of the records): %d records/s" % ((hi[1] - lo[1]) / (hi[0] - lo[0])))
rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(rows, rows[1:]) if b[0] > a[0] and a[1] > 0 and b[1] < n]
if rates:
    rates.sort()
    print("5-second windows: min %d, median %d, max %d records/s" % (rates[0], rates[len(rates) // 2], rates[-1]))
EOF
ingest_s=$("$PY" -c "print(max(0.001,$t_done-$t_ready))")
say "CPU during ingest: app $("$PY" -c "print(round($app_cpu1-$app_cpu0,1))") s, PostgreSQL $("$PY" -c "print(round($pg_cpu1-$pg_cpu0,1))") s, Redis $("$PY" -c "print(round($redis_cpu1-$redis_cpu0,1))") s over $("$PY" -c "print(round($ingest_s,1))") s wall (2 cores = $("$PY" -c "print(round(2*$ingest_s,1))") core-s); per 1000 records: app $("$PY" -c "print(round(($app_cpu1-$app_cpu0)*1000/max(1,$archived),3))") s, PostgreSQL $("$PY" -c "print(round(($pg_cpu1-$pg_cpu0)*1000/max(1,$archived),3))") s"
say "machine busy during ingest: $("$PY" -c "print(round($busy1-$busy0,1))") core-s, of which other processes (not the app, PostgreSQL or Redis): $("$PY" -c "print(round(($busy1-$busy0)-($app_cpu1-$app_cpu0)-($pg_cpu1-$pg_cpu0)-($redis_cpu1-$redis_cpu0),1))") core-s"
say "Redis time per stream command during ingest (XREADGROUP reads the batches, XRANGE finds the oldest unarchived entry):"
redis-cli -p "$REDIS_PORT" info commandstats | grep -E '^cmdstat_x(readgroup|range|ack|trim|autoclaim|info|len|pending)' \
  | sed -E 's/^cmdstat_([^:]*):calls=([0-9]+),usec=([0-9]+),usec_per_call=([0-9.]+).*/  \1: \2 calls, \3 us total, \4 us per call/' | tee -a "$SUMMARY"
psql -d callauth -c "CREATE SCHEMA IF NOT EXISTS bench; CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA bench"
psql -d callauth -P pager=off -c "SELECT calls, round(total_exec_time::numeric/1000,1) AS total_s, round(mean_exec_time::numeric,2) AS mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query FROM bench.pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12" > "$OUT/ingest-statements.txt"
say "PostgreSQL statements by total time during ingest (pg_stat_statements):"
tee -a "$SUMMARY" < "$OUT/ingest-statements.txt"
psql -d callauth -At -c "SELECT bench.pg_stat_statements_reset()" >/dev/null
checks=$(psql -d callauth -At -F' ' -c "SELECT (SELECT count(*) FROM attempts), (SELECT count(*) FROM attempts WHERE type='started'), (SELECT sum(started) FROM attempt_rollups WHERE dim='all'), (SELECT count(*) FROM attempts WHERE type='approved'), (SELECT sum(approved) FROM attempt_rollups WHERE dim='all'), (SELECT count(*) FROM attempt_verifications), (SELECT count(*) FROM attempt_rollups), pg_size_pretty(pg_database_size('callauth'))")
read -r rows started_rows started_roll approved_rows approved_roll verif_rows rollup_rows dbsize <<< "$checks"
say "check: attempts rows $rows (seeded $SEED_RECORDS); started rows $started_rows = rollup started $started_roll; approved rows $approved_rows = rollup approved $approved_roll; verification rows $verif_rows; rollup rows $rollup_rows; database $dbsize"
say "rollup rows by dimension: $(psql -d callauth -At -F' ' -c "SELECT string_agg(dim || ' ' || n, ', ' ORDER BY n DESC) FROM (SELECT dim, count(*) AS n FROM attempt_rollups GROUP BY dim) d")"

if [ "$VACUUM" = on ]; then
  tv0=$(date +%s.%N)
  psql -d callauth -c "VACUUM (ANALYZE) attempts, attempt_rollups, attempt_verifications"
  say "VACUUM (ANALYZE) after the ingest (what autovacuum would have done by now): $("$PY" -c "print(round($(date +%s.%N)-$tv0,1))") s"
fi

# ---------------------------------------------------------------- list by phone and by IP
say ""
say "== list newest first: GET /v1/attempts?phone=... and ?ip=... (limit 100 by default), wrk 1 thread, $LIST_CONNECTIONS connections, ${LIST_DURATION}s each after a 5 s warm-up; load average $(load)"
export BENCH_FRAUD_KEY=$FRAUD_KEY
for what in $LIST_ORDER; do
  file="$OUT/phones.txt"; [ "$what" = ip ] && file="$OUT/ips.txt"
  sample=$(sed -n 7p "$file")
  curl -s --max-time 10 -H "Authorization: Bearer $FRAUD_KEY" "$URL/v1/attempts?$what=$("$PY" -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$sample")" > "$OUT/list-$what-sample.json"
  items=$("$PY" -c "import json,sys;d=json.load(open(sys.argv[1]));print(len(d['items']), 'next page' if d.get('next') else 'last page')" "$OUT/list-$what-sample.json" 2>/dev/null || echo "unreadable answer")
  LIST_FILE=$file LIST_PARAM=$what wrk -t1 -c"$LIST_CONNECTIONS" -d5s -s bench/attempts-list.lua "$URL" > /dev/null
  LIST_FILE=$file LIST_PARAM=$what wrk -t1 -c"$LIST_CONNECTIONS" -d"${LIST_DURATION}s" --latency -s bench/attempts-list.lua "$URL" > "$OUT/list-$what.txt"
  say "by $what ($(wc -l < "$file") values rotating; e.g. $sample: $items): $(awk '/Requests\/sec/{print $2}' "$OUT/list-$what.txt") req/s, p50 $(awk '/^latency p50:/{print $3}' "$OUT/list-$what.txt") ms, p90 $(awk '/^latency p90:/{print $3}' "$OUT/list-$what.txt") ms, p99 $(awk '/^latency p99:/{print $3}' "$OUT/list-$what.txt") ms, max $(awk '/^latency max:/{print $3}' "$OUT/list-$what.txt") ms; $(grep '^non-200' "$OUT/list-$what.txt")"
done

# ---------------------------------------------------------------- summaries over 30 days
say ""
say "== summary over the last 30 days (GET /v1/attempts/summary): country and hour $SUMMARY_RUNS timed runs each, the others $SUMMARY_OTHER_RUNS, after 2 untimed; load average $(load)"
to=$(date -u +%Y-%m-%dT%H:%M:%SZ); from=$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)
for g in country hour provider prefix appId day; do
  : > "$OUT/summary-$g.times"
  runs=$SUMMARY_RUNS; case "$g" in country|hour) ;; *) runs=$SUMMARY_OTHER_RUNS ;; esac
  for i in $(seq 1 $((runs + 2))); do
    r=$(curl -s --max-time 60 -o "$OUT/summary-$g.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $FRAUD_KEY" \
      "$URL/v1/attempts/summary?from=$from&to=$to&groupBy=$g")
    [ "$i" -gt 2 ] && echo "$r" >> "$OUT/summary-$g.times"
  done
  say "groupBy=$g: $("$PY" - "$OUT/summary-$g.times" "$OUT/summary-$g.json" <<'EOF'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ms = sorted(float(t) * 1000 for _, t in rows)
codes = sorted(set(c for c, _ in rows))
try:
    d = json.load(open(sys.argv[2])); extra = "%d groups, total started %s approved %s" % (len(d.get("groups", [])), d.get("total", {}).get("started"), d.get("total", {}).get("approved"))
except Exception as e:
    extra = "answer not JSON"
print("median %.1f ms, min %.1f, max %.1f (HTTP %s; %s)" % (statistics.median(ms), ms[0], ms[-1], ",".join(codes), extra))
EOF
)"
done

# ---------------------------------------------------------------- export
say ""
say "== export (GET /v1/attempts/export?from=...&format=csv), newest rows; app memory from /proc/$APP_PID/status sampled every 0.1 s, heap by jstat; load average $(load)"
rss() { awk '/^VmRSS/{print $2}' "/proc/$APP_PID/status"; }
hwm() { awk '/^VmHWM/{print $2}' "/proc/$APP_PID/status"; }
heap_after_gc() { "$JAVA_HOME/bin/jcmd" "$APP_PID" GC.run >/dev/null 2>&1; sleep 1; "$JAVA_HOME/bin/jcmd" "$APP_PID" GC.heap_info 2>/dev/null | awk '/garbage-first heap/{for(i=1;i<=NF;i++) if($i=="used") {print $(i+1); exit}}'; }
export_once() {  # name from_millis
  local name=$1 from_ms=$2 from_iso
  from_iso=$("$PY" -c "import datetime,sys;print(datetime.datetime.fromtimestamp(int(sys.argv[1])/1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]+'Z')" "$from_ms")
  local heap0 rss0 hwm0; heap0=$(heap_after_gc); rss0=$(rss); hwm0=$(hwm)
  ( peak=0; while kill -0 "$APP_PID" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$OUT/export-$name.rsspeak"; sleep 0.1; done ) & local sampler=$!
  "$JAVA_HOME/bin/jstat" -gc "$APP_PID" 200 > "$OUT/export-$name.jstat" 2>/dev/null & local jst=$!
  local r; r=$(curl -s --max-time 900 -o "$OUT/export-$name.csv" -w '%{http_code} %{time_total} %{size_download}' \
    -H "Authorization: Bearer $FRAUD_KEY" "$URL/v1/attempts/export?from=$from_iso&format=csv" || true)
  kill "$sampler" "$jst" 2>/dev/null; wait "$sampler" "$jst" 2>/dev/null || true
  local lines; lines=$(wc -l < "$OUT/export-$name.csv")
  local heap1 hwm1; hwm1=$(hwm); heap1=$(heap_after_gc)
  local peak; peak=$(cat "$OUT/export-$name.rsspeak" 2>/dev/null || echo "$rss0")
  local heappeak; heappeak=$(awk 'NR>1 && $1 ~ /^[0-9.]+$/ {u=$3+$4+$6+$8; if (u>m) m=u} END {printf "%.0f", m/1024}' "$OUT/export-$name.jstat")
  read -r code secs bytes <<< "$r"
  say "$name: from $from_iso: HTTP $code, $((lines - 1)) rows, $("$PY" -c "print(round($bytes/1048576,1))") MB in ${secs} s ($("$PY" -c "print(round(($lines-1)/max(0.001,$secs)))") rows/s); RSS before $((rss0/1024)) MB, peak during $((peak/1024)) MB (+$(((peak-rss0)/1024)) MB); VmHWM $((hwm0/1024)) -> $((hwm1/1024)) MB; heap used peak ${heappeak} MB, after full GC $heap0 -> $heap1"
  head -3 "$OUT/export-$name.csv" > "$OUT/export-$name.head.csv"; rm -f "$OUT/export-$name.csv"
}
from_small=$SEED_AT_NEWEST_100K; from_big=$SEED_AT_NEWEST_1M
if [ "$EXPORT_SMALL_ROWS" != 100000 ] || [ "$EXPORT_ROWS" != 1000000 ] || [ "$from_big" -lt 0 ] \
   || [ "$archived" -lt "$SEED_RECORDS" ]; then
  # other sizes, or a partial archive: the time of the newest N-th record, from the archive itself
  from_small=$(psql -d callauth -At -c "SELECT (extract(epoch FROM at)*1000)::bigint FROM attempts ORDER BY at DESC, id DESC OFFSET $((EXPORT_SMALL_ROWS - 1)) LIMIT 1")
  from_big=$(psql -d callauth -At -c "SELECT (extract(epoch FROM at)*1000)::bigint FROM attempts ORDER BY at DESC, id DESC OFFSET $((EXPORT_ROWS - 1)) LIMIT 1")
fi
export_once "newest-$EXPORT_SMALL_ROWS" "$from_small"
export_once "newest-$EXPORT_ROWS" "$from_big"

# ---------------------------------------------------------------- console pages
say ""
say "== console pages (signed in as the fraud key; server time from the page's Server-Timing header, queries and rendering; $CONSOLE_RUNS timed after 2 untimed); load average $(load)"
read -r c_phone c_ip c_prefix c_app c_vid <<< "$(psql -d callauth -At -F' ' -c "SELECT phone, ip, prefix, app_id, verification_id FROM attempts WHERE type = 'approved' AND phone IS NOT NULL AND ip IS NOT NULL AND prefix IS NOT NULL AND app_id IS NOT NULL ORDER BY at DESC LIMIT 1")"
q() { "$PY" -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }
"$PY" bench/console-pages.py "$URL" "$FRAUD_KEY" "$CONSOLE_RUNS" \
  "overview 1h=/console?window=1h" "overview 24h=/console?window=24h" "overview 7d=/console?window=7d" \
  "overview 30d=/console?window=30d" "attempts=/console/attempts" "attempts by phone=/console/attempts?phone=$(q "$c_phone")" \
  "attempts by ip=/console/attempts?ip=$(q "$c_ip")" "attempts by prefix=/console/attempts?prefix=$(q "$c_prefix")" \
  "attempts by app=/console/attempts?appId=$(q "$c_app")" "attempts refused=/console/attempts?type=refused" \
  "verification=/console/verifications/$c_vid" "rules=/console/rules" 2>&1 | tee -a "$SUMMARY"

# ---------------------------------------------------------------- plans of the queries (the app's SQL, literals)
phone=$(sed -n 7p "$OUT/phones.txt"); ip=$(sed -n 7p "$OUT/ips.txt")
{
  echo "== list by phone"; psql -d callauth -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM attempts WHERE phone = '$phone' ORDER BY at DESC, id DESC LIMIT 101"
  echo "== list by ip"; psql -d callauth -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM attempts WHERE ip = '$ip' ORDER BY at DESC, id DESC LIMIT 101"
  for dimkey in "country value" "all hour"; do
    set -- $dimkey
    echo "== summary rollups dim=$1"; psql -d callauth -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) SELECT $2 AS k, rule, sum(started), sum(approved), sum(calls_placed), sum(calls_delivered), sum(refused) FROM attempt_rollups WHERE dim = '$1' AND hour >= '$from' AND hour < '$to' GROUP BY 1, 2"
  done
  for key in country "date_trunc('hour', started_at, 'UTC')"; do
    echo "== summary median by $key"; psql -d callauth -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) SELECT $key, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM approved_at - started_at)) FROM attempt_verifications WHERE started_at >= '$from' AND started_at < '$to' AND approved_at IS NOT NULL GROUP BY GROUPING SETS (($key), ())"
  done
} > "$OUT/explain.txt" 2>&1
psql -d callauth -P pager=off -c "SELECT calls, round(total_exec_time::numeric/1000,1) AS total_s, round(mean_exec_time::numeric,2) AS mean_ms, round(max_exec_time::numeric,2) AS max_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM bench.pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE 'EXPLAIN%' ORDER BY total_exec_time DESC LIMIT 15" > "$OUT/query-statements.txt"
say ""
say "== sizes"
psql -d callauth -At -F' ' -c "SELECT 'attempts (all partitions, with indexes)', pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'attempts'::regclass UNION ALL SELECT 'attempt_rollups', pg_size_pretty(pg_total_relation_size('attempt_rollups')) UNION ALL SELECT 'attempt_verifications', pg_size_pretty(pg_total_relation_size('attempt_verifications'))" | tee -a "$SUMMARY"
say "app log lines WARN/ERROR: $(grep -cE ' (WARN|ERROR) ' "$OUT/app.log" || true) (see app.log); query plans in explain.txt, PostgreSQL statements of the query phases in query-statements.txt"
say "results in $OUT"
