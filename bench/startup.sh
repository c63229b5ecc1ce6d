#!/usr/bin/env bash
# Start to ready of the packaged app (prod profile), with and without the JDK's AOT cache, on one core.
#   bench/startup.sh                 # 5 runs each, interleaved
#   RUNS=10 CORE=1 bench/startup.sh
#   FLOOR=1 bench/startup.sh         # also a minimal Quarkus app (REST, Jackson, Redis client, health), the framework's floor
# Trains the cache with src/main/docker/aot-train.sh (the same script the container image build runs) into a copy of
# target/quarkus-app, then alternates plain and cached starts, each pinned to core $CORE with taskset, against a
# local redis-server (Debian's, else the one inside embedded-redis). "Ready" is the first 200 from
# /q/health/ready on the management port, timed from the launch with curl polling every 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CORE=${CORE:-1}
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do [ -n "$j" ] && [ -x "$j/bin/java" ] && JAVA="$j/bin/java" && break; done
# the AOT cache's one-step training (-XX:AOTCacheOutput) needs JDK 25 or newer
major=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
[ "${major%%.*}" -ge 25 ] 2>/dev/null || { echo "needs a JDK 25 or newer (found $major)" >&2; exit 1; }
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -ntp package -DskipTests
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-bench/results/$STAMP-startup}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/startup-bench-XXXX)
cp -r target/quarkus-app "$WORK/app"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
REDIS_BIN=$(command -v redis-server || true)
if [ -z "$REDIS_BIN" ]; then
  jar=$(find ~/.m2/repository/com/github/codemonstur/embedded-redis -name '*.jar' | head -1)
  REDIS_BIN="$WORK/redis-server"; unzip -p "$jar" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_BIN"; chmod +x "$REDIS_BIN"
fi
REDIS_PORT=$(free_port)
"$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill $REDIS_PID 2>/dev/null; rm -rf "$WORK"' EXIT

echo "training the AOT cache..."
JAVA="$JAVA" sh src/main/docker/aot-train.sh "$WORK/app" "$WORK/app/app.aot" | tee "$OUT/train.txt"

if [ "${FLOOR:-0}" = 1 ]; then
  # the framework's floor: a minimal app of the same Quarkus version with the extensions every API of this kind has (REST
  # with Jackson, the Redis client, health on the management port) and one endpoint reading one key; built here, offline
  # from the local repository when it has the artifacts, and trained for its AOT cache by a start, one request and SIGTERM
  QV=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml)
  F="$WORK/floor-src"; mkdir -p "$F/src/main/java/floor" "$F/src/main/resources"
  cat > "$F/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>floor</groupId><artifactId>floor</artifactId><version>1</version>
  <properties><maven.compiler.release>21</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencyManagement><dependencies><dependency><groupId>io.quarkus.platform</groupId><artifactId>quarkus-bom</artifactId>
    <version>$QV</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest-jackson</artifactId></dependency>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-redis-client</artifactId></dependency>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency>
  </dependencies>
  <build><plugins><plugin><groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId><version>$QV</version>
    <extensions>true</extensions><executions><execution><goals><goal>build</goal></goals></execution></executions></plugin></plugins></build>
</project>
POM
  cat > "$F/src/main/java/floor/Value.java" <<'JAVA'
package floor;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

@Path("/values")
public class Value {
    private final ReactiveRedisDataSource redis;

    Value(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    @GET
    @Path("/{key}")
    public Uni<String> get(@PathParam("key") String key) {
        return redis.value(String.class).get(key).map(v -> v == null ? "none" : v);
    }
}
JAVA
  printf 'quarkus.devservices.enabled=false\nquarkus.management.enabled=true\n' > "$F/src/main/resources/application.properties"
  echo "building the floor app (Quarkus $QV)..."
  ./mvnw -B -q -ntp -o -f "$F/pom.xml" package -DskipTests >/dev/null 2>&1 || ./mvnw -B -q -ntp -f "$F/pom.xml" package -DskipTests >/dev/null
  cp -r "$F/target/quarkus-app" "$WORK/floor"
  TP=$(free_port); TM=$(free_port)
  (cd "$WORK/floor" && QUARKUS_HTTP_PORT=$TP QUARKUS_MANAGEMENT_PORT=$TM QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT \
    exec "$JAVA" -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar > "$WORK/floor-train.log" 2>&1) &
  tp=$!
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$TM/q/health/ready" && break; sleep 0.05; done
  curl -sf -o /dev/null "http://127.0.0.1:$TP/values/k"
  kill -TERM $tp; wait $tp 2>/dev/null || true
  [ -f "$WORK/floor/app.aot" ] || { cat "$WORK/floor-train.log" >&2; echo "no AOT cache for the floor app" >&2; exit 1; }
fi

APP_PORT=$(free_port); MGMT_PORT=$(free_port)
export QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_MANAGEMENT_PORT=$MGMT_PORT QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:1/callauth QUARKUS_DATASOURCE_USERNAME=x QUARKUS_DATASOURCE_PASSWORD=x
export CALLAUTH_API_KEYS="bench:verify:$(printf bench-key | sha256sum | cut -d' ' -f1)"
export CALLAUTH_CODE_SECRET=bench-secret-0123456789-0123456789-0123
export CALLAUTH_PROVIDERS_CHAIN=callpass CALLAUTH_PROVIDERS_CALLPASS_URL=http://127.0.0.1:1 CALLAUTH_PROVIDERS_CALLPASS_TOKEN=t
export CALLAUTH_ATTEMPTS_INGEST_ENABLED=false

one() { # $1 = plain|aot, $2 = app|floor (default app); prints milliseconds to ready
  local opts=() dir=${2:-app}
  [ "$1" = aot ] && opts=(-XX:AOTCache=app.aot)
  local t0 t1
  t0=$(date +%s%N)
  (cd "$WORK/$dir" && exec taskset -c "$CORE" "$JAVA" "${opts[@]}" -jar quarkus-run.jar > "$WORK/$dir-$1.log" 2>&1) &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$MGMT_PORT/q/health/ready"; do
    kill -0 $pid 2>/dev/null || { cat "$WORK/$dir-$1.log" >&2; echo "app exited" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

plain=(); aot=(); fplain=(); faot=()
for i in $(seq 1 "$RUNS"); do
  plain+=("$(one plain)"); aot+=("$(one aot)")
  floor=""
  if [ "${FLOOR:-0}" = 1 ]; then
    fplain+=("$(one plain floor)"); faot+=("$(one aot floor)")
    floor="; floor app: plain ${fplain[-1]} ms, AOT cache ${faot[-1]} ms"
  fi
  echo "run $i: plain ${plain[-1]} ms, AOT cache ${aot[-1]} ms$floor"
done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d, max %d", a[int((NR+1)/2)], a[1], a[NR]}'; }
{
  echo "== start to ready, prod profile, pinned to core $CORE, $RUNS runs each, $("$JAVA" -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "plain:     $(stats "${plain[@]}")"
  echo "AOT cache: $(stats "${aot[@]}")  ($(du -h "$WORK/app/app.aot" | cut -f1) cache)"
  if [ "${FLOOR:-0}" = 1 ]; then
    echo "floor app (REST, Jackson, Redis client, health), plain:     $(stats "${fplain[@]}")"
    echo "floor app (REST, Jackson, Redis client, health), AOT cache: $(stats "${faot[@]}")"
  fi
  grep -h "started in" "$WORK"/app-*.log | sed 's/^.*callauth/callauth/' | head -2
} | tee "$OUT/summary.txt"
