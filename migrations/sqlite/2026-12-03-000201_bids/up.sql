-- Bids: one row per organisation, tender and lot (0 for a tender without
-- lots). The content (price, answers, commitments, declarations) is sealed:
-- `sealed` holds it encrypted with an authenticated cipher (bids/seal.rs),
-- so the database alone never shows what a bid says. The state, the times
-- and the SHA-256 of the submitted content stay readable: the receipt and
-- the deadline rules need them, and they reveal nothing of the offer.
CREATE TABLE bids (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    lot INTEGER NOT NULL CHECK (lot >= 0),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'withdrawn')),
    sealed TEXT NOT NULL,
    content_sha256 TEXT,
    submitted_at TIMESTAMP,
    submitted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    withdrawn_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tender_id, organisation_id, lot)
);
CREATE INDEX bids_organisation_id ON bids (organisation_id);
CREATE INDEX bids_submitted_by ON bids (submitted_by);

-- The owning officer's opening of a tender's bids, once, after its
-- deadline: until then not even the count of bids is shown to anyone but
-- each bidder (its own). The audit log records who opened them.
CREATE TABLE bid_openings (
    tender_id INTEGER PRIMARY KEY REFERENCES tenders (id) ON DELETE CASCADE,
    opened_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    opened_at TIMESTAMP NOT NULL
);
CREATE INDEX bid_openings_opened_by ON bid_openings (opened_by);
