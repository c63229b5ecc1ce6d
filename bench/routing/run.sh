#!/usr/bin/env bash
# Routing benchmark: the app with the CallPass and Yunhu wire emulators (all in one JVM, loopback), 5 starts a second
# over three carriers on the injected clock (compressed: simulated time runs as fast as the app serves it), CallPass's
# delivery to Beeline dropping to 20 % and recovering. Bounded: about 15,000 starts; prints and keeps the table and
# the goals in target/routing-bench.txt.
#   bench/routing/run.sh
#   HEALTHY=5 DROP=15 RECOVERED=15 bench/routing/run.sh   # minutes of each phase (simulated)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break; done
fi
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -ntp ${MVN_OFFLINE:--o} test -Dbrowser-check.skip -Dtest=RoutingBench -Dbench.routing=true \
  -Dbench.healthy="${HEALTHY:-10}" -Dbench.drop="${DROP:-20}" -Dbench.recovered="${RECOVERED:-20}" \
  -DargLine="-Dbench.routing=true -Dbench.healthy=${HEALTHY:-10} -Dbench.drop=${DROP:-20} -Dbench.recovered=${RECOVERED:-20}" \
  | grep -v '^\[INFO\] Download' | tail -80
cat target/routing-bench.txt
