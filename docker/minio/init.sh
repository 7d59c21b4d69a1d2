#!/bin/sh
# minio-init (docker/compose.yaml): a one-shot job, safe to run again. Creates the backup bucket
# ($BACKUP_S3_BUCKET) and the service's own MinIO user ($SERVICE_ACCESS_KEY, secret key from the
# backup_s3_secret_key secret) allowed only that bucket (backup-policy.json); the root user stays with
# the operator. The service gets the same pair as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY_FILE.
set -eu

: "${MINIO_URL:?}" "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD_FILE:?}"
: "${BACKUP_S3_BUCKET:?}" "${SERVICE_ACCESS_KEY:?}" "${SERVICE_SECRET_KEY_FILE:?}"
POLICY=tenant-onboarding-backups

mc alias set local "$MINIO_URL" "$MINIO_ROOT_USER" "$(cat "$MINIO_ROOT_PASSWORD_FILE")" > /dev/null
mc mb --ignore-existing "local/$BACKUP_S3_BUCKET"
# Backups are encrypted by the service before upload; versioning keeps an overwritten object.
mc version enable "local/$BACKUP_S3_BUCKET"
mc admin user add local "$SERVICE_ACCESS_KEY" "$(cat "$SERVICE_SECRET_KEY_FILE")" > /dev/null
mc admin policy create local "$POLICY" /minio-init/backup-policy.json > /dev/null
if ! mc admin user info local "$SERVICE_ACCESS_KEY" | grep -q "$POLICY"; then
    mc admin policy attach local "$POLICY" --user "$SERVICE_ACCESS_KEY" > /dev/null
fi
echo "minio-init: bucket $BACKUP_S3_BUCKET ready for user $SERVICE_ACCESS_KEY"
