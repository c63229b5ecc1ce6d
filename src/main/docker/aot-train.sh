#!/bin/sh
# Training run for the JDK's AOT cache (JEP 483/514/515, JDK 25): starts the packaged app once with
# -XX:AOTCacheOutput, lets it come up and answer a few requests, then stops it with SIGTERM; the JVM writes the cache
# as it exits. Later starts with -XX:AOTCache=<cache> load and link the classes (and use the profiles) from it.
#   aot-train.sh <quarkus-app dir> <cache file>
# AOT_TRAIN_LAUNCH: the command that starts the app as it will run (the image's run-java.sh, so that the training run
# has the same JVM options as later starts: the cache is only used by a JVM started with compatible options); it must
# pass -XX:AOTCacheOutput=<cache file> itself (JAVA_OPTS_APPEND for run-java.sh). Unset: java -jar quarkus-run.jar.
# The cache is only valid for the same JDK build and the same class path: run this where the app will run (the
# Dockerfile does, in the image). Needs no Redis, PostgreSQL or provider: the app starts without them (readiness
# says DOWN), which is all a training run needs. Plain POSIX sh + java; curl or wget when present.
set -eu
APP_DIR=${1:?quarkus-app directory}
CACHE=${2:?cache file}
JAVA=${JAVA:-java}
PORT=${AOT_TRAIN_PORT:-18080}
MGMT=${AOT_TRAIN_MANAGEMENT_PORT:-19000}
LOG=$(mktemp)

# a prod configuration that passes the startup check and reaches nothing (port 1 is closed)
export QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MGMT QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_HOST=127.0.0.1
export QUARKUS_REDIS_HOSTS=redis://127.0.0.1:1
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:1/callauth QUARKUS_DATASOURCE_USERNAME=train
export QUARKUS_DATASOURCE_PASSWORD=train
export CALLAUTH_API_KEYS="train:verify:0000000000000000000000000000000000000000000000000000000000000000"
export CALLAUTH_CODE_SECRET=aot-training-only-0123456789-0123456789
export CALLAUTH_PROVIDERS_CHAIN=callpass CALLAUTH_PROVIDERS_CALLPASS_URL=http://127.0.0.1:1
export CALLAUTH_PROVIDERS_CALLPASS_TOKEN=train CALLAUTH_ATTEMPTS_INGEST_ENABLED=false

fetch() {
  if command -v curl >/dev/null 2>&1; then curl -s -o /dev/null -m 5 "$@" || true
  elif command -v wget >/dev/null 2>&1; then wget -q -O /dev/null -T 5 "$1" || true; fi
}

cd "$APP_DIR"
if [ -n "${AOT_TRAIN_LAUNCH:-}" ]; then
  $AOT_TRAIN_LAUNCH >"$LOG" 2>&1 &
else
  "$JAVA" -XX:AOTCacheOutput="$CACHE" -jar quarkus-run.jar >"$LOG" 2>&1 &
fi
PID=$!
i=0
until grep -q "started in" "$LOG" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $PID 2>/dev/null; then
    cat "$LOG" >&2
    echo "aot-train: the app did not start" >&2
    exit 1
  fi
  sleep 0.1
done
# a few requests: the REST layer, the auth filter, problem+json, health and metrics get loaded and profiled
for n in 1 2 3; do
  fetch "http://127.0.0.1:$MGMT/q/health/ready"
  fetch "http://127.0.0.1:$MGMT/q/metrics"
  fetch "http://127.0.0.1:$PORT/v1/verifications/vf_train"
  fetch -X POST -H 'Authorization: Bearer wrong' -H 'Content-Type: application/json' -d '{"phone":"+15550100"}' \
    "http://127.0.0.1:$PORT/v1/verifications"
done
kill -TERM $PID
wait $PID || true
if [ ! -s "$CACHE" ]; then
  cat "$LOG" >&2
  echo "aot-train: no cache written to $CACHE" >&2
  exit 1
fi
rm -f "$LOG"
echo "aot-train: wrote $CACHE ($(wc -c <"$CACHE") bytes)"
