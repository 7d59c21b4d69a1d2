-- Offsite backups (docs/backups-offsite.md): the storage class of a backup's object, as the store
-- reported it in the HEAD right after the upload (BACKUP_S3_STORAGE_CLASS asks for one; S3 omits the
-- header for STANDARD). NULL for backups on disk and for objects uploaded before this column.
ALTER TABLE backups ADD COLUMN storage_class text;
