-- The notifier's "last chance" mail (backend/src/notify/last_chance.rs):
-- how often a person wants it; existing choices get its default, at once.
ALTER TABLE notification_settings
    ADD COLUMN last_chance_cadence TEXT NOT NULL DEFAULT 'now';
