-- Stored matches: for a published tender the profiles that could deliver
-- it, for an approved organisation the open tenders it could win, each with
-- its score and its reasons (JSON, as the indexer explains them). A job
-- computes them when the cause is written (matching/job.rs); pages, the API
-- and later the notifier read them without recomputing. A pair holds the
-- newest computation of either side.
CREATE TABLE matches (
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tender_id, organisation_id)
);
CREATE INDEX matches_organisation ON matches (organisation_id, score);
