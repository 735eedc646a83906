-- Administrators' decisions (on an organisation's profile, on an officer's
-- account) are notifications like the rest (backend/src/notify): how a
-- person wants each; existing choices get the default, at once.
ALTER TABLE notification_settings
    ADD COLUMN profile_decision_cadence TEXT NOT NULL DEFAULT 'now';
ALTER TABLE notification_settings
    ADD COLUMN officer_decision_cadence TEXT NOT NULL DEFAULT 'now';
