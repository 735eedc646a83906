-- Notices imported from TED (eForms and TED XML) and the tenders they
-- became. Every notice is kept as parsed (JSON), so a tender can be
-- rebuilt from all notices of its procedure in publication order, whatever
-- order they arrived in. What the tender model cannot hold yet (amounts in
-- other currencies, reserved execution, social objectives, buyer contact,
-- awards) stays in `details` and `awards`.

CREATE TABLE imported_tenders (
    tender_id INTEGER PRIMARY KEY REFERENCES tenders (id) ON DELETE CASCADE,
    procedure_key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('eforms', 'ted')),
    publication_number TEXT,
    link TEXT,
    notice_language TEXT NOT NULL,
    details TEXT NOT NULL,
    awards TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE imported_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_key TEXT NOT NULL UNIQUE,
    procedure_key TEXT NOT NULL,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    publication_number TEXT,
    stage TEXT NOT NULL CHECK (stage IN ('planning', 'competition', 'change', 'result')),
    sha256 TEXT NOT NULL,
    notice TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX imported_notices_procedure_key ON imported_notices (procedure_key);
CREATE INDEX imported_notices_tender_id ON imported_notices (tender_id);
CREATE INDEX imported_notices_publication_number ON imported_notices (publication_number);

-- Buyers known only from their notices: no accounts, matched by national id.
CREATE TABLE external_authorities (
    authority_id INTEGER PRIMARY KEY REFERENCES authorities (id) ON DELETE CASCADE,
    national_id TEXT,
    country TEXT,
    contact TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
