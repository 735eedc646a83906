ALTER TABLE sessions DROP COLUMN rotated_at;
