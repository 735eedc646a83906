-- Tenders: the live row (a draft, or the current published version), the
-- frozen versions with their change logs, questions and answers,
-- followers and documents. Timestamps are UTC. Money is whole Danish
-- kroner (BIGINT). Lots, criteria and code lists are JSON in TEXT: they are
-- always read and written with their tender, and each published version
-- keeps its own copy in `tender_versions.snapshot`.

CREATE TABLE tenders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    authority_id INTEGER NOT NULL REFERENCES authorities (id),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'closed', 'cancelled')),
    language TEXT NOT NULL CHECK (language IN ('da', 'en')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    contract_nature TEXT,
    procedure_type TEXT,
    main_cpv TEXT,
    additional_cpv TEXT NOT NULL,
    nuts_codes TEXT NOT NULL,
    estimated_value_dkk BIGINT,
    submission_deadline TIMESTAMP,
    question_deadline TIMESTAMP,
    reserved TEXT NOT NULL,
    strategic TEXT NOT NULL,
    lots TEXT NOT NULL,
    criteria TEXT NOT NULL,
    social_weight INTEGER NOT NULL,
    version INTEGER NOT NULL,
    cancel_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    closed_at TIMESTAMP,
    cancelled_at TIMESTAMP
);
CREATE INDEX tenders_authority_id ON tenders (authority_id, status);
CREATE INDEX tenders_created_by ON tenders (created_by);
CREATE INDEX tenders_status_published_at ON tenders (status, published_at);
CREATE INDEX tenders_updated_at ON tenders (updated_at);

CREATE TABLE tender_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('publish', 'amend', 'cancel')),
    snapshot TEXT NOT NULL,
    changes TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tender_id, version)
);
CREATE INDEX tender_versions_created_by ON tender_versions (created_by);
CREATE INDEX tender_versions_created_at ON tender_versions (created_at);

CREATE TABLE tender_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    asked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    answer TEXT,
    answered_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    asked_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX tender_questions_tender_id ON tender_questions (tender_id);
CREATE INDEX tender_questions_asked_by ON tender_questions (asked_by);
CREATE INDEX tender_questions_answered_by ON tender_questions (answered_by);

CREATE TABLE tender_followers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tender_id, user_id)
);
CREATE INDEX tender_followers_user_id ON tender_followers (user_id);

CREATE TABLE tender_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP
);
CREATE INDEX tender_documents_tender_id ON tender_documents (tender_id);
CREATE INDEX tender_documents_uploaded_by ON tender_documents (uploaded_by);
