-- The notifier (backend/src/notify). A person's choices: per kind of mail
-- how often (now, daily, weekly, never), the weakest match worth a mail,
-- and the local hour (Europe/Copenhagen) and weekday of digests. No row
-- means the defaults (notify/preferences.rs). The language is users.locale.
CREATE TABLE notification_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    match_cadence TEXT NOT NULL,
    amendment_cadence TEXT NOT NULL,
    answer_cadence TEXT NOT NULL,
    cancellation_cadence TEXT NOT NULL,
    min_match_percent INTEGER NOT NULL,
    digest_hour INTEGER NOT NULL,
    digest_weekday INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per (recipient, event): the unique key is what makes a second
-- mail about the same thing impossible, however often its cause is
-- replayed. `vars` is what the mail's template shows; `digest_key` names
-- the digest that took it, `sent_at` when the SMTP server accepted it.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    event_key TEXT NOT NULL,
    tender_id BIGINT REFERENCES tenders (id) ON DELETE CASCADE,
    cadence TEXT NOT NULL,
    vars TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    digest_key TEXT,
    sent_at TIMESTAMP,
    UNIQUE (user_id, event_key)
);
CREATE INDEX notifications_tender_id ON notifications (tender_id);
CREATE INDEX notifications_digest_key ON notifications (digest_key);
