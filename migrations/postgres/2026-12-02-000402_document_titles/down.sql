ALTER TABLE tender_documents DROP COLUMN title;
