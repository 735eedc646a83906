-- A document may carry a title to show instead of its file name.
ALTER TABLE tender_documents ADD COLUMN title TEXT;
