-- An officer may decline to publish a question that is not a request for
-- clarification; the asker is mailed the reason, and nobody else sees it.
ALTER TABLE tender_questions ADD COLUMN declined_at TIMESTAMP;
ALTER TABLE tender_questions ADD COLUMN decline_reason TEXT;
