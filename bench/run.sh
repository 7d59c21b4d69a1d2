#!/usr/bin/env bash
# Provisioning benchmark (not run in CI): the service on an embedded cluster in a temp DATA_DIR against
# plain psql doing the same SQL work, on the pool-hit and the pool-miss path. Usage: bash bench/run.sh [--n 20] [--m 50]
# [--posts 50] [--fleet 2000] [--rollout 500] [--pool 2] (--pool: onboarding.tenant-database.pool-size, at least 1)
# Needs java, curl, psql, python3 (bench/client.py is the HTTP client, bench/summarize.py the statistics; standard
# library only); BENCH_JAVA_OPTS adds JVM options. Writes bench/results/<timestamp>.{txt,json}.
set -euo pipefail
N=20 M=50 POSTS=50 FLEET=0 ROLLOUT=0 POOL=2
while [ $# -gt 0 ]; do
  case "$1" in --n) N=$2;; --m) M=$2;; --posts) POSTS=$2;; --fleet) FLEET=$2;; --rollout) ROLLOUT=$2;; --pool) POOL=$2;;
    *) echo "unknown $1" >&2; exit 2;; esac
  shift 2
done
cd "$(dirname "$0")/.."
[ -f target/tenant-onboarding.jar ] || mvn -q -B -ntp package -DskipTests
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
export DATA_DIR; DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/onboarding-bench.XXXXXX")
export SERVER_PORT; SERVER_PORT=$(free_port)
export ONBOARDING_API_TOKEN=bench-token-0123456789abcdef
PG_PORT=$(free_port)
STAMP=$(date -u +%Y%m%dT%H%M%SZ); mkdir -p bench/results; OUT=bench/results/$STAMP; SAMPLES=$DATA_DIR/samples
JMS_PORT=$(free_port)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
start_service() { # $@: extra JVM options
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS: extra JVM options, e.g. -Donboarding.tenant-database.template=false
  # The PG* variables below are psql's: a restarted service must not take them for an external cluster.
  env -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD -u PGDATABASE java -Donboarding.tenant-database.pool-size="$POOL" ${BENCH_JAVA_OPTS:-} "$@" -Donboarding.embedded-postgres.port="$PG_PORT" -Donboarding.jms.embedded-port="$JMS_PORT" \
       -jar target/tenant-onboarding.jar >> "$DATA_DIR/service.log" 2>&1 &
  PID=$!; local t0; t0=$(now_ms)
  for _ in $(seq 1 1200); do # a restart on a large fleet may take a while: up to 10 minutes
    if curl -sf "$URL/observe/health" >/dev/null; then echo "start_ms $(( $(now_ms) - t0 ))" >> "$SAMPLES.starts"; return; fi
    kill -0 "$PID" 2>/dev/null || break; sleep 0.5
  done
  cp "$DATA_DIR/service.log" "$OUT.service.log"; echo "service did not start; its log: $OUT.service.log" >&2; exit 1
}
stop_service() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
# The status of the run, not of the stopped service (whose SIGTERM exit is 143).
trap 'rc=$?; stop_service; rm -rf "$DATA_DIR"; exit $rc' EXIT
URL=http://localhost:$SERVER_PORT; export BENCH_URL=$URL
start_service
export PGHOST=localhost PGPORT=$PG_PORT PGUSER=postgres PGDATABASE=postgres
PGPASSWORD=$(cat "$DATA_DIR/postgres-superuser.password"); export PGPASSWORD
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$PID/status; }
client() { python3 bench/client.py "$@"; }
ICU="LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"
psql -qAt -c "CREATE DATABASE bench_locale_probe TEMPLATE template0 LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'" \
  2>/dev/null && { ICU="LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'"; psql -qc "DROP DATABASE bench_locale_probe"; }
