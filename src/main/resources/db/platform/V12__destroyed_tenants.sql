-- A destroyed tenant says when, and which backup is its last (kept for the final retention).
ALTER TABLE tenants ADD COLUMN destroyed_at timestamptz, ADD COLUMN final_backup_id uuid;
