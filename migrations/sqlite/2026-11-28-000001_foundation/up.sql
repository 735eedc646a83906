-- Foundation: contracting authorities, accounts, sessions, one-time links,
-- login attempts, the job queue and the audit log.
-- Timestamps are UTC, written by the application. Ids are AUTOINCREMENT so
-- SQLite never reuses one: job dedupe keys are built from ids.

CREATE TABLE authorities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    cvr TEXT NOT NULL UNIQUE,
    nuts_code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('entrepreneur', 'officer', 'admin')),
    locale TEXT NOT NULL CHECK (locale IN ('da', 'en')),
    email_verified_at TIMESTAMP,
    authority_id INTEGER REFERENCES authorities (id),
    approval_state TEXT CHECK (approval_state IN ('pending', 'approved', 'rejected')),
    approval_reason TEXT,
    approved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    approval_decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((role = 'officer') = (authority_id IS NOT NULL AND approval_state IS NOT NULL))
);
CREATE INDEX users_authority_id ON users (authority_id);
CREATE INDEX users_approved_by ON users (approved_by);
CREATE INDEX users_approval_state ON users (approval_state);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_hash TEXT NOT NULL UNIQUE,
    previous_refresh_hash TEXT,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_previous_refresh_hash ON sessions (previous_refresh_hash);

CREATE TABLE email_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX email_tokens_user_id ON email_tokens (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, attempted_at);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    failed_at TIMESTAMP
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE finished_at IS NULL AND failed_at IS NULL;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_email TEXT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_actor_id ON audit_log (actor_id);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
