#!/bin/sh
# Creates the secrets docker/compose.yaml hands to its containers (compose `secrets:`, mounted at
# /run/secrets/<name>): random values, made once, never overwritten. Run it before the first
#   docker compose -f docker/compose.yaml up -d
# The files stay out of git (.gitignore here) and out of the image's build context.
# Compose without swarm bind-mounts a secret file as it is on the host, so each file is 0644 for the
# containers' own non-root users (postgres, the service's 10001, grafana, nobody); the directory is
# 0700, so on the host only its owner reaches them.
set -eu
cd "$(dirname "$0")"
chmod 0700 .

for name in postgres_password exporter_password api_token metrics_token jms_password grafana_admin_password \
        minio_root_password backup_s3_secret_key; do
    if [ ! -s "$name" ]; then
        # 32 random bytes as 64 hex characters: no character any consumer could misread.
        od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$name.new"
        mv "$name.new" "$name"
        echo "created docker/secrets/$name"
    fi
    chmod 0644 "$name"
done
