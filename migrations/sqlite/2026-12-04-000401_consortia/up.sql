-- Consortia: the partners a bid's lead organisation (bids.organisation_id)
-- invites, each with its role and share of the work. A partner accepts or
-- declines; a bid is submitted only when no invitation is pending, and
-- every accepted partner then reads the bid it belongs to. Which
-- organisations bid together is as sealed as the bid: only the members of
-- the consortium see these rows before the opening (bids/access.rs).
CREATE TABLE bid_partners (
    bid_id INTEGER NOT NULL REFERENCES bids (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    share_percent INTEGER NOT NULL CHECK (share_percent BETWEEN 1 AND 99),
    state TEXT NOT NULL CHECK (state IN ('invited', 'accepted', 'declined')),
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    invited_at TIMESTAMP NOT NULL,
    answered_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    answered_at TIMESTAMP,
    PRIMARY KEY (bid_id, organisation_id)
);
CREATE INDEX bid_partners_organisation_id ON bid_partners (organisation_id);
CREATE INDEX bid_partners_invited_by ON bid_partners (invited_by);
CREATE INDEX bid_partners_answered_by ON bid_partners (answered_by);
