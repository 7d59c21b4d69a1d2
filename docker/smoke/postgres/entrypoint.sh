#!/bin/sh
# PostgreSQL 15 for docker/smoke-test. On the first start it initialises $PGDATA with the superuser
# "postgres" whose password is the first line of POSTGRES_PASSWORD_FILE, and a pg_hba.conf that asks
# every network login for scram-sha-256: the service's superuser and the tenants' stewards
# (tenant_<hex>_steward, who run pg_restore and the work on tenant objects; docs/connections.md)
# alike. Local socket logins are peer (only the container's own postgres user). Then it runs the
# server in the foreground, listening on every address of the container; extra arguments are the
# server's (-c name=value).
set -eu

bin=/usr/lib/postgresql/15/bin
: "${PGDATA:=/var/lib/postgresql/data}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD_FILE:-}" ] || [ ! -r "$POSTGRES_PASSWORD_FILE" ]; then
        echo "postgres-entrypoint: POSTGRES_PASSWORD_FILE must name a readable file holding the superuser's password" >&2
        exit 1
    fi
    "$bin/initdb" --username=postgres --pwfile="$POSTGRES_PASSWORD_FILE" --auth-local=peer \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
    cat > "$PGDATA/pg_hba.conf" <<'HBA'
# TYPE  DATABASE  USER  ADDRESS     METHOD
local   all       all               peer
host    all       all   0.0.0.0/0   scram-sha-256
host    all       all   ::/0        scram-sha-256
HBA
    echo "postgres-entrypoint: initialised $PGDATA (network logins: scram-sha-256)"
fi

exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c password_encryption=scram-sha-256 \
    -c unix_socket_directories=/var/run/postgresql "$@"
