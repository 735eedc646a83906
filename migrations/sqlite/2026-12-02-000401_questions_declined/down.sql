ALTER TABLE tender_questions DROP COLUMN decline_reason;
ALTER TABLE tender_questions DROP COLUMN declined_at;
