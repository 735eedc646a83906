-- A bid's documents, sealed like its content (bids/documents): the file in
-- the data folder's bid-documents/ is encrypted under the bid key, and so
-- is everything said of it here (name, title, type, size, hash), so that a
-- copy of the database or the folder reads nothing of it. Only the
-- storage key, the uploader and the time are plain. Removed with the bid;
-- the daily clean-up then removes the file.
CREATE TABLE bid_documents (
    id BIGSERIAL PRIMARY KEY,
    bid_id BIGINT NOT NULL REFERENCES bids (id) ON DELETE CASCADE,
    sealed TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX bid_documents_bid_id ON bid_documents (bid_id);
CREATE INDEX bid_documents_uploaded_by ON bid_documents (uploaded_by);
