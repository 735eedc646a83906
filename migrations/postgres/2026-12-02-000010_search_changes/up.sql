-- The change feed the search indexes follow: every write that changes what
-- search and matching must know about a tender or an organisation appends
-- a row here in its own transaction. Each process's index applies the rows
-- in id order and records the last id it applied (search/follower.rs).
CREATE TABLE search_changes (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('tender', 'organisation')),
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- The writing transaction (PostgreSQL): a follower reads a row only once
    -- every transaction older than it has ended (search/changes.rs).
    tx_id BIGINT NOT NULL DEFAULT txid_current()
);
CREATE INDEX search_changes_created_at ON search_changes (created_at);

-- What existed before the feed: every tender past its draft and every
-- organisation, so an index built from the feed alone misses nothing.
INSERT INTO search_changes (entity, entity_id, created_at)
SELECT 'tender', id, CURRENT_TIMESTAMP FROM tenders WHERE status <> 'draft' ORDER BY id;
INSERT INTO search_changes (entity, entity_id, created_at)
SELECT 'organisation', id, CURRENT_TIMESTAMP FROM organisations ORDER BY id;
