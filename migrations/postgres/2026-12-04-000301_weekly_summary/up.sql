-- The officers' weekly summary (backend/src/notify/summary.rs): how a
-- person wants it; existing choices get its default, at once (Monday
-- morning, when it is made).
ALTER TABLE notification_settings
    ADD COLUMN weekly_summary_cadence TEXT NOT NULL DEFAULT 'now';
