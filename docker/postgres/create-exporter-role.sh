#!/bin/bash
# Runs once, when the postgres-data volume is first initialised (/docker-entrypoint-initdb.d): the
# role postgres_exporter logs in with, a member of pg_monitor (statistics, no data, no DDL). Its
# password comes from the exporter_password secret, read by psql itself (never on a command line).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<'SQL'
\set password `cat "$EXPORTER_PASSWORD_FILE"`
CREATE ROLE postgres_exporter LOGIN PASSWORD :'password' IN ROLE pg_monitor;
SQL
