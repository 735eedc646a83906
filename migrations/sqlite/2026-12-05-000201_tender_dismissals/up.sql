-- An organisation's "not for us" on a tender it matches: it leaves the
-- organisation's "Tenders for you" and its members get no "last chance"
-- reminder of it. Undone by deleting the row.
CREATE TABLE tender_dismissals (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    dismissed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    dismissed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, tender_id)
);
CREATE INDEX tender_dismissals_tender_id ON tender_dismissals (tender_id);
CREATE INDEX tender_dismissals_dismissed_by ON tender_dismissals (dismissed_by);