psql_once() { # the design's own SQL (its section 3.2, kept verbatim for the tests), as a person would script it
  local t0 h db; t0=$(now_ms); h=$(python3 -c 'import uuid; print(uuid.uuid4().hex)'); db=tenant_$h
  local a=${db}_admin m=${db}_app_manager d=${db}_developer u=${db}_auditor
  psql -qv ON_ERROR_STOP=1 -c "BEGIN" -c "CREATE ROLE $a NOLOGIN; CREATE ROLE $m NOLOGIN; CREATE ROLE $d NOLOGIN;
    CREATE ROLE $u NOLOGIN" -c "COMMIT" \
    -c "CREATE DATABASE $db OWNER onboarding_database_owner ENCODING 'UTF8' TEMPLATE template0 CONNECTION LIMIT 20 $ICU" \
    -c "REVOKE ALL ON DATABASE $db FROM PUBLIC; GRANT CONNECT ON DATABASE $db TO $a, $m, $d, $u;
    GRANT CREATE, TEMPORARY ON DATABASE $db TO $a" >/dev/null
  { echo "ALTER SCHEMA public OWNER TO $a; SET ROLE $a;"; cat src/test/resources/design/tenant-schema.sql; echo "
    REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO $m, $d, $u;
    GRANT SELECT, INSERT, UPDATE, DELETE ON applications, resources, deployments TO $m;
    GRANT SELECT, INSERT ON user_activity TO $m, $d; GRANT SELECT ON applications, resources, deployments TO $d, $u;
    GRANT SELECT ON user_activity TO $u;"; } | psql -qv ON_ERROR_STOP=1 -d "$db" -1 -f - >/dev/null
  echo "psql_ms $(( $(now_ms) - t0 ))"
}
client once warmup >/dev/null
# serial COUNT LABEL [hit]: the psql floor, then a tenant, one after another; "hit": each pair first waits for a
# full pool (docs/pool.md), so that the tenant takes the pool-hit path and no refill runs beside either (with no
# pool at all, e.g. without the template, it stops waiting after the first 60 s and the series counts misses)
serial() {
  for i in $(seq 1 "$1"); do
    if [ "${3:-}" = hit ] && [ -z "${NO_POOL:-}" ]; then client pool-ready "$POOL" || NO_POOL=1; fi
    psql_once; client once "$2$i"
  done
}
# The pool-miss path (the ordinary one): the refill held off by its advisory lock (as another instance refilling
# would hold it), the pool drained, then the series; the lock let go after it.
POOL_LOCK=$((0x6f6e62706f6f6c)) # TenantDatabasePoolRefill.LOCK_KEY
misses() { # COUNT LABEL
  PGAPPNAME=bench-pool-hold psql -qAt -c "SELECT pg_advisory_lock($POOL_LOCK)" -c "SELECT pg_sleep(86400)" >/dev/null 2>&1 &
  until [ "$(psql -qAt -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
      WHERE a.application_name = 'bench-pool-hold' AND l.locktype = 'advisory' AND l.granted")" = 1 ]; do sleep 0.1; done
  client drain >&2
  serial "$1" "$2"
  psql -qAt -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bench-pool-hold'" >/dev/null
  wait $! 2>/dev/null || true
}
serial "$N" serial hit > "$SAMPLES.serial"
misses "$N" miss > "$SAMPLES.miss"
# throughput: M at once with the default concurrency, against the serial floor
burst_ms=$(client burst "$M" | awk '{print $2}')
# accept latency of concurrent POSTs, released together on open connections
client accept "$POSTS" > "$SAMPLES.accept"
rss=$(rss_mb)
# strategy: clone the template both ways
tmpl=$(psql -qAt -c "SELECT datname FROM pg_database WHERE datname LIKE 'onboarding\_tenant\_template\_%' LIMIT 1")
for s in ${tmpl:+FILE_COPY WAL_LOG FILE_COPY WAL_LOG FILE_COPY WAL_LOG}; do
  t=$(now_ms); psql -qc "CREATE DATABASE bench_clone TEMPLATE $tmpl STRATEGY $s" -c "DROP DATABASE bench_clone" >/dev/null
  echo "$s $(( $(now_ms) - t ))"
done > "$SAMPLES.strategy"
: > "$SAMPLES.fleet"
if [ "$FLEET" -gt 0 ]; then
  client fleet "$FLEET"
  serial 10 fleet hit > "$SAMPLES.fleet"; echo "rss_mb $(rss_mb)" >> "$SAMPLES.fleet"
  misses 10 fleetmiss > "$SAMPLES.fleetmiss"
fi
summarize() { python3 bench/summarize.py "$SAMPLES" "$N" "$M" "$POSTS" "$FLEET" "$burst_ms" "$rss" "$OUT.json"; }
summarize > "$OUT.txt" # kept even if the rollout part below fails
: > "$SAMPLES.rollout"
if [ "$ROLLOUT" -gt 0 ]; then
  # A fleet at tenant schema version 1, then this release (version 2) rolled across it.
  stop_service; start_service -Donboarding.tenant-schema.target=1 -Donboarding.tenant-schema.converge-at-start=false
  have=$(psql -qAt -d onboarding_platform -c "SELECT count(*) FROM tenants WHERE status = 'active'")
  client fleet $((have + ROLLOUT)); stop_service
  start_service -Donboarding.tenant-schema.converge-at-start=false # migrated by the rollout, not at start
  client rollout > "$SAMPLES.rollout"; echo "rollout_tenants $ROLLOUT" >> "$SAMPLES.rollout"
fi
summarize | tee "$OUT.txt"
