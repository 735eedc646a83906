DROP INDEX notifications_digest_key;
CREATE INDEX notifications_digest_key ON notifications (digest_key);
