-- Evaluation of opened bids: the owning officer's score per bid and
-- criterion scored by hand (quality and social value, on the scale 0-10,
-- each with its written reason; price and cost follow from the prices by
-- the tender's formula and are never stored), and the award per lot with
-- the end of its standstill period and the contract's signing.
CREATE TABLE bid_scores (
    bid_id INTEGER NOT NULL REFERENCES bids (id) ON DELETE CASCADE,
    criterion INTEGER NOT NULL CHECK (criterion >= 0),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    reason TEXT NOT NULL,
    scored_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    scored_at TIMESTAMP NOT NULL,
    PRIMARY KEY (bid_id, criterion)
);
CREATE INDEX bid_scores_scored_by ON bid_scores (scored_by);

CREATE TABLE awards (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id INTEGER NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    lot INTEGER NOT NULL CHECK (lot >= 0),
    bid_id INTEGER NOT NULL REFERENCES bids (id),
    awarded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    awarded_at TIMESTAMP NOT NULL,
    standstill_ends_at TIMESTAMP NOT NULL,
    signed_at TIMESTAMP,
    UNIQUE (tender_id, lot)
);
CREATE INDEX awards_bid_id ON awards (bid_id);
CREATE INDEX awards_awarded_by ON awards (awarded_by);
