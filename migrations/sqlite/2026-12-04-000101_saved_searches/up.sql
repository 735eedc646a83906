-- Saved searches (backend/src/saved_searches): a person's tender search,
-- kept as the query string of its URL (without the page), to run again
-- from their start page; each new tender it finds is mailed to them as the
-- notifier's kind `saved_search`, at the cadence they choose for it.
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, query)
);

-- Existing choices get the default of new ones: a daily digest.
ALTER TABLE notification_settings
    ADD COLUMN saved_search_cadence TEXT NOT NULL DEFAULT 'daily';
