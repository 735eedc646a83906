-- When the refresh token was last rotated: for a short while afterwards the
-- token it replaced still renews the access token (two page loads sent
-- together both present it), and only later counts as a replay.
ALTER TABLE sessions ADD COLUMN rotated_at TIMESTAMP;
