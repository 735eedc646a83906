-- Counters for rate limits (failed logins, mails to one address): one row
-- per key, counted atomically with an upsert and reset when the window
-- has passed. Keys hold no address in clear (see auth/rate_limit.rs).
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY NOT NULL,
    hits INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);
